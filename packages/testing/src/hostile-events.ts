import { COMPLETION_DETAIL_TYPES, CURRENT_SCHEMA_VERSION, DetailType, Limits, Source } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from './fixtures';

/** The rows whose detail carries HTML: the console's browser test shows them and checks they stay inert. */
export const HOSTILE_MARKUP_CASES = {
  imageOnError: 'markup in playerId: <img onerror>',
  scriptTag: 'markup in gameId: <script>',
} as const;

/** A path an event cannot take at all, and why: written in the table instead of a skipped test. */
export interface NotExpressible {
  notExpressible: string;
}

/**
 * What raw PutEvents against the local runtime answers. EventBridge does not validate details, so:
 * - `accepted`: the envelope is fine; the rule matches, the execution fails with InvalidGameEvent,
 *   nothing is written and the event is dead-lettered.
 * - `accepted-unmatched`: no rule starts an execution, nothing is written. Either no rule matches (source
 *   or detail-type), or only the report rule does (the report's own source and detail-type): it hands the
 *   event to the metric function alone, which refuses it and records nothing.
 * - `entry-error:<ErrorCode>`: that entry is refused (the request itself succeeds).
 * - `request-error:<error name>`: the whole request is refused.
 */
export type PutEventsOutcome = 'accepted' | 'accepted-unmatched' | `entry-error:${string}` | `request-error:${string}`;

export interface HostileEvent {
  name: string;
  /** The source the entry claims. */
  source: string;
  /** The detail-type the entry claims. */
  detailType: string;
  /** The Detail string exactly as it goes on the wire (so non-JSON and oversized details are representable). */
  detail: string;
  expect: {
    /** A substring of the InvalidGameEvent message in the producer's `rejected` result. */
    producer: string | NotExpressible;
    putEvents: PutEventsOutcome;
    /** A substring of the InvalidGameEvent message a service handler throws when handed the event. */
    handler: string | NotExpressible;
    /**
     * Where it differs from `handler`: what a handler that also takes level reports (the metric function,
     * reused alone on the report rule) answers.
     */
    gameEventHandler?: string;
  };
}

// Why a path does not apply, once for every case it concerns.
const PRODUCER_PICKS_THE_SOURCE: NotExpressible = {
  notExpressible: 'the producer takes a detail-type and sets the source from the contracts (sourceByType): it cannot claim another source',
};
const PRODUCER_TAKES_PARSED_DETAIL: NotExpressible = {
  notExpressible: 'the producer takes the detail as a value and serializes it itself: it cannot send text that is not JSON',
};
const HANDLERS_RECEIVE_PARSED_JSON: NotExpressible = {
  notExpressible: 'a handler receives the event as parsed JSON: a detail that is not JSON never reaches one (EventBridge refuses it)',
};

type Detail = Record<string, unknown>;
const level = (patch: Detail = {}): Detail => ({ ...levelCompleted().detail, ...patch });
const game = (patch: Detail = {}): Detail => ({ ...gameCompleted().detail, ...patch });
const without = (detail: Detail, field: string): Detail => Object.fromEntries(Object.entries(detail).filter(([key]) => key !== field));
/** `detail` on the wire with `field` set to text JSON.stringify cannot produce (a number literal, a raw character). */
const withRawValue = (detail: Detail, field: string, raw: string): string => {
  const placeholder = `<${field}>`;
  return JSON.stringify({ ...detail, [field]: placeholder }).replace(JSON.stringify(placeholder), raw);
};

/** A completion whose detail fails the contract with `issue`, in the producer and in every handler alike. */
const invalidDetail = (name: string, detail: Detail | string, issue: string, detailType: DetailType = DetailType.LevelCompleted): HostileEvent => ({
  name,
  source: Source.GameBackend,
  detailType,
  detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
  expect: { producer: issue, putEvents: 'accepted', handler: issue },
});

/** A well-formed detail whose envelope (source, detail-type) is not a completion: the rule matches nothing. */
const detailTypeNotACompletion = (detailType: string) =>
  `detail-type: expected one of ${COMPLETION_DETAIL_TYPES.join(', ')}; got ${JSON.stringify(detailType)}`;
const sourceNotTheGameBackend = `source: Invalid input: expected ${JSON.stringify(Source.GameBackend)}`;
/** The same, for a handler that takes any gamekeeper event (completions and level reports). */
const detailTypeNotAGameEvent = (detailType: string) =>
  `detail-type: expected one of ${[...COMPLETION_DETAIL_TYPES, DetailType.LevelReportGenerated].join(', ')}; got ${JSON.stringify(detailType)}`;
