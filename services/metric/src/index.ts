export { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE, idempotencyTableKey, METRICS_NAMESPACE_ENV } from './config';
export { logMetrics, metricDataFor } from './metrics';
export type { MetricDependencies } from './metrics';
export { IDEMPOTENCY_WINDOW_SECONDS, oncePerEvent } from './once-per-event';
