import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type CompletionEvent, DetailType, type GameCompletedDetail, InvalidGameEvent } from '@gamekeeper/contracts';
import { applyOnce, earlier, later } from '@gamekeeper/replay-safe-store';

/** The CompletedGame table's key: one item per player and game. */
export const completedGameTableKey = { partitionKey: 'playerId', sortKey: 'gameId' } as const;
/** The env var the infra sets to the CompletedGame table's name. */
export const COMPLETED_GAME_TABLE_ENV = 'COMPLETED_GAME_TABLE_NAME';

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

export interface GameStoreDependencies {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export interface RecordGameResult {
  outcome: 'applied' | 'duplicate';
  playerId: string;
  gameId: string;
  completions: number;
}

/** Records a game completion in the CompletedGame table, once per eventId however often it is delivered. */
export async function recordGameCompletion(event: CompletionEvent, { client, tableName }: GameStoreDependencies): Promise<RecordGameResult> {
  if (event['detail-type'] !== DetailType.GameCompleted) {
    throw new InvalidGameEvent([`detail-type: the game store records ${DetailType.GameCompleted} only, got ${event['detail-type']}`]);
  }
  const { detail } = event;
  const key = { playerId: detail.playerId, gameId: detail.gameId };
  const { outcome, item } = await applyOnce<CompletedGame>({
    client,
    tableName,
    key,
    eventId: detail.eventId,
    reduce: (current) => reduceGameCompletion(current, detail),
  });
  return { outcome, ...key, completions: item.completions };
}
