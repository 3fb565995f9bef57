// The custom metrics completions create, counted from the metric service's own code (`metricSetsFor`):
// every distinct metric name + dimension values is one custom metric, billed per month.
import { type CompletionEvent, DetailType, type GameEvent, Rating, Source } from '@gamekeeper/contracts';
import { metricSetsFor } from '@gamekeeper/metric/metrics';
import type { MetricSeriesProfile } from './model';

const envelope = { version: '0', id: 'cost', account: '000000000000', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [] };
const base = { schemaVersion: 1, playerId: 'p', score: 100, stars: 3, durationMs: 60_000, completedAt: '2026-01-01T00:00:00Z' };

/** Everything N games with M levels can emit: every level completed (with stars), every game completed, a report per rating and level. */
function everyEvent(games: number, levels: number): GameEvent[] {
  return Array.from({ length: games }, (_, g) => `game-${g}`).flatMap((gameId) => [
    ...Array.from({ length: levels }, (_, l): CompletionEvent => ({
      ...envelope,
      source: Source.GameBackend,
      'detail-type': DetailType.LevelCompleted,
      detail: { ...base, eventId: `e-${gameId}-${l}`, gameId, level: l + 1 },
    })),
    {
      ...envelope,
      source: Source.GameBackend,
      'detail-type': DetailType.GameCompleted,
      detail: { ...base, eventId: `g-${gameId}`, gameId, level: levels, totalScore: 1000, totalDurationMs: 600_000, levelsCompleted: levels },
    } as CompletionEvent,
    ...Rating.options.flatMap((rating) =>
      Array.from({ length: levels }, (_, l) => ({
        ...envelope,
        source: Source.Report,
        'detail-type': DetailType.LevelReportGenerated,
        detail: { ...base, eventId: `r-${gameId}-${l}-${rating}`, sourceEventId: 'x', gameCompleted: false, gameId, level: l + 1, pointsPerSecond: 1, rating },
      }) as unknown as GameEvent),
    ),
  ]);
}

/** Distinct custom metrics (name + dimension values) these events create. */
export function seriesOf(events: readonly GameEvent[], perLevel: boolean): number {
  return new Set(events.flatMap((e) => metricSetsFor(e, { perLevel }).flatMap((s) => s.dimensionSets.flatMap((d) => s.metrics.map((m) => `${m.name}|${JSON.stringify(d)}`))))).size;
}

/**
 * Custom metrics per game and per game and level, measured on 1 game × 1 level and 1 game × 2 levels and
 * checked on 3 games × 4 levels (the count must be linear in games and levels for the formula to hold).
 */
export function metricSeriesProfile(perLevel: boolean): MetricSeriesProfile {
  const one = seriesOf(everyEvent(1, 1), perLevel);
  const perGameAndLevel = seriesOf(everyEvent(1, 2), perLevel) - one;
  const profile = { perGame: one - perGameAndLevel, perGameAndLevel };
  const check = seriesOf(everyEvent(3, 4), perLevel);
  if (check !== profile.perGame * 3 + profile.perGameAndLevel * 12) throw new Error(`the metric service's custom metrics do not grow linearly with games and levels (${check} for 3 × 4)`);
  return profile;
}
