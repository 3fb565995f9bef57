import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DetailType, type LevelCompletedDetail } from '@gamekeeper/contracts';
import { type CompletedLevel, reduceLevelCompletion } from '@gamekeeper/level-store';
import { METRICS_NAMESPACE_ENV, perLevelFromEnv } from '@gamekeeper/metric/config';
import { RECENT_EVENT_WINDOW, dynamoItemSize, eventDigest, readUnitsFor, writeUnitsFor } from '@gamekeeper/replay-safe-store';
import {
  AWS_EXTRA_LOG_BYTES_PER_INVOCATION,
  DEFAULT_GAME_SHARE,
  DEFAULT_XRAY_SAMPLED_SHARE,
  IDEMPOTENCY_RECORD_BYTES,
  IDEMPOTENCY_RECORD_WRITES,
  MEASURED,
  MEASURED_DURATION_MS,
  MEASURED_LOG_BYTES,
  MEASURED_ORCHESTRATION_MS,
} from '../cost/defaults';
import { metricSeriesProfile } from '../cost/metric-series';
import { type CostAssumptions, GOAL_USD_PER_MILLION, estimateCost } from '../cost/model';
import { PRICES } from '../cost/prices';
import { formatCostReport } from '../cost/report';
import { readCostStack } from '../cost/template';
import { UsageError } from '../errors';
import { loadGamekeeperStack } from '../synth';

export interface CostOptions {
  /** Overrides of the measured durations, by function name (and `orchestration`). */
  durationMs?: Record<string, number>;
  /** Overrides of the measured log bytes per invocation, by function name. */
  logBytes?: Record<string, number>;
  games: number;
  levels: number;
  gameShare?: number;
  xraySampling?: number;
}

const require = createRequire(import.meta.url);

/** The sample completion of a detail-type, as the contracts publish it. */
const sampleEvent = (detailType: string) => JSON.parse(readFileSync(require.resolve(`@gamekeeper/contracts/events/${detailType}.json`), 'utf8')) as { detail: Record<string, unknown> };

/**
 * The CompletedLevel item in its steady state: the sample level completion folded in RECENT_EVENT_WINDOW
 * times (from then on the item no longer grows), with its bookkeeping, sized by DynamoDB's rules.
 */
function steadyStoreItemBytes(): number {
  const detail = sampleEvent(DetailType.LevelCompleted).detail as unknown as LevelCompletedDetail;
  let item: CompletedLevel | undefined;
  for (let i = 0; i < RECENT_EVENT_WINDOW; i++) item = reduceLevelCompletion(item, detail);
  const digests = Array.from({ length: RECENT_EVENT_WINDOW }, (_, i) => eventDigest(`event-${i}`));
  return dynamoItemSize({ ...item!, version: RECENT_EVENT_WINDOW, appliedEventDigests: digests });
}

/** `gamekeeper cost`: the cost per million completions of the synthesized stack, and the monthly metric charge. */
export async function runCost(options: CostOptions): Promise<void> {
  const { games, levels } = options;
  if (!(games >= 1 && levels >= 1)) throw new UsageError('--games and --levels must be at least 1');
  const gameShare = options.gameShare ?? DEFAULT_GAME_SHARE;
  if (!(gameShare >= 0 && gameShare <= 1)) throw new UsageError('--game-share must be between 0 and 1');

  const { template } = loadGamekeeperStack();
  const stack = readCostStack(template);
  const { orchestration, ...durationOverrides } = options.durationMs ?? {};
  const durationMs = { ...MEASURED_DURATION_MS, ...durationOverrides };
  const logBytes = { ...MEASURED_LOG_BYTES, ...options.logBytes };
  const orchestrationMs = orchestration ?? MEASURED_ORCHESTRATION_MS;
  for (const name of [...Object.keys(durationOverrides), ...Object.keys(options.logBytes ?? {})]) {
    if (!Object.values(stack.functions).some((f) => f.name === name)) throw new UsageError(`no function named "${name}" in the template (${Object.values(stack.functions).map((f) => f.name).join(', ')}, or orchestration)`);
  }

  const storeItemBytes = steadyStoreItemBytes();
  const store = { consistentReads: 1, writes: 1, itemBytes: storeItemBytes };
  const assumptions: CostAssumptions = {
    durationMs,
    orchestrationMs,
    logBytesPerInvocation: logBytes,
    extraLogBytesPerInvocation: AWS_EXTRA_LOG_BYTES_PER_INVOCATION,
    // The stores: applyOnce reads the item (consistent) and puts it back; the metric: Powertools' idempotency record.
    dynamoRequests: { 'level-store': store, 'game-store': store, metric: { consistentReads: 0, writes: IDEMPOTENCY_RECORD_WRITES, itemBytes: IDEMPOTENCY_RECORD_BYTES } },
    mix: { [DetailType.LevelCompleted]: 1 - gameShare, [DetailType.GameCompleted]: gameShare },
    eventBytes: Buffer.byteLength(JSON.stringify(sampleEvent(DetailType.LevelCompleted)), 'utf8'),
    xraySampledShare: options.xraySampling ?? DEFAULT_XRAY_SAMPLED_SHARE,
  };
  const estimate = estimateCost(stack, assumptions, PRICES);

  // The factor on every duration (functions and orchestration) at which the total reaches the goal.
  const scaled = (k: number) =>
    estimateCost(stack, { ...assumptions, orchestrationMs: orchestrationMs * k, durationMs: Object.fromEntries(Object.entries(durationMs).map(([n, ms]) => [n, ms * k])) }, PRICES).totalPerMillion;
  let durationBreakEven: number | undefined;
  if (scaled(0) <= GOAL_USD_PER_MILLION) {
    let low = 0;
    let high = 1;
    while (scaled(high) <= GOAL_USD_PER_MILLION && high < 1e4) high *= 2;
    for (let i = 0; i < 50; i++) {
      const mid = (low + high) / 2;
      if (scaled(mid) <= GOAL_USD_PER_MILLION) low = mid;
      else high = mid;
    }
    durationBreakEven = low;
  }

  const metricFunction = Object.values(stack.functions).find((f) => METRICS_NAMESPACE_ENV in f.environment);
  const perLevelOn = metricFunction ? perLevelFromEnv(metricFunction.environment) : false;
  const profile = metricSeriesProfile(perLevelOn);
  const measured = `the local runtime on ${MEASURED.on}, ${MEASURED.how}`;
  const measuredInputs = options.durationMs || options.logBytes ? `your flags, the rest from ${measured}` : measured;
  for (const line of formatCostReport({
    stack,
    estimate,
    durationMs,
    orchestrationMs,
    logBytes,
    extraLogBytes: AWS_EXTRA_LOG_BYTES_PER_INVOCATION,
    inputsSource: measuredInputs,
    storeItem: { bytes: storeItemBytes, writeUnits: writeUnitsFor(storeItemBytes), readUnits: readUnitsFor(storeItemBytes), note: `a CompletedLevel item after ${RECENT_EVENT_WINDOW}+ completions, when it stops growing` },
    metrics: { games, levels, ...profile, perLevelOn },
    ...(durationBreakEven !== undefined ? { durationBreakEven } : {}),
  })) {
    console.log(line);
  }
}
