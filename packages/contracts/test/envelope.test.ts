import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { describe, expect, it } from 'vitest';
import { toJSONSchema } from 'zod/mini';
import { DetailType, EventBridgeEnvelope } from '../src/index';

// The contracts keep their own zod/mini copy of Powertools' EventBridgeSchema (classic zod, which would put
// all of classic zod into every function bundle). These tests hold the copy to the original.
const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'events', `${name}.json`), 'utf8'));
const issuesOf = (result: { success: boolean; error?: { issues: Array<{ code: string; path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map(({ code, path, message }) => ({ code, path, message }));

describe("EventBridgeEnvelope is Powertools' EventBridgeSchema", () => {
  it('has the same JSON Schema (fields, types, formats, optional and unknown fields)', () => {
    expect(toJSONSchema(EventBridgeEnvelope)).toEqual(toJSONSchema(EventBridgeSchema));
    expect(toJSONSchema(EventBridgeEnvelope, { io: 'input' })).toEqual(toJSONSchema(EventBridgeSchema, { io: 'input' }));
  });

  const level = sample(DetailType.LevelCompleted);
  const { time: _time, ...withoutTime } = level;
  const inputs: Array<[string, unknown]> = [
    ['a sample event', level],
    ['a replayed event', { ...level, 'replay-name': 'archive-replay' }],
    ['an unknown envelope field', { ...level, extra: true }],
    ['a time with an offset', { ...level, time: '2026-01-31T12:00:00+01:00' }],
    ['a time with fractions', { ...level, time: '2026-01-31T12:00:00.123Z' }],
    ['no time', withoutTime],
    ['numbers for strings', { ...level, version: 0, account: 1, region: 2 }],
    ['resources not strings', { ...level, resources: [1] }],
    ['replay-name not a string', { ...level, 'replay-name': 5 }],
    ['not an object', 'event'],
  ];
  it.each(inputs)('parses %s the same way', (_name, input) => {
    const ours = EventBridgeEnvelope.safeParse(input);
    const theirs = EventBridgeSchema.safeParse(input);
    expect(ours.success).toBe(theirs.success);
    expect(ours.data).toEqual(theirs.data);
    expect(issuesOf(ours)).toEqual(issuesOf(theirs));
  });
});