/** A level completion's detail where a report's belongs: the first thing a report lacks. */
const notAReport = 'detail.sourceEventId: Invalid input: expected string, received undefined';

// Sizes around the EventBridge limits: ~300 KB is over Limits.maxEntryBytes, ~1.1 MB over any request body.
const KB = 1024;
const overEntryLimit = 300 * KB;
const overRequestLimit = 1100 * KB;

/** Hostile or malformed game events (at least 30), each with what every boundary must answer. */
export function hostileEvents(): HostileEvent[] {
  const newerSchema = CURRENT_SCHEMA_VERSION + 1;
  const malformedObject = (name: string, detail: string, received: string): HostileEvent => ({
    name,
    source: Source.GameBackend,
    detailType: DetailType.LevelCompleted,
    detail,
    // EventBridge requires a JSON object; a handler handed one anyway refuses it with the contract's message.
    expect: { producer: `detail: Invalid input: expected object, received ${received}`, putEvents: 'entry-error:MalformedDetail', handler: `detail: Invalid input: expected object, received ${received}` },
  });
  return [
    // Missing fields
    invalidDetail('missing eventId', without(level(), 'eventId'), 'detail.eventId: Invalid input: expected string, received undefined'),
    invalidDetail('missing playerId', without(level(), 'playerId'), 'detail.playerId: Invalid input: expected string, received undefined'),
    invalidDetail('missing score', without(level(), 'score'), 'detail.score: Invalid input: expected number, received undefined'),
    invalidDetail('missing completedAt', without(level(), 'completedAt'), 'detail.completedAt: Invalid input: expected string, received undefined'),
    invalidDetail('an empty detail object', {}, 'detail.eventId: Invalid input: expected string, received undefined'),
    invalidDetail('game completion missing totalScore', without(game(), 'totalScore'), 'detail.totalScore: Invalid input: expected number, received undefined', DetailType.GameCompleted),
    // Unknown fields (strict objects)
    invalidDetail('unknown extra field', level({ cheat: true }), 'detail: Unrecognized key: "cheat"'),
    invalidDetail('game totals on a level completion', level({ totalScore: 1 }), 'detail: Unrecognized key: "totalScore"'),
    invalidDetail('a __proto__ key (prototype pollution)', JSON.stringify(level()).replace(/^\{/, '{"__proto__":{"isAdmin":true},'), 'detail: Unrecognized key: "__proto__"'),
    // Wrong types
    invalidDetail('score as a string', level({ score: '100' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('level as a boolean', level({ level: true }), 'detail.level: Invalid input: expected number, received boolean'),
    invalidDetail('stars as null', level({ stars: null }), 'detail.stars: Invalid input: expected number, received null'),
    invalidDetail('playerId as a number', level({ playerId: 42 }), 'detail.playerId: Invalid input: expected string, received number'),
    invalidDetail('schemaVersion as a string', level({ schemaVersion: String(CURRENT_SCHEMA_VERSION) }), 'detail.schemaVersion: Invalid input: expected number, received string'),
    invalidDetail('fractional level', level({ level: 1.5 }), 'detail.level: Invalid input: expected int, received number'),
    // Negative and huge numbers
    invalidDetail('negative score', level({ score: -1 }), 'detail.score: Too small: expected number to be >=0'),
    invalidDetail('negative duration', level({ durationMs: -5 }), 'detail.durationMs: Too small: expected number to be >=0'),
    invalidDetail('level zero', level({ level: 0 }), 'detail.level: Too small: expected number to be >=1'),
    invalidDetail('level over the limit', level({ level: Limits.maxLevel + 1 }), `detail.level: Too big: expected number to be <=${Limits.maxLevel}`),
    invalidDetail('stars 4', level({ stars: Limits.maxStars + 1 }), `detail.stars: Too big: expected number to be <=${Limits.maxStars}`),
    invalidDetail('score over the limit', level({ score: Limits.maxScore + 1 }), `detail.score: Too big: expected number to be <=${Limits.maxScore}`),
    invalidDetail('score 1e308', level({ score: 1e308 }), `detail.score: Too big: expected number to be <=${Limits.maxScore}`),
    // 1e400 parses to Infinity; once EventBridge re-serializes the event it arrives as null (JSON has no
    // Infinity), so the handler substring leaves out what was received.
    invalidDetail('score 1e400 (beyond a double)', withRawValue(level(), 'score', '1e400'), 'detail.score: Invalid input: expected number, received'),
    invalidDetail('a level longer than a day', level({ durationMs: Limits.maxLevelDurationMs + 1 }), `detail.durationMs: Too big: expected number to be <=${Limits.maxLevelDurationMs}`),
    invalidDetail('game total over the limit', game({ totalScore: Limits.maxTotalScore + 1 }), `detail.totalScore: Too big: expected number to be <=${Limits.maxTotalScore}`, DetailType.GameCompleted),
    invalidDetail('game with zero levels completed', game({ levelsCompleted: 0 }), 'detail.levelsCompleted: Too small: expected number to be >=1', DetailType.GameCompleted),
    // Special numbers as strings (JSON has no NaN or Infinity)
    invalidDetail('score "NaN"', level({ score: 'NaN' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('score "Infinity"', level({ score: 'Infinity' }), 'detail.score: Invalid input: expected number, received string'),
    invalidDetail('duration "-Infinity"', level({ durationMs: '-Infinity' }), 'detail.durationMs: Invalid input: expected number, received string'),
    // Strings: overlong, not UTF-8, not printable
    invalidDetail('overlong playerId', level({ playerId: 'p'.repeat(Limits.idMaxLength + 1) }), `detail.playerId: Too big: expected string to have <=${Limits.idMaxLength} characters`),
    invalidDetail('lone surrogate in playerId (escaped)', level({ playerId: 'player-\ud800' }), 'detail.playerId: must start with a letter or digit'),
    // The Detail text itself holds the lone surrogate, so it has no UTF-8 encoding at all.
    invalidDetail('lone surrogate in playerId (raw in the Detail text)', withRawValue(level(), 'playerId', '"player-\ud800"'), 'detail.playerId: must start with a letter or digit'),
    invalidDetail('non-ASCII playerId', level({ playerId: 'jöke' }), 'detail.playerId: must start with a letter or digit'),
    invalidDetail('NUL character in gameId', level({ gameId: 'space\u0000hopper' }), 'detail.gameId: must start with a letter or digit'),
    // Markup: refused everywhere, and dead-lettered with the event, so the console shows it; it must stay text there.
    invalidDetail(HOSTILE_MARKUP_CASES.imageOnError, level({ playerId: '<img src=x onerror=window.__pwned=1>' }), 'detail.playerId: must start with a letter or digit'),
    invalidDetail(HOSTILE_MARKUP_CASES.scriptTag, level({ gameId: '<script>window.__pwned=2</script>' }), 'detail.gameId: must start with a letter or digit'),
    // Identity, version and time
    invalidDetail('eventId not a UUID', level({ eventId: 'abc' }), 'detail.eventId: must be a UUID'),
    invalidDetail('eventId the nil UUID', level({ eventId: '00000000-0000-0000-0000-000000000000' }), 'detail.eventId: must be a unique UUID, not the nil or max placeholder'),
    invalidDetail('completedAt not ISO-8601', level({ completedAt: '25/11/2026' }), 'detail.completedAt: must be an ISO-8601 instant'),
    invalidDetail('completedAt without a zone', level({ completedAt: '2026-11-25T10:00:00' }), 'detail.completedAt: must be an ISO-8601 instant'),
    invalidDetail('completedAt on February 30th', level({ completedAt: '2026-02-30T10:00:00Z' }), 'detail.completedAt: must be an ISO-8601 instant'),
    invalidDetail(`schemaVersion from the future (${newerSchema})`, level({ schemaVersion: newerSchema }), `schemaVersion ${newerSchema} is newer than this consumer understands`),
    invalidDetail('schemaVersion from the future (99)', level({ schemaVersion: 99 }), 'schemaVersion 99 is newer than this consumer understands'),
    // Cross-field rules of a game completion
    invalidDetail('game total score below its final level', game({ totalScore: 1 }), 'detail.totalScore: must be at least the final level score', DetailType.GameCompleted),
    invalidDetail('game total duration below its final level', game({ totalDurationMs: 1 }), 'detail.totalDurationMs: must be at least the final level duration', DetailType.GameCompleted),
    // Sizes
    {
      name: 'a 300 KB gameId',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ gameId: `g${'x'.repeat(overEntryLimit)}` })),
      expect: { producer: 'detail.gameId: Too big', putEvents: 'request-error:ValidationException', handler: 'detail.gameId: Too big' },
    },
    {
      name: `a 300 KB payload (over the ${Limits.maxEntryBytes / KB} KB entry limit)`,
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ padding: 'x'.repeat(overEntryLimit) })),
      expect: { producer: 'detail: Unrecognized key: "padding"', putEvents: 'request-error:ValidationException', handler: 'detail: Unrecognized key: "padding"' },
    },
    {
      name: 'a 1.1 MB payload (over any request limit)',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level({ padding: 'x'.repeat(overRequestLimit) })),
      expect: { producer: 'detail: Unrecognized key: "padding"', putEvents: 'request-error:RequestEntityTooLarge', handler: 'detail: Unrecognized key: "padding"' },
    },
    // Details that are not a JSON object
    {
      name: 'detail is not JSON',
      source: Source.GameBackend,
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level()).slice(0, -1),
      expect: { producer: PRODUCER_TAKES_PARSED_DETAIL, putEvents: 'entry-error:MalformedDetail', handler: HANDLERS_RECEIVE_PARSED_JSON },
    },
    malformedObject('detail is a JSON array', JSON.stringify([level()]), 'array'),
    malformedObject('detail is a JSON string', JSON.stringify('hello'), 'string'),
    malformedObject('detail is null', 'null', 'null'),
    // Envelopes that are not a completion
    {
      name: 'wrong source',
      source: 'someone.else',
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level()),
      expect: { producer: PRODUCER_PICKS_THE_SOURCE, putEvents: 'accepted-unmatched', handler: sourceNotTheGameBackend },
    },
    {
      name: 'empty source',
      source: '',
      detailType: DetailType.LevelCompleted,
      detail: JSON.stringify(level()),
      expect: { producer: PRODUCER_PICKS_THE_SOURCE, putEvents: 'entry-error:InvalidArgument', handler: sourceNotTheGameBackend },
    },
    {
      name: 'unknown detail-type',
      source: Source.GameBackend,
      detailType: 'LevelFinished',
      detail: JSON.stringify(level()),
      expect: {
        producer: 'detail-type: unknown detail-type "LevelFinished"',
        putEvents: 'accepted-unmatched',
        handler: detailTypeNotACompletion('LevelFinished'),
        gameEventHandler: detailTypeNotAGameEvent('LevelFinished'),
      },
    },
    {
      name: 'empty detail-type',
      source: Source.GameBackend,
      detailType: '',
      detail: JSON.stringify(level()),
      expect: { producer: 'detail-type: unknown detail-type ""', putEvents: 'entry-error:InvalidArgument', handler: detailTypeNotACompletion(''), gameEventHandler: detailTypeNotAGameEvent('') },
    },
    {
      // The producer would send a report with the report's source; the detail fails first either way.
      name: "the report's detail-type claimed by the game backend",
      source: Source.GameBackend,
      detailType: DetailType.LevelReportGenerated,
      detail: JSON.stringify(level()),
      expect: {
        producer: 'detail.sourceEventId: Invalid input: expected string, received undefined',
        putEvents: 'accepted-unmatched',
        handler: detailTypeNotACompletion(DetailType.LevelReportGenerated),
        gameEventHandler: `source: Invalid input: expected ${JSON.stringify(Source.Report)}`,
      },
    },
    {
      name: "the report's own source and detail-type carrying a level completion",
      source: Source.Report,
      detailType: DetailType.LevelReportGenerated,
      detail: JSON.stringify(level()),
      expect: {
        producer: 'detail.sourceEventId: Invalid input: expected string, received undefined',
        putEvents: 'accepted-unmatched',
        handler: detailTypeNotACompletion(DetailType.LevelReportGenerated),
        gameEventHandler: notAReport,
      },
    },
  ];
}

/** The hostile events a path can express, each with the substring its error message must contain. */
export function expressibleOn(path: 'producer' | 'handler', events: readonly HostileEvent[] = hostileEvents()): { event: HostileEvent; message: string }[] {
  return events.flatMap((event) => {
    const expected = event.expect[path];
    return typeof expected === 'string' ? [{ event, message: expected }] : [];
  });
}

/** The EventBridge event a handler would receive for a hostile event whose detail is JSON. */
export function hostileEnvelope(event: HostileEvent): unknown {
  return { ...levelCompleted(), source: event.source, 'detail-type': event.detailType, detail: JSON.parse(event.detail) as unknown };
}
