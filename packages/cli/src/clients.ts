import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

export const DEFAULT_PORT = 4577;
export const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

/** Real AWS SDK clients pointed at a local endpoint (every command's `--endpoint`, the local runtime's port by default). */
export function awsClients(endpoint: string) {
  const config = { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  // More attempts than the default 3: the CLI's reads must ride out throttling (real, or injected locally).
  const dynamodb = new DynamoDBClient({ ...config, maxAttempts: 10 });
  return {
    eventBridge: new EventBridgeClient(config),
    // Against a local endpoint the sync-execution host prefix ("sync-states.") must not be added.
    sfn: new SFNClient({ ...config, disableHostPrefix: true }),
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
    cloudWatch: new CloudWatchClient(config),
    sqs: new SQSClient(config),
  };
}
export type AwsClients = ReturnType<typeof awsClients>;
