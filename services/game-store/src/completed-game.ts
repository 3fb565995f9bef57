import { type CompletionEvent, DetailType, type GameCompletedDetail } from '@gamekeeper/contracts';
import { type CompletionStoreDependencies, completionStore, earlier, later } from '@gamekeeper/replay-safe-store';

export interface CompletedGame {
  playerId: string;
  gameId: string;
  completions: number;
  bestTotalScore: number;
  fastestTotalDurationMs: number;
  mostLevelsCompleted: number;
  firstCompletedAt: string;
  lastCompletedAt: string;
}

/** Folds one game completion into the item. Order-independent (count, max, min). */
export function reduceGameCompletion(current: CompletedGame | undefined, detail: GameCompletedDetail): CompletedGame {
  return {
    playerId: detail.playerId,
    gameId: detail.gameId,
    completions: (current?.completions ?? 0) + 1,
    bestTotalScore: Math.max(current?.bestTotalScore ?? 0, detail.totalScore),
    fastestTotalDurationMs: Math.min(current?.fastestTotalDurationMs ?? Number.POSITIVE_INFINITY, detail.totalDurationMs),
    mostLevelsCompleted: Math.max(current?.mostLevelsCompleted ?? 0, detail.levelsCompleted),
    firstCompletedAt: earlier(current?.firstCompletedAt, detail.completedAt),
    lastCompletedAt: later(current?.lastCompletedAt, detail.completedAt),
  };
}

export type GameStoreDependencies = CompletionStoreDependencies;

export interface RecordGameResult {
  outcome: 'applied' | 'duplicate';
  playerId: string;
  gameId: string;
  completions: number;
}

/** The CompletedGame writer: game completions only, one item per player and game, replay-safe. */
export const gameStore = completionStore({
  subject: 'game',
  detailType: DetailType.GameCompleted,
  key: (detail) => ({ playerId: detail.playerId, gameId: detail.gameId }),
  reduce: reduceGameCompletion,
  summarize: (item) => ({ completions: item.completions }),
});

/** Records a game completion in the CompletedGame table, once per eventId however often it is delivered. */
export const recordGameCompletion: (
  event: CompletionEvent,
  dependencies: GameStoreDependencies,
) => Promise<RecordGameResult> = gameStore.record;
