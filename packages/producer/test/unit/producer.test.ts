import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DetailType, EVENT_BUS_NAME, InvalidGameEvent, Source } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createProducer, entrySize } from '../../src/index';

const client = new EventBridgeClient({ region: 'us-east-1' });
const eventBridge = mockClient(client);
afterEach(() => eventBridge.reset());

const sleeps: number[] = [];
const producer = (maxAttempts = 4) => createProducer({ client, maxAttempts, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
const level = (patch = {}) => ({ detailType: DetailType.LevelCompleted, detail: levelCompleted(patch).detail });
const okFor = (n: number, prefix = 'eb') => ({ FailedEntryCount: 0, Entries: Array.from({ length: n }, (_, i) => ({ EventId: `${prefix}-${i}` })) });
const sentEntries = () => eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);

describe('producer', () => {
  it('sends a valid event to the gamekeeper bus with the contract source and detail-type', async () => {
    eventBridge.on(PutEventsCommand).resolves(okFor(1));
    const event = level({ score: 77 });

    const [result] = await producer().publish([event]);

    expect(result).toEqual({ status: 'sent', eventId: event.detail.eventId, entryId: 'eb-0' });
    expect(sentEntries()).toEqual([
      [{ EventBusName: EVENT_BUS_NAME, Source: Source.GameBackend, DetailType: DetailType.LevelCompleted, Detail: JSON.stringify(event.detail) }],
    ]);
  });

  it('rejects invalid events with a clear error without sending them, and still sends the valid ones', async () => {
    eventBridge.on(PutEventsCommand).resolves(okFor(1));
    const good = level();
    const bad = level({ score: -5 });

    const results = await producer().publish([bad, good, { detailType: DetailType.GameCompleted, detail: 'nope' }]);

    expect(results[0]).toMatchObject({ status: 'rejected', eventId: bad.detail.eventId });
    expect(results[0]?.status === 'rejected' && results[0].error).toBeInstanceOf(InvalidGameEvent);
    expect(results[0]?.status === 'rejected' && results[0].error.message).toMatch(/detail\.score: Too small/);
    expect(results[1]).toMatchObject({ status: 'sent', eventId: good.detail.eventId });
    expect(results[2]).toMatchObject({ status: 'rejected' });
    expect(sentEntries().flat()).toHaveLength(1);
  });

  it('batches by count: 23 events go as 10 + 10 + 3', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => okFor(input.Entries.length));
    const results = await producer().publish(Array.from({ length: 23 }, () => level()));
    expect(sentEntries().map((b) => b.length)).toEqual([10, 10, 3]);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
  });

  it('batches by size: entries that would pass 256 KiB together go in separate requests', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => okFor(input.Entries.length));
    // Large but valid details: long resources lists push each entry to ~100 KiB.
    const big = () => ({ ...level(), resources: Array.from({ length: 100 }, (_, i) => `arn:aws:game:::${'x'.repeat(1000)}${i}`) });
    await producer().publish([big(), big(), big(), level()]);
    const batches = sentEntries();
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    for (const batch of batches) expect(batch.reduce((sum, e) => sum + entrySize(e), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it('rejects an entry larger than 256 KiB on its own before sending', async () => {
    const huge = { ...level(), resources: Array.from({ length: 300 }, () => 'r'.repeat(1000)) };
    const [result] = await producer().publish([huge]);
    expect(result).toMatchObject({ status: 'rejected' });
    expect(result?.status === 'rejected' && result.error.message).toMatch(/EventBridge accepts at most 262144/);
    expect(sentEntries()).toEqual([]);
  });

  it('resends only the failed entries of a partial failure, with backoff', async () => {
    sleeps.length = 0;
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, { EventId: 'c' }] })
      .resolvesOnce(okFor(1, 'retry'));
    const events = [level(), level(), level()];

    const results = await producer().publish(events);

    expect(sentEntries().map((b) => b.map((e) => JSON.parse(e.Detail!).eventId))).toEqual([events.map((e) => e.detail.eventId), [events[1]!.detail.eventId]]);
    expect(results.map((r) => r.status === 'sent' && r.entryId)).toEqual(['a', 'retry-0', 'c']);
    expect(sleeps).toEqual([50]);
  });

  it('gives up on an entry after maxAttempts, reporting the last error', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });
    const [result] = await producer(3).publish([level()]);
    expect(result).toMatchObject({ status: 'failed', errorCode: 'InternalFailure', errorMessage: 'oops', attempts: 3 });
    expect(sentEntries()).toHaveLength(3);
  });

  it('does not resend an entry failing with a permanent error', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] });
    const [result] = await producer().publish([level()]);
    expect(result).toMatchObject({ status: 'failed', errorCode: 'MalformedDetail', attempts: 1 });
    expect(sentEntries()).toHaveLength(1);
  });

  it('retries a throttled request as a whole, then fails non-retryable request errors at once', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    eventBridge.on(PutEventsCommand).rejectsOnce(throttled).resolves(okFor(2));
    const results = await producer().publish([level(), { detailType: DetailType.GameCompleted, detail: gameCompleted().detail }]);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);

    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const [denied] = await producer().publish([level()]);
    expect(denied).toMatchObject({ status: 'failed', errorCode: 'AccessDeniedException', attempts: 1 });
  });
});
