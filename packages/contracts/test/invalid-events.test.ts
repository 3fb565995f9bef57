import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DetailType, InvalidGameEvent, parseCompletionEvent, parseDetail } from '../src/index';

const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'events', `${name}.json`), 'utf8'));
const level = () => sample(DetailType.LevelCompleted);
const game = () => sample(DetailType.GameCompleted);
const withDetail = (event: Record<string, any>, patch: Record<string, unknown>) => ({ ...event, detail: { ...event.detail, ...patch } });
const without = (event: Record<string, any>, field: string) => {
  const { [field]: _removed, ...detail } = event.detail;
  return { ...event, detail };
};

// Each row: a broken event and the words its error must contain.
const invalid: Array<[string, unknown, RegExp]> = [
  ['not an object', 'hello', /expected an EventBridge event object, got "hello"/],
  ['null', null, /expected an EventBridge event object, got null/],
  ['an array', [level()], /expected an EventBridge event object/],
  ['unknown detail-type', { ...level(), 'detail-type': 'LevelFinished' }, /detail-type: expected one of .*got "LevelFinished"/],
  ['missing detail-type', (({ 'detail-type': _d, ...e }) => e)(level()), /detail-type: .*got nothing/],
  ['wrong source', { ...level(), source: 'someone.else' }, /source: .*gamekeeper\.game-backend/],
  ['detail as a JSON string', { ...level(), detail: JSON.stringify(level().detail) }, /detail: .*expected object/],
  ['missing eventId', without(level(), 'eventId'), /detail\.eventId: .*expected string/],
  ['eventId not a UUID', withDetail(level(), { eventId: 'abc' }), /detail\.eventId: must be a UUID/],
  ['eventId the nil UUID', withDetail(level(), { eventId: '00000000-0000-0000-0000-000000000000' }), /detail\.eventId: must be a unique UUID, not the nil or max placeholder/],
  ['eventId the max UUID', withDetail(level(), { eventId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }), /detail\.eventId: must be a unique UUID, not the nil or max placeholder/],
  ['missing playerId', without(level(), 'playerId'), /detail\.playerId/],
  ['empty playerId', withDetail(level(), { playerId: '' }), /detail\.playerId: Too small/],
  ['overlong playerId', withDetail(level(), { playerId: 'p'.repeat(129) }), /detail\.playerId: Too big/],
  ['playerId with spaces', withDetail(level(), { playerId: 'bad id' }), /detail\.playerId: must start with a letter or digit/],
  ['gameId not a string', withDetail(level(), { gameId: 7 }), /detail\.gameId: .*expected string, received number/],
  ['level zero', withDetail(level(), { level: 0 }), /detail\.level: Too small/],
  ['level fractional', withDetail(level(), { level: 1.5 }), /detail\.level: .*expected int/],
  ['negative score', withDetail(level(), { score: -1 }), /detail\.score: Too small/],
  ['huge score', withDetail(level(), { score: 1e15 }), /detail\.score: Too big/],
  ['score as a string', withDetail(level(), { score: '100' }), /detail\.score: .*expected number, received string/],
  ['score "NaN"', withDetail(level(), { score: 'NaN' }), /detail\.score: .*expected number/],
  ['stars above 3', withDetail(level(), { stars: 4 }), /detail\.stars: Too big/],
  ['negative duration', withDetail(level(), { durationMs: -5 }), /detail\.durationMs: Too small/],
  ['completedAt not ISO', withDetail(level(), { completedAt: '25/11/2026' }), /detail\.completedAt: must be an ISO-8601 instant/],
  ['unknown field', withDetail(level(), { cheat: true }), /detail: Unrecognized key: "cheat"/],
  ['schemaVersion from the future', withDetail(level(), { schemaVersion: 2 }), /schemaVersion 2 is newer than this consumer understands \(up to 1\)/],
  ['game without totals', without(game(), 'totalScore'), /detail\.totalScore/],
  ['game totalScore below final score', withDetail(game(), { totalScore: 1 }), /detail\.totalScore: must be at least the final level score/],
  ['game totalDurationMs below final duration', withDetail(game(), { totalDurationMs: 1 }), /detail\.totalDurationMs: must be at least the final level duration/],
  ['game fields on a level event', withDetail(level(), { totalScore: 5 }), /Unrecognized key: "totalScore"/],
  ['bad envelope time', { ...level(), time: 'yesterday' }, /time: /],
];

describe('parseCompletionEvent rejects invalid events with a clear message', () => {
  it.each(invalid)('%s', (_name, input, message) => {
    let error: unknown;
    try {
      parseCompletionEvent(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidGameEvent);
    expect((error as InvalidGameEvent).name).toBe('InvalidGameEvent');
    expect((error as Error).message).toMatch(message);
  });
});

describe('parseCompletionEvent accepts', () => {
  it('a level completion and narrows it', () => {
    const event = parseCompletionEvent(level());
    expect(event['detail-type']).toBe(DetailType.LevelCompleted);
    expect(event.detail.score).toBe(12500);
  });

  it('a game completion with its totals', () => {
    const event = parseCompletionEvent(game());
    expect(event['detail-type']).toBe(DetailType.GameCompleted);
    expect(event.detail).toMatchObject({ totalScore: 187300, levelsCompleted: 10 });
  });
});

describe('parseDetail', () => {
  it('prefixes paths with detail for a producer', () => {
    expect(() => parseDetail(DetailType.LevelCompleted, { ...level().detail, score: -3 })).toThrow(/detail\.score: Too small/);
  });

  it('returns the typed detail', () => {
    expect(parseDetail(DetailType.GameCompleted, game().detail).levelsCompleted).toBe(10);
  });
});
