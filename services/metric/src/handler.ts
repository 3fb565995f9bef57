import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, createLogger, gameEventHandler, requireEnv } from '@gamekeeper/middleware';
import { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, METRICS_NAMESPACE_ENV, perLevelFromEnv } from './config';
import { logMetrics } from './metrics';
import { oncePerEvent } from './once-per-event';

const logger = createLogger('metric');
const namespace = process.env[METRICS_NAMESPACE_ENV] || DEFAULT_METRICS_NAMESPACE;
// Powertools adds a `service` default dimension to every dimension set; ours are exactly the documented ones.
const metrics = new Metrics({ namespace, logger });
metrics.clearDefaultDimensions();
const dependencies = { metrics, namespace, perLevel: perLevelFromEnv(process.env) };
const logMetricsOnce = oncePerEvent(async (event) => logMetrics(event, dependencies), {
  // More attempts than the other clients: once the metrics went out, failing to mark the record completed
  // (a throttled table) would let a retry emit them a second time. Throttling rarely lasts 10 attempts.
  client: new DynamoDBClient({ ...awsClientConfig, maxAttempts: 10 }),
  tableName: requireEnv(IDEMPOTENCY_TABLE_ENV),
});

/**
 * LogMetric: a thin adapter; contracts parse first (so bad input leaves no idempotency record), then once
 * per eventId. It takes completions (from the housekeeping state machine) and level reports (delivered
 * straight from the bus by their own rule).
 */
export const handler = gameEventHandler(async (event, context) => {
  const result = await logMetricsOnce(event, context);
  logger.info('metrics logged', { ...result });
  return result;
}, { logger });
