import type { Server } from 'node:http';
import type { RawHandler } from '../edge/server';
import type { FaultInjector } from '../faults/faults';
import { AwsServiceError } from '../protocol/aws-error';
import { sendJsonError } from '../protocol/json';

/** DynamoDB's own JSON protocol, answered by dynalite; injected throttling answers first, as DynamoDB would. */
export function dynamoFrontDoor(dynalite: Server, faults: FaultInjector): RawHandler {
  return (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (faults.throttleDynamo(target.slice(target.indexOf('.') + 1))) {
      req.resume();
      // The SDK retries this error with backoff, as it would against DynamoDB.
      const throttled = new AwsServiceError(
        'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded. (injected fault)',
      );
      return sendJsonError(res, '1.0', throttled);
    }
    dynalite.emit('request', req, res);
  };
}
