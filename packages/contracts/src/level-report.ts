import * as z from 'zod/mini';
import { EventId, SchemaVersion } from './fields';
import { levelStatsShape } from './level-completed';

export const Rating = z.enum(['S', 'A', 'B', 'C', 'D']);
export type Rating = z.infer<typeof Rating>;

// The completed level's stats, exactly as the completion carries them (same rules, same bounds).
const { playerId, gameId, level, score, stars, durationMs, completedAt } = levelStatsShape;

/** The report the report service builds for the last completed level. */
export const LevelReportGeneratedDetail = z
  .strictObject({
    /** Derived deterministically from the source event's id, so a replay yields the same report. */
    eventId: EventId,
    schemaVersion: SchemaVersion,
    sourceEventId: EventId,
    gameCompleted: z.boolean(),
    playerId,
    gameId,
    level,
    score,
    stars,
    durationMs,
    completedAt,
    /** Points per second of play; 0 when the duration is 0 (finite: zod's number rejects Infinity and NaN). */
    pointsPerSecond: z.number().check(z.minimum(0)),
    rating: Rating,
  })
  .register(z.globalRegistry, {
    title: 'Report.LevelReportGenerated detail',
    description: 'The report for a completed level, published by the report service.',
  });
export type LevelReportGeneratedDetail = z.infer<typeof LevelReportGeneratedDetail>;
