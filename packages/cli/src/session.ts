import { readFileSync } from 'node:fs';
import { CURRENT_SCHEMA_VERSION, DetailType, type GameCompletedDetail, type LevelCompletedDetail } from '@gamekeeper/contracts';

/** One line of a session file: what a game backend hands the producer. */
export interface SessionEvent {
  detailType: DetailType;
  detail: Record<string, unknown>;
}

export interface SessionOptions {
  seed: number;
  players: number;
  games: string[];
  /** Levels in each game; finishing the last one also completes the game. */
  levelsPerGame: number;
  start?: Date;
}

/** A small deterministic PRNG (mulberry32): the same seed always yields the same session. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * A play session: each player works through each game's levels (sometimes replaying a level for a
 * better score) and completes the game on its last level. Interleaved across players like real traffic.
 */
export function generateSession(options: SessionOptions): SessionEvent[] {
  const random = seededRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  let clock = (options.start ?? new Date('2026-11-25T10:00:00Z')).getTime();
  const queues: SessionEvent[][] = [];
  for (let p = 1; p <= options.players; p++) {
    const events: SessionEvent[] = [];
    for (const gameId of options.games) {
      let totalScore = 0;
      let totalDurationMs = 0;
      for (let level = 1; level <= options.levelsPerGame; level++) {
        const attempts = random() < 0.2 ? 2 : 1;
        for (let attempt = 0; attempt < attempts; attempt++) {
          clock += int(5_000, 120_000);
          const score = int(100, 5_000) * level;
          const durationMs = int(20_000, 300_000);
          const stars = random() < 0.1 ? undefined : int(0, 3);
          const base: LevelCompletedDetail = {
            eventId: seededUuid(random),
            schemaVersion: CURRENT_SCHEMA_VERSION,
            playerId: `player-${p}`,
            gameId,
            level,
            score,
            ...(stars === undefined ? {} : { stars }),
            durationMs,
            completedAt: new Date(clock).toISOString(),
          };
          const last = level === options.levelsPerGame && attempt === attempts - 1;
          totalScore += attempt === attempts - 1 ? score : 0;
          totalDurationMs += durationMs;
          if (last) {
            const game: GameCompletedDetail = { ...base, totalScore, levelsCompleted: options.levelsPerGame, totalDurationMs };
            events.push({ detailType: DetailType.GameCompleted, detail: { ...game } });
          } else {
            events.push({ detailType: DetailType.LevelCompleted, detail: { ...base } });
          }
        }
      }
    }
    queues.push(events);
  }
  // Interleave players the way concurrent traffic arrives, keeping each player's own order.
  const session: SessionEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    session.push(open[int(0, open.length - 1)]!.shift()!);
  }
  return session;
}

/**
 * Exactly `count` events from sessions of 20 players in two games of 5 levels, seeded `seed`, `seed + 1`, ...
 * (as many as it takes): the load the bench and the cost measurement send.
 */
export function sessionEvents(seed: number, count: number): SessionEvent[] {
  const events: SessionEvent[] = [];
  for (let s = seed; events.length < count; s++) events.push(...generateSession({ seed: s, players: 20, games: ['space-hopper', 'cave-runner'], levelsPerGame: 5 }));
  return events.slice(0, count);
}

export const toNdjson = (events: SessionEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

export class SessionFileError extends Error {
  override readonly name = 'SessionFileError';
}

/**
 * Reads newline-delimited events: `{"detailType", "detail"}` lines, or whole EventBridge events
 * (`{"detail-type", "detail"}`). Blank lines are skipped; a malformed line is an error naming the line.
 */
export function readSessionFile(path: string): SessionEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SessionFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const events: SessionEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: any;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SessionFileError(`${path}:${index + 1}: not valid JSON`);
    }
    const detailType = value?.detailType ?? value?.['detail-type'];
    if (typeof detailType !== 'string' || typeof value?.detail !== 'object' || value.detail === null) {
      throw new SessionFileError(`${path}:${index + 1}: expected {"detailType": ..., "detail": {...}} or an EventBridge event`);
    }
    events.push({ detailType: detailType as DetailType, detail: value.detail });
  });
  return events;
}
