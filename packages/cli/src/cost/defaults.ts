// The defaults `gamekeeper cost` assumes where the template cannot say: durations and log sizes,
// measured on the local runtime with `scripts/measure-cost-inputs.ts` (the run below), and the
// DynamoDB requests each function's code makes. Override durations and log sizes with flags.

/** The local run the durations and log sizes come from. */
export const MEASURED = {
  on: '2026-11-25',
  how: 'scripts/measure-cost-inputs.ts --events 400 (one at a time after 60 warm-up events, 2 cores, load average 2-4 from other work; under load 5-8 durations came out 2-3x longer)',
} as const;

/**
 * Mean duration of one invocation, in ms, by function, warm. Locally a function is not held to its
 * memory's CPU share (a 256 MB function gets about 1/7 of a vCPU on Lambda) but shares a busy machine and
 * talks to an in-process DynamoDB: AWS durations may differ either way. The report prints the factor on
 * all durations at which the total meets the goal.
 */
export const MEASURED_DURATION_MS: Record<string, number> = {
  report: 11.1,
  'level-store': 18,
  'game-store': 19.6,
  metric: 17.4,
};

/** Step Functions' own time per execution beyond the slowest branch (ms), from the same run (mean execution 22 ms). */
export const MEASURED_ORCHESTRATION_MS = 4;

/** CloudWatch Logs bytes one invocation writes locally, by function: START/END/REPORT, its JSON log lines, EMF lines. */
export const MEASURED_LOG_BYTES: Record<string, number> = {
  report: 614,
  'level-store': 650,
  'game-store': 639,
  metric: 951,
};

/**
 * What AWS writes per invocation beyond the local lines: the REPORT line's X-Ray part (`XRAY TraceId: ...
 * SegmentId: ... Sampled: true`, ~95 bytes, as tracing is active). The functions' own lines name no
 * function (the log group does), so the longer physical function names on AWS add nothing there.
 */
export const AWS_EXTRA_LOG_BYTES_PER_INVOCATION = 95;

/** Share of completions that are game completions, the rest level completions. */
export const DEFAULT_GAME_SHARE = 0.1;

/** X-Ray's default sampling rule above its reservoir. */
export const DEFAULT_XRAY_SAMPLED_SHARE = 0.05;

/** The custom-metric example: this many games with this many levels each. */
export const DEFAULT_GAMES = 5;
export const DEFAULT_LEVELS = 50;

/**
 * The idempotency record Powertools writes per metric invocation: a conditional PutItem (in progress),
 * then an UpdateItem (completed, with the result): two writes of a record well under 1 KB, no read on
 * the first delivery (`@aws-lambda-powertools/idempotency`, DynamoDBPersistenceLayer).
 */
export const IDEMPOTENCY_RECORD_WRITES = 2;
export const IDEMPOTENCY_RECORD_BYTES = 300;
