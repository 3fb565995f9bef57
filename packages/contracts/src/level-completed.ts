import * as z from 'zod/mini';
import { Limits } from './constants';
import { EventId, Identifier, Instant, NonNegativeInt, SchemaVersion } from './fields';

/**
 * The fields every completion carries: the stats of the level just completed.
 * Objects are strict: an unknown field is rejected (a typo must not silently drop data).
 * Evolution is additive: new fields arrive optional, so every older sample keeps parsing.
 */
export const levelStatsShape = {
  eventId: EventId,
  schemaVersion: SchemaVersion,
  playerId: Identifier,
  gameId: Identifier,
  level: z.int().check(z.minimum(1), z.maximum(Limits.maxLevel)),
  score: NonNegativeInt(Limits.maxScore),
  stars: z.optional(NonNegativeInt(Limits.maxStars)),
  durationMs: NonNegativeInt(Limits.maxLevelDurationMs),
  completedAt: Instant,
};

export const LevelCompletedDetail = z.strictObject(levelStatsShape).register(z.globalRegistry, {
  title: 'GameBackend.LevelCompleted detail',
  description: 'A player finished a level.',
});
export type LevelCompletedDetail = z.infer<typeof LevelCompletedDetail>;
