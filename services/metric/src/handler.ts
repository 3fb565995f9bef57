import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, METRICS_NAMESPACE_ENV } from './config';
import { logMetrics } from './metrics';
import { oncePerEvent } from './once-per-event';

const logger = createLogger('metric');
const dependencies = { cloudWatch: new CloudWatchClient(awsClientConfig), namespace: process.env[METRICS_NAMESPACE_ENV] || DEFAULT_METRICS_NAMESPACE };
const logMetricsOnce = oncePerEvent(async (event) => logMetrics(event, dependencies), {
  // More attempts than the other clients: once the metrics went out, failing to mark the record completed
  // (a throttled table) would let a retry send them a second time. Throttling rarely lasts 10 attempts.
  client: new DynamoDBClient({ ...awsClientConfig, maxAttempts: 10 }),
  tableName: requireEnv(IDEMPOTENCY_TABLE_ENV),
});

/** LogMetric: a thin adapter; contracts parse first (so bad input leaves no idempotency record), then once per eventId. */
export const handler = completionHandler(async (event, context) => {
  const result = await logMetricsOnce(event, context);
  logger.info('metrics logged', { ...result });
  return result;
}, { logger });
