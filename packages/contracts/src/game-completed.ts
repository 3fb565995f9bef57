import * as z from 'zod/mini';
import { Limits } from './constants';
import { NonNegativeInt } from './fields';
import { levelStatsShape } from './level-completed';

/** The final level's stats plus the totals of the whole game. */
export const GameCompletedDetail = z
  .strictObject({
    ...levelStatsShape,
    totalScore: NonNegativeInt(Limits.maxTotalScore),
    levelsCompleted: z.int().check(z.minimum(1), z.maximum(Limits.maxLevel)),
    totalDurationMs: NonNegativeInt(Limits.maxGameDurationMs),
  })
  .check(
    z.refine((d) => d.totalScore >= d.score, { path: ['totalScore'], error: 'must be at least the final level score' }),
    z.refine((d) => d.totalDurationMs >= d.durationMs, { path: ['totalDurationMs'], error: 'must be at least the final level duration' }),
  )
  .register(z.globalRegistry, {
    title: 'GameBackend.GameCompleted detail',
    description: 'A player finished the whole game; the level fields describe the final level.',
  });
export type GameCompletedDetail = z.infer<typeof GameCompletedDetail>;
