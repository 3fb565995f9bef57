import { type CompletionEvent, DetailType, type LevelCompletedDetail } from '@gamekeeper/contracts';
import { type CompletionStoreDependencies, completionStore, earlier, later } from '@gamekeeper/replay-safe-store';

export interface CompletedLevel {
  playerId: string;
  levelKey: string;
  gameId: string;
  level: number;
  completions: number;
  bestScore: number;
  bestStars?: number;
  fastestDurationMs: number;
  firstCompletedAt: string;
  lastCompletedAt: string;
}

/** `<gameId>#<level, zero-padded>` so a player's levels sort by game, then level. */
export const levelKey = (gameId: string, level: number) => `${gameId}#${String(level).padStart(5, '0')}`;

/** Folds one completion into the item. Order-independent (count, max, min), so redelivery order does not matter. */
export function reduceLevelCompletion(current: CompletedLevel | undefined, detail: LevelCompletedDetail): CompletedLevel {
  const stars = Math.max(current?.bestStars ?? -1, detail.stars ?? -1);
  return {
    playerId: detail.playerId,
    levelKey: levelKey(detail.gameId, detail.level),
    gameId: detail.gameId,
    level: detail.level,
    completions: (current?.completions ?? 0) + 1,
    bestScore: Math.max(current?.bestScore ?? 0, detail.score),
    ...(stars >= 0 ? { bestStars: stars } : {}),
    fastestDurationMs: Math.min(current?.fastestDurationMs ?? Number.POSITIVE_INFINITY, detail.durationMs),
    firstCompletedAt: earlier(current?.firstCompletedAt, detail.completedAt),
    lastCompletedAt: later(current?.lastCompletedAt, detail.completedAt),
  };
}

export type LevelStoreDependencies = CompletionStoreDependencies;

export interface RecordLevelResult {
  outcome: 'applied' | 'duplicate';
  playerId: string;
  levelKey: string;
  completions: number;
}

/** The CompletedLevel writer: level completions only, one item per player and level, replay-safe. */
export const levelStore = completionStore({
  subject: 'level',
  detailType: DetailType.LevelCompleted,
  key: (detail) => ({ playerId: detail.playerId, levelKey: levelKey(detail.gameId, detail.level) }),
  reduce: reduceLevelCompletion,
  summarize: (item) => ({ completions: item.completions }),
});

/** Records a level completion in the CompletedLevel table, once per eventId however often it is delivered. */
export const recordLevelCompletion: (
  event: CompletionEvent,
  dependencies: LevelStoreDependencies,
) => Promise<RecordLevelResult> = levelStore.record;
