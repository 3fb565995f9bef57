import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { COMPLETION_DETAIL_TYPES, DetailType, Source } from '@gamekeeper/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternException, compilePattern, matchesPattern } from '../../src/eventbridge/pattern';

const event = {
  source: 'gamekeeper.game-backend',
  'detail-type': 'GameBackend.LevelCompleted',
  resources: ['arn:aws:game:eu-west-1:1:level/3', 'arn:aws:game:eu-west-1:1:level/4'],
  detail: {
    playerId: 'Player-42',
    gameId: 'space-hopper',
    level: 3,
    score: 12500,
    ratio: 0.5,
    stars: null,
    hardcore: false,
    tags: ['speedrun', 'no-damage'],
    file: 'saves/slot-1.json',
    ip: '10.0.12.7',
    ip6: '2001:db8::ff00:42:8329',
    empty: '',
    location: { region: 'eu', city: 'Lyon' },
    attempts: [{ result: 'fail', ms: 1200 }, { result: 'win', ms: 900 }],
  },
};

// [description, pattern, expected match]
const rows: Array<[string, object, boolean]> = [
  // exact values, AND across fields, OR within an array
  ['exact string', { source: ['gamekeeper.game-backend'] }, true],
  ['exact string, other value', { source: ['gamekeeper.report'] }, false],
  ['OR within a list', { source: ['x', 'gamekeeper.game-backend'] }, true],
  ['AND across fields: one fails', { source: ['gamekeeper.game-backend'], 'detail-type': ['Nope'] }, false],
  ['exact number', { detail: { level: [3] } }, true],
  ['number does not equal its string', { detail: { level: ['3'] } }, false],
  ['numbers compare numerically', { detail: { ratio: [5e-1] } }, true],
  ['null matches null', { detail: { stars: [null] } }, true],
  ['null does not match a missing field', { detail: { missing: [null] } }, false],
  ['boolean', { detail: { hardcore: [false] } }, true],
  ['empty string', { detail: { empty: [''] } }, true],
  ['case-sensitive by default', { detail: { playerId: ['player-42'] } }, false],
  // arrays in the event
  ['event array: any element', { detail: { tags: ['no-damage'] } }, true],
  ['event array: no element', { detail: { tags: ['pacifist'] } }, false],
  ['event array of objects', { detail: { attempts: { result: ['win'] } } }, true],
  ['event array of objects, AND within one element only', { detail: { attempts: { result: ['win'], ms: [1200] } } }, true],
  ['nested object', { detail: { location: { city: ['Lyon'] } } }, true],
  ['nested object, missing branch', { detail: { nowhere: { city: ['Lyon'] } } }, false],
  // prefix / suffix
  ['prefix', { detail: { gameId: [{ prefix: 'space-' }] } }, true],
  ['prefix no match', { detail: { gameId: [{ prefix: 'cave-' }] } }, false],
  ['prefix on an array element', { resources: [{ prefix: 'arn:aws:game:eu-west-1:1:level/4' }] }, true],
  ['prefix ignoring case', { detail: { playerId: [{ prefix: { 'equals-ignore-case': 'PLAYER-' } }] } }, true],
  ['prefix never matches a number', { detail: { level: [{ prefix: '3' }] } }, false],
  ['suffix', { detail: { file: [{ suffix: '.json' }] } }, true],
  ['suffix ignoring case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.JSON' } }] } }, true],
  ['suffix no match', { detail: { file: [{ suffix: '.png' }] } }, false],
  // equals-ignore-case
  ['equals-ignore-case', { detail: { playerId: [{ 'equals-ignore-case': 'PLAYER-42' }] } }, true],
  ['equals-ignore-case no match', { detail: { playerId: [{ 'equals-ignore-case': 'player-4' }] } }, false],
  // wildcard
  ['wildcard', { detail: { file: [{ wildcard: 'saves/*.json' }] } }, true],
  ['wildcard several stars', { detail: { file: [{ wildcard: '*/slot-*.*' }] } }, true],
  ['wildcard no match', { detail: { file: [{ wildcard: 'saves/*.png' }] } }, false],
  ['wildcard escaped star is literal', { detail: { file: [{ wildcard: 'saves/\\*.json' }] } }, false],
  // anything-but
  ['anything-but value', { detail: { gameId: [{ 'anything-but': 'cave-runner' }] } }, true],
  ['anything-but value excluded', { detail: { gameId: [{ 'anything-but': 'space-hopper' }] } }, false],
  ['anything-but list', { detail: { gameId: [{ 'anything-but': ['a', 'space-hopper'] }] } }, false],
  ['anything-but numbers', { detail: { level: [{ 'anything-but': [1, 2] }] } }, true],
  ['anything-but number excluded', { detail: { level: [{ 'anything-but': [3] }] } }, false],
  ['anything-but never matches a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['anything-but prefix', { detail: { gameId: [{ 'anything-but': { prefix: 'cave' } }] } }, true],
  ['anything-but prefix excluded', { detail: { gameId: [{ 'anything-but': { prefix: 'space' } }] } }, false],
  ['anything-but suffix excluded', { detail: { file: [{ 'anything-but': { suffix: '.json' } }] } }, false],
  ['anything-but equals-ignore-case', { detail: { playerId: [{ 'anything-but': { 'equals-ignore-case': ['PLAYER-42'] } }] } }, false],
  ['anything-but equals-ignore-case other', { detail: { playerId: [{ 'anything-but': { 'equals-ignore-case': 'someone' } }] } }, true],
  ['anything-but wildcard excluded', { detail: { file: [{ 'anything-but': { wildcard: 'saves/*' } }] } }, false],
  ['anything-but wildcard list', { detail: { file: [{ 'anything-but': { wildcard: ['logs/*', 'tmp/*'] } }] } }, true],
  ['anything-but on an event array: some element differs', { detail: { tags: [{ 'anything-but': 'speedrun' }] } }, true],
  // numeric
  ['numeric >', { detail: { score: [{ numeric: ['>', 10000] }] } }, true],
  ['numeric range', { detail: { score: [{ numeric: ['>=', 12500, '<', 13000] }] } }, true],
  ['numeric range excludes', { detail: { score: [{ numeric: ['>', 12500, '<=', 20000] }] } }, false],
  ['numeric =', { detail: { ratio: [{ numeric: ['=', 0.5] }] } }, true],
  ['numeric never matches a string', { detail: { gameId: [{ numeric: ['>', 0] }] } }, false],
  // exists
  ['exists true', { detail: { score: [{ exists: true }] } }, true],
  ['exists true on a missing field', { detail: { bonus: [{ exists: true }] } }, false],
  ['exists false on a missing field', { detail: { bonus: [{ exists: false }] } }, true],
  ['exists false on a present field', { detail: { score: [{ exists: false }] } }, false],
  ['exists true applies to leaves only', { detail: { location: [{ exists: true }] } }, false],
  ['exists false inside a missing object', { detail: { nowhere: { deeper: [{ exists: false }] } } }, true],
  // cidr
  ['cidr IPv4', { detail: { ip: [{ cidr: '10.0.0.0/16' }] } }, true],
  ['cidr IPv4 outside', { detail: { ip: [{ cidr: '10.1.0.0/16' }] } }, false],
  ['cidr IPv6', { detail: { ip6: [{ cidr: '2001:db8::/32' }] } }, true],
  ['cidr IPv6 outside', { detail: { ip6: [{ cidr: '2001:db9::/32' }] } }, false],
  ['cidr never matches another family', { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, false],
  // $or
  ['$or at the top', { $or: [{ source: ['nope'] }, { 'detail-type': ['GameBackend.LevelCompleted'] }] }, true],
  ['$or none', { $or: [{ source: ['nope'] }, { detail: { level: [99] } }] }, false],
  ['$or nested and combined with a field', { source: ['gamekeeper.game-backend'], detail: { $or: [{ level: [{ numeric: ['>', 100] }] }, { stars: [null] }] } }, true],
  ['$or nested, combined field fails', { source: ['other'], detail: { $or: [{ level: [3] }, { stars: [null] }] } }, false],
  ['mixed alternatives in one list', { detail: { level: [1, { numeric: ['>', 2] }] } }, true],
];

describe('matchesPattern over the grammar', () => {
  it.each(rows)('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});

const invalid: Array<[string, unknown, RegExp]> = [
  ['not an object', ['source'], /Filter is not an object/],
  ['not JSON', '{source:', /not valid JSON/],
  ['empty pattern', {}, /Empty objects are not allowed/],
  ['leaf not an array', { source: 'gamekeeper' }, /"source" must be an object or an array/],
  ['empty array', { source: [] }, /Empty arrays are not allowed/],
  ['unknown operator', { source: [{ foo: 'x' }] }, /Unrecognized match type foo/],
  ['two operators in one expression', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
  ['prefix not a string', { source: [{ prefix: 5 }] }, /prefix match pattern must be a string/],
  ['exists not a boolean', { source: [{ exists: 'yes' }] }, /exists match pattern must be either true or false/],
  ['numeric bad operator', { level: [{ numeric: ['!=', 3] }] }, /Unrecognized numeric range operator: !=/],
  ['numeric non-number', { level: [{ numeric: ['>', '3'] }] }, /Value of > must be numeric/],
  // The three numeric messages below follow AWS's wording (was: "Bad numeric range", "two lower bounds",
  // "numeric match pattern must be an array"): event-ruler JsonRuleCompiler/Range, and AWS-recorded
  // snapshots in localstack tests/aws/services/events/test_events_patterns.snapshot.json
  // (content_numeric_EXC: "Bad numeric range operator: >", content_numeric_syntax_EXC: "Value of < must be numeric").
  ['numeric inverted range', { level: [{ numeric: ['>', 5, '<', 1] }] }, /Bottom must be less than top/],
  ['numeric two lower bounds', { level: [{ numeric: ['>', 1, '>=', 2] }] }, /Bad numeric range operator: >=/],
  ['numeric odd length', { level: [{ numeric: ['>'] }] }, /Value of > must be numeric/],
  ['anything-but with booleans', { level: [{ 'anything-but': [true] }] }, /start\|null\|boolean is not supported/],
  ['anything-but mixed types', { level: [{ 'anything-but': [1, 'a'] }] }, /not supported/],
  ['anything-but unknown operator', { level: [{ 'anything-but': { numeric: ['>', 1] } }] }, /Unsupported anything-but pattern: numeric/],
  ['cidr without prefix length', { ip: [{ cidr: '10.0.0.1' }] }, /Malformed CIDR, one '\/' required/],
  ['cidr bad address', { ip: [{ cidr: '10.0.0.300/8' }] }, /Nonstandard IP address/],
  ['cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, /Invalid CIDR prefix length/],
  ['wildcard consecutive stars', { file: [{ wildcard: 'a**b' }] }, /Consecutive wildcard characters at pos 2/],
  ['wildcard bad escape', { file: [{ wildcard: 'a\\b' }] }, /Invalid escape character/],
  ['$or with one branch', { $or: [{ source: ['a'] }] }, /\$or must be an array of at least two/],
  ['$or not an array', { $or: { source: ['a'] } }, /\$or must be an array/],
  ['nested arrays', { source: [['a']] }, /nested arrays are not allowed/],
];

describe('compilePattern rejects invalid patterns like AWS', () => {
  it.each(invalid)('%s', (_name, pattern, message) => {
    let error: unknown;
    try {
      compilePattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternException);
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect((error as Error).message).toMatch(message);
  });
});

describe('the gamekeeper rule pattern, built from the contracts', () => {
  const rule = compilePattern({ source: [Source.GameBackend], 'detail-type': [...COMPLETION_DETAIL_TYPES] });
  const sample = (type: DetailType) => JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`@gamekeeper/contracts/events/${type}.json`), 'utf8'));

  it('matches level and game completions', () => {
    expect(rule(sample(DetailType.LevelCompleted))).toBe(true);
    expect(rule(sample(DetailType.GameCompleted))).toBe(true);
  });

  it('does not match the report’s own event, so it cannot loop', () => {
    expect(rule(sample(DetailType.LevelReportGenerated))).toBe(false);
  });
});
