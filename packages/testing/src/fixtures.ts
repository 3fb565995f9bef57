import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  DetailType,
  type GameCompletedDetail,
  type GameCompletedEvent,
  type LevelCompletedDetail,
  type LevelCompletedEvent,
} from '@gamekeeper/contracts';

const require = createRequire(import.meta.url);

/** A fresh copy of a contract sample event (`events/<detail-type>.json`), safe to mutate. */
export function sampleEvent<T = unknown>(detailType: DetailType): T {
  const file = require.resolve(`@gamekeeper/contracts/events/${detailType}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A fresh copy of a JSON fixture file (e.g. a service's `test/events/<name>.json`). */
export function loadEvent<T = unknown>(path: string | URL): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A valid level completion with a new envelope id and eventId, overriding detail fields. */
export function levelCompleted(detail: Partial<LevelCompletedDetail> = {}): LevelCompletedEvent {
  const event = sampleEvent<LevelCompletedEvent>(DetailType.LevelCompleted);
  return { ...event, id: randomUUID(), detail: { ...event.detail, eventId: randomUUID(), ...detail } };
}

/** A valid game completion with a new envelope id and eventId, overriding detail fields. */
export function gameCompleted(detail: Partial<GameCompletedDetail> = {}): GameCompletedEvent {
  const event = sampleEvent<GameCompletedEvent>(DetailType.GameCompleted);
  return { ...event, id: randomUUID(), detail: { ...event.detail, eventId: randomUUID(), ...detail } };
}

/** The same event as a producer resend would deliver it: same eventId, new envelope id. */
export function redelivered<T extends { id: string }>(event: T): T {
  return { ...structuredClone(event), id: randomUUID() };
}

/** A deterministic shuffle (seeded), so an interleaving that fails can be replayed. */
export function shuffled<T>(items: readonly T[], seed = 1): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
