import { randomUUID } from 'node:crypto';
import { DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';

export interface CompletionOptions {
  eventId?: string;
  playerId?: string;
  gameCompleted?: boolean;
  /** Replaces the whole detail (hostile input). */
  detail?: unknown;
}

/** A PutEvents entry for a level (or game) completion. */
export function completionEntry(options: CompletionOptions = {}) {
  const level = {
    eventId: options.eventId ?? randomUUID(),
    schemaVersion: 1,
    playerId: options.playerId ?? 'player-1',
    gameId: 'game-1',
    level: 3,
    score: 1200,
    stars: 2,
    durationMs: 45_000,
    completedAt: new Date().toISOString(),
  };
  const detail = options.detail ?? (options.gameCompleted ? { ...level, totalScore: 5000, levelsCompleted: 3, totalDurationMs: 200_000 } : level);
  return {
    Source: Source.GameBackend,
    DetailType: options.gameCompleted ? DetailType.GameCompleted : DetailType.LevelCompleted,
    Detail: JSON.stringify(detail),
    EventBusName: EVENT_BUS_NAME,
  };
}

/** PutEvents on the local endpoint over its JSON protocol. */
export async function putEvents(endpoint: string, entries: object[]): Promise<{ FailedEntryCount: number; Entries: { EventId?: string; ErrorCode?: string }[] }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({ Entries: entries }),
  });
  if (!response.ok) throw new Error(`PutEvents: ${response.status} ${await response.text()}`);
  return (await response.json()) as never;
}
