import { z } from 'zod';
import { Limits } from './constants';
import { EventId, Identifier, Instant, NonNegativeInt, SchemaVersion } from './fields';

export const Rating = z.enum(['S', 'A', 'B', 'C', 'D']);
export type Rating = z.infer<typeof Rating>;

/** The report the report service builds for the last completed level. */
export const LevelReportGeneratedDetail = z
  .strictObject({
    /** Derived deterministically from the source event's id, so a replay yields the same report. */
    eventId: EventId,
    schemaVersion: SchemaVersion,
    sourceEventId: EventId,
    gameCompleted: z.boolean(),
    playerId: Identifier,
    gameId: Identifier,
    level: z.int().min(1).max(Limits.maxLevel),
    score: NonNegativeInt(Limits.maxScore),
    stars: NonNegativeInt(Limits.maxStars).optional(),
    durationMs: NonNegativeInt(Limits.maxLevelDurationMs),
    completedAt: Instant,
    /** Points per second of play; 0 when the duration is 0. */
    pointsPerSecond: z.number().min(0).finite(),
    rating: Rating,
  })
  .meta({
    title: 'Report.LevelReportGenerated detail',
    description: 'The report for a completed level, published by the report service.',
  });
export type LevelReportGeneratedDetail = z.infer<typeof LevelReportGeneratedDetail>;
