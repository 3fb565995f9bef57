export { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE, idempotencyTableKey, METRICS_NAMESPACE_ENV, METRICS_PER_LEVEL_ENV, perLevelFromEnv } from './config';
export { datapointsOf, emitMetrics, logMetrics, metricSetsFor } from './metrics';
export type { CompletionMetricUnit, MetricDependencies, MetricOptions, MetricSet, MetricValue } from './metrics';
export { IDEMPOTENCY_WINDOW_SECONDS, oncePerEvent } from './once-per-event';
