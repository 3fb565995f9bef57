export { DEFAULT_METRICS_NAMESPACE, logMetrics, METRICS_NAMESPACE_ENV, metricDataFor } from './metrics';
export type { MetricDependencies } from './metrics';
export { IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS, idempotencyTableKey, oncePerEvent } from './once-per-event';
