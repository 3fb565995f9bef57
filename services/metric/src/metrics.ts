import type { Metrics } from '@aws-lambda-powertools/metrics';
import { type CompletionEvent, type GameEvent, type LevelReportGeneratedEvent, isGameCompleted, isLevelReport } from '@gamekeeper/contracts';

/** The CloudWatch units these metrics use (EMF `Unit`, as PutMetricData's `StandardUnit`). */
export type CompletionMetricUnit = 'Count' | 'None' | 'Milliseconds';

export interface MetricValue {
  name: string;
  unit: CompletionMetricUnit;
  value: number;
}

/**
 * One EMF document: metrics that share their dimension sets, timestamp and properties. Every metric is
 * published once per dimension set (`metrics.length × dimensionSets.length` custom-metric datapoints);
 * properties only travel in the log line (Logs Insights can group by them, CloudWatch metrics never see them).
 */
export interface MetricSet {
  /** Milliseconds since the epoch: the completion's `completedAt`, so a replay stamps identical data. */
  timestamp: number;
  /** Each dimension set with its values, e.g. `[{ GameId: 'g' }, { GameId: 'g', Level: '3' }]`. */
  dimensionSets: Array<Record<string, string>>;
  metrics: MetricValue[];
  properties: Record<string, string>;
}

export interface MetricOptions {
  /** Also publish the level metrics per game and level (`GameId`+`Level`): off by default, see the README. */
  perLevel: boolean;
}

/**
 * The metrics of one completion, as EMF documents. Cardinality is bounded and never names the player:
 * every metric is per game (`GameId`, a handful of games) and the level is a property of the log line, not
 * a dimension. `perLevel` adds a second document publishing the level metrics per game and level
 * (`GameId`+`Level`; levels are bounded by the game's design, at most Limits.maxLevel); the game totals
 * stay per game. (A second line rather than a second dimension set in one directive: Powertools warns
 * when two sets of one line share a key.)
 */
export function metricSetsFor(event: GameEvent, options: MetricOptions): MetricSet[] {
  return isLevelReport(event) ? reportMetricSets(event) : completionMetricSets(event, options);
}

/**
 * A level report counts once per game and rating (`LevelReports`, `GameId`+`Rating`: 5 ratings a game), so
 * dashboards see how players fare without another flow. The level stays a property.
 */
function reportMetricSets(event: LevelReportGeneratedEvent): MetricSet[] {
  const { detail } = event;
  return [
    {
      timestamp: Date.parse(detail.completedAt),
      dimensionSets: [{ GameId: detail.gameId, Rating: detail.rating }],
      metrics: [{ name: 'LevelReports', unit: 'Count', value: 1 }],
      properties: { Level: String(detail.level), eventId: detail.eventId },
    },
  ];
}

function completionMetricSets(event: CompletionEvent, { perLevel }: MetricOptions): MetricSet[] {
  const { detail } = event;
  const timestamp = Date.parse(detail.completedAt);
  const perGame = { GameId: detail.gameId };
  const level = String(detail.level);
  const levelStats: MetricValue[] = [
    { name: 'LevelCompleted', unit: 'Count', value: 1 },
    { name: 'Score', unit: 'None', value: detail.score },
    { name: 'DurationMs', unit: 'Milliseconds', value: detail.durationMs },
    ...(detail.stars !== undefined ? [{ name: 'Stars', unit: 'None', value: detail.stars } satisfies MetricValue] : []),
  ];
  const gameTotals: MetricValue[] = isGameCompleted(event)
    ? [
        { name: 'GameCompleted', unit: 'Count', value: 1 },
        { name: 'TotalScore', unit: 'None', value: event.detail.totalScore },
        { name: 'TotalDurationMs', unit: 'Milliseconds', value: event.detail.totalDurationMs },
        { name: 'LevelsCompleted', unit: 'Count', value: event.detail.levelsCompleted },
      ]
    : [];
  const sets: MetricSet[] = [{ timestamp, dimensionSets: [perGame], metrics: [...levelStats, ...gameTotals], properties: { Level: level, eventId: detail.eventId } }];
  // Here `Level` is a dimension (the same root member), so not also a property.
  if (perLevel) sets.push({ timestamp, dimensionSets: [{ ...perGame, Level: level }], metrics: levelStats, properties: { eventId: detail.eventId } });
  return sets;
}

/** CloudWatch datapoints the sets publish: each metric once per dimension set. */
export const datapointsOf = (sets: readonly MetricSet[]) => sets.reduce((n, s) => n + s.metrics.length * s.dimensionSets.length, 0);

/**
 * Writes each set as one EMF log line through Powertools Metrics (CloudWatch Logs turns it into the
 * metrics; no API call). `metrics` must have no default dimensions (the handler clears Powertools'
 * `service` one, which would change every metric's identity). Nothing stays buffered after a failure.
 */
export function emitMetrics(metrics: Metrics, sets: readonly MetricSet[]): void {
  for (const set of sets) {
    try {
      metrics.setTimestamp(set.timestamp);
      for (const dimensions of set.dimensionSets) metrics.addDimensions(dimensions);
      for (const [key, value] of Object.entries(set.properties)) metrics.addMetadata(key, value);
      for (const { name, unit, value } of set.metrics) metrics.addMetric(name, unit, value);
      metrics.publishStoredMetrics();
    } finally {
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  }
}

export interface MetricDependencies extends MetricOptions {
  metrics: Metrics;
  namespace: string;
}

/** Emits the event's metrics; returns how many CloudWatch datapoints they make. */
export async function logMetrics(event: GameEvent, { metrics, namespace, perLevel }: MetricDependencies): Promise<{ namespace: string; datapoints: number }> {
  const sets = metricSetsFor(event, { perLevel });
  emitMetrics(metrics, sets);
  return { namespace, datapoints: datapointsOf(sets) };
}
