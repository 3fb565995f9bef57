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

/**
 * The env var that switches on the per-level dimension set (`GameId`+`Level`) for the level metrics:
 * `true` to turn it on; anything else (or unset, the default) keeps every metric per game only.
 */
export const METRICS_PER_LEVEL_ENV = 'METRICS_PER_LEVEL';
/** Whether the env var asks for the per-level series. */
export const perLevelFromEnv = (env: Record<string, string | undefined>): boolean => env[METRICS_PER_LEVEL_ENV] === 'true';
