// The metric service's settings the infra needs too, in a module that loads nothing else (no SDK, no
// Powertools, no zod): the stack imports it as `@gamekeeper/metric/config` without handler code.

/** The env var the infra sets to the metric namespace. */
export const METRICS_NAMESPACE_ENV = 'METRICS_NAMESPACE';
/** The namespace when the env var is unset (and the stack's default). */
export const DEFAULT_METRICS_NAMESPACE = 'Gamekeeper';

/** The env var the infra sets to the idempotency table's name. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';
/** Powertools' record layout: partition key `id`, TTL attribute `expiration`. */
export const idempotencyTableKey = { partitionKey: 'id' } as const;
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';
