import { DetailType, Limits, Source } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from './fixtures';

/**
 * What each boundary does with a hostile event:
 * - `producer`: the rejection message contains this (the producer validates before sending), or the
 *   producer cannot even express the event (it picks the source from the contracts and takes a parsed
 *   detail), so that path does not apply.
 * - `putEvents`: raw PutEvents to the local runtime. EventBridge does not validate details: a well-formed
 *   entry is `accepted` (the rule matches, the execution fails with InvalidGameEvent, nothing is written,
 *   the event is dead-lettered) or `accepted-unmatched` (no rule matches: nothing happens); otherwise a
 *   per-entry error code or a whole-request error name.
 * - `handler`: the InvalidGameEvent a service handler throws contains this, or the event cannot reach a
 *   handler (its detail is not JSON, so EventBridge refuses it first).
 */
export interface HostileEvent {
  name: string;
  source: string;
  detailType: string;
  /** The Detail string exactly as it goes on the wire. */
  detail: string;
  expect: {
    producer: string | 'not-expressible';
    putEvents: 'accepted' | 'accepted-unmatched' | `entry-error:${string}` | `request-error:${string}`;
    handler: string | 'unreachable';
  };
}

const level = (patch: Record<string, unknown> = {}) => ({ ...levelCompleted().detail, ...patch });
const game = (patch: Record<string, unknown> = {}) => ({ ...gameCompleted().detail, ...patch });
const without = (detail: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(detail).filter(([key]) => key !== field));

/** A level (or game) completion whose detail fails the contract with `issue`, everywhere alike. */
const invalidDetail = (name: string, detail: unknown, issue: string, detailType: DetailType = DetailType.LevelCompleted): HostileEvent => ({
  name,
  source: Source.GameBackend,
  detailType,
  detail: JSON.stringify(detail),
  expect: { producer: issue, putEvents: 'accepted', handler: issue },
});

