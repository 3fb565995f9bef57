import { type CompletionEvent, DetailType, InvalidGameEvent, type LevelCompletedDetail } from '@gamekeeper/contracts';
import { applyOnce, earlier, later } from '@gamekeeper/replay-safe-store';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The CompletedLevel table's key: one item per player and level of a game. */
export const completedLevelTableKey = { partitionKey: 'playerId', sortKey: 'levelKey' } as const;
/** The env var the infra sets to the CompletedLevel table's name. */
export const COMPLETED_LEVEL_TABLE_ENV = 'COMPLETED_LEVEL_TABLE_NAME';

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

export interface LevelStoreDependencies {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export interface RecordLevelResult {
  outcome: 'applied' | 'duplicate';
  playerId: string;
  levelKey: string;
  completions: number;
}

/** Records a level completion in the CompletedLevel table, once per eventId however often it is delivered. */
export async function recordLevelCompletion(event: CompletionEvent, { client, tableName }: LevelStoreDependencies): Promise<RecordLevelResult> {
  if (event['detail-type'] !== DetailType.LevelCompleted) {
    throw new InvalidGameEvent([`detail-type: the level store records ${DetailType.LevelCompleted} only, got ${event['detail-type']}`]);
  }
  const { detail } = event;
  const key = { playerId: detail.playerId, levelKey: levelKey(detail.gameId, detail.level) };
  const { outcome, item } = await applyOnce<CompletedLevel>({
    client,
    tableName,
    key,
    eventId: detail.eventId,
    reduce: (current) => reduceLevelCompletion(current, detail),
  });
  return { outcome, ...key, completions: item.completions };
}
