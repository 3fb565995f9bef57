import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEMA_VERSION, DetailType } from '@gamekeeper/contracts';
import { createProducer } from '@gamekeeper/producer';
import { awsClients } from '../clients';
import { UsageError } from '../errors';

export interface SendOptions {
  player: string;
  game: string;
  level: number;
  score: number;
  stars?: number;
  durationMs: number;
  totalScore?: number;
  levelsCompleted?: number;
  totalDurationMs?: number;
  eventId?: string;
  endpoint: string;
}

/** Builds one completion from flags and publishes it through the producer (which validates it first). */
export async function runSend(kind: string, options: SendOptions): Promise<void> {
  if (kind !== 'level' && kind !== 'game') throw new UsageError(`kind must be "level" or "game", got "${kind}"`);
  const detail: Record<string, unknown> = {
    eventId: options.eventId ?? randomUUID(),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    playerId: options.player,
    gameId: options.game,
    level: options.level,
    score: options.score,
    ...(options.stars !== undefined ? { stars: options.stars } : {}),
    durationMs: options.durationMs,
    completedAt: new Date().toISOString(),
  };
  if (kind === 'game') {
    detail.totalScore = options.totalScore ?? options.score;
    detail.levelsCompleted = options.levelsCompleted ?? options.level;
    detail.totalDurationMs = options.totalDurationMs ?? options.durationMs;
  }
  const { eventBridge } = awsClients(options.endpoint);
  const detailType = kind === 'game' ? DetailType.GameCompleted : DetailType.LevelCompleted;
  const [result] = await createProducer({ client: eventBridge }).publish([{ detailType, detail }]);
  eventBridge.destroy();
  if (!result) throw new Error('the producer returned no result');
  if (result.status === 'rejected') throw new UsageError(result.error.message);
  if (result.status === 'failed') throw new Error(`not delivered after ${result.attempts} attempts: ${result.errorCode}: ${result.errorMessage}`);
  console.log(`sent ${detailType} eventId=${String(detail.eventId)} (EventBridge id ${result.entryId})`);
}