/** At least 30 hostile or malformed events, each with what every boundary must answer. */
export function hostileEvents(): HostileEvent[] {
  const day = 24 * 60 * 60 * 1000;
  return [
    invalidDetail('missing eventId', without(level(), 'eventId'), 'detail.eventId: Invalid input: expected string, received undefined'),
    invalidDetail('missing playerId', without(level(), 'playerId'), 'detail.playerId: Invalid input: expected string, received undefined'),
    invalidDetail('missing score', without(level(), 'score'), 'detail.score: Invalid input: expected number, received undefined'),
    invalidDetail('unknown extra field', level({ cheat: true }), 'Unrecognized key: "cheat"'),
    invalidDetail('score as a string', level({ score: '100' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('level as a boolean', level({ level: true }), 'detail.level: Invalid input: expected number, received boolean'),
    invalidDetail('negative score', level({ score: -1 }), 'detail.score: Too small'),
    invalidDetail('negative duration', level({ durationMs: -5 }), 'detail.durationMs: Too small'),
    invalidDetail('score over the limit', level({ score: Limits.maxScore + 1 }), 'detail.score: Too big'),
    invalidDetail('score 1e308', level({ score: 1e308 }), 'detail.score: Too big'),
    invalidDetail('score "NaN"', level({ score: 'NaN' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('score "Infinity"', level({ score: 'Infinity' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('duration "-Infinity"', level({ durationMs: '-Infinity' }), 'detail.durationMs: Invalid input: expected number, received string'),
    invalidDetail('fractional level', level({ level: 1.5 }), 'detail.level: Invalid input: expected int, received number'),
    invalidDetail('level zero', level({ level: 0 }), 'detail.level: Too small'),
    invalidDetail('stars 4', level({ stars: 4 }), 'detail.stars: Too big'),
    invalidDetail('a level longer than a day', level({ durationMs: day + 1 }), 'detail.durationMs: Too big'),
    invalidDetail('overlong playerId', level({ playerId: 'p'.repeat(Limits.idMaxLength + 1) }), 'detail.playerId: Too big'),
    invalidDetail('lone surrogate (not UTF-8) in playerId', level({ playerId: 'player-\ud800' }), 'detail.playerId: must start with a letter or digit'),
    invalidDetail('non-ASCII playerId', level({ playerId: 'jöke' }), 'detail.playerId: must start with a letter or digit'),
    invalidDetail('control character in gameId', level({ gameId: 'space\u0000hopper' }), 'detail.gameId: must start with a letter or digit'),
    invalidDetail('eventId not a UUID', level({ eventId: 'abc' }), 'detail.eventId: must be a UUID'),
    invalidDetail('completedAt not ISO-8601', level({ completedAt: '25/11/2026' }), 'detail.completedAt: must be an ISO-8601 instant'),
    invalidDetail('completedAt without a zone', level({ completedAt: '2026-11-25T10:00:00' }), 'detail.completedAt: must be an ISO-8601 instant'),
    invalidDetail('schemaVersion from the future (2)', level({ schemaVersion: 2 }), 'schemaVersion 2 is newer than this consumer understands'),
    invalidDetail('schemaVersion from the future (99)', level({ schemaVersion: 99 }), 'schemaVersion 99 is newer than this consumer understands'),
    invalidDetail('schemaVersion as a string', level({ schemaVersion: '1' }), 'detail.schemaVersion: Invalid input: expected number, received string'),
    invalidDetail('game total below its final level', game({ totalScore: 1 }), 'detail.totalScore: must be at least the final level score', DetailType.GameCompleted),
    invalidDetail('game with zero levels completed', game({ levelsCompleted: 0 }), 'detail.levelsCompleted: Too small', DetailType.GameCompleted),
    invalidDetail('game missing totalScore', without(game(), 'totalScore'), 'detail.totalScore: Invalid input: expected number, received undefined', DetailType.GameCompleted),
    {
      name: 'a 300 KB gameId',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ gameId: `g${'x'.repeat(300 * 1024)}` })),
      expect: { producer: 'detail.gameId: Too big', putEvents: 'request-error:ValidationException', handler: 'detail.gameId: Too big' },
    },
    {
      name: 'a 300 KB payload (over the 256 KB entry limit)',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ padding: 'x'.repeat(300 * 1024) })),
      expect: { producer: 'Unrecognized key: "padding"', putEvents: 'request-error:ValidationException', handler: 'Unrecognized key: "padding"' },
    },
    {
      name: 'a 1.1 MB payload (over any request limit)',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ padding: 'x'.repeat(1100 * 1024) })),
      expect: { producer: 'Unrecognized key: "padding"', putEvents: 'request-error:RequestEntityTooLarge', handler: 'Unrecognized key: "padding"' },
    },
    {
      name: 'detail is not JSON',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: '{"eventId": "abc", "score": 1',
      expect: { producer: 'not-expressible', putEvents: 'entry-error:MalformedDetail', handler: 'unreachable' },
    },
    {
      name: 'detail is a JSON array',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify([level()]),
      expect: { producer: 'expected object, received array', putEvents: 'entry-error:MalformedDetail', handler: 'unreachable' },
    },
    {
      name: 'detail is a JSON string',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify('hello'),
      expect: { producer: 'expected object, received string', putEvents: 'entry-error:MalformedDetail', handler: 'unreachable' },
    },
    {
      name: 'detail is null',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: 'null',
      expect: { producer: 'expected object, received null', putEvents: 'entry-error:MalformedDetail', handler: 'unreachable' },
    },
    {
      name: 'wrong source',
      source: 'someone.else',
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level()),
      expect: { producer: 'not-expressible', putEvents: 'accepted-unmatched', handler: 'source: Invalid input: expected "gamekeeper.game-backend"' },
    },
    {
      name: 'unknown detail-type',
      source: Source.GameBackend,
      detailType: 'LevelFinished',
      detail: JSON.stringify(level()),
      expect: { producer: 'detail-type: unknown detail-type "LevelFinished"', putEvents: 'accepted-unmatched', handler: 'detail-type: expected one of' },
    },
    {
      name: "the report's own detail-type with a level completion",
      source: Source.Report,
      detailType: DetailType.LevelReportGenerated,
      detail: JSON.stringify(level()),
      expect: { producer: 'detail.sourceEventId', putEvents: 'accepted-unmatched', handler: 'detail-type: expected one of' },
    },
  ];
}

/** The EventBridge event a handler would receive for a hostile event whose detail is JSON. */
export function hostileEnvelope(event: HostileEvent): unknown {
  return { ...levelCompleted(), source: event.source, 'detail-type': event.detailType, detail: JSON.parse(event.detail) as unknown };
}
