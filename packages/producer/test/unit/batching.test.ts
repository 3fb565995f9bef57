import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Limits } from '@gamekeeper/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchIndexes, entrySize } from '../../src/index';
import { acceptAll, eventIdsOf, level, mockedEventBridge } from '../helpers/mock-event-bridge';

describe('entrySize (the AWS PutEvents entry-size formula)', () => {
  it('counts the UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    const entry = { Source: 'src', DetailType: 'type', Detail: '{"name":"Zoë"}', Resources: ['ab', 'cde'] };

    // 3 + 4 + 15 (ë is two bytes) + 2 + 3
    expect(entrySize(entry)).toBe(27);
  });

  it('adds 14 bytes when Time is set and ignores the bus name', () => {
    const entry = { Source: 'src', DetailType: 'type', Detail: '{}' };

    expect(entrySize({ ...entry, Time: new Date(0), EventBusName: 'a-long-bus-name' }) - entrySize(entry)).toBe(14);
  });
});

describe('batchIndexes', () => {
  it('fills a request up to exactly the byte limit, then starts another', () => {
    expect(batchIndexes([100, 100, 56, 1], 10, 256)).toEqual([[0, 1, 2], [3]]);
  });

  it('starts a new request after the entry limit', () => {
    expect(batchIndexes([1, 1, 1, 1, 1], 2, 1_000)).toEqual([[0, 1], [2, 3], [4]]);
  });
});

describe('producer batching', () => {
  const eventBridge = mockedEventBridge();
  beforeEach(() => {
    eventBridge.reset();
    let request = 0;
    eventBridge.mock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => acceptAll(input.Entries.length, `r${request++}`));
  });

  it('sends 23 events as requests of 10, 10 and 3, in input order', async () => {
    // Prepare
    const events = Array.from({ length: 23 }, () => level());

    // Act
    const results = await eventBridge.producer().publish(events);

    // Assess
    const requests = eventBridge.requests();
    expect(requests.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(requests.flatMap(eventIdsOf)).toEqual(events.map((e) => e.detail.eventId));
    // Each EventBridge answer maps back to its input by position.
    expect(results[0]).toEqual({ status: 'sent', eventId: events[0]!.detail.eventId, entryId: 'r0-0' });
    expect(results[12]).toEqual({ status: 'sent', eventId: events[12]!.detail.eventId, entryId: 'r1-2' });
    expect(results[22]).toEqual({ status: 'sent', eventId: events[22]!.detail.eventId, entryId: 'r2-2' });
  });

  it('splits requests by size so that none passes 256 KiB', async () => {
    // Prepare: ~100 KiB entries (valid, with long resource lists); two fit in one request, three do not.
    const big = () => ({ ...level(), resources: Array.from({ length: 100 }, (_, i) => `arn:aws:game:::${i}`.padEnd(1000, 'x')) });
    const events = [big(), big(), big(), level()];

    // Act
    const results = await eventBridge.producer().publish(events);

    // Assess
    const requests = eventBridge.requests();
    expect(requests.map(eventIdsOf)).toEqual([
      [events[0]!.detail.eventId, events[1]!.detail.eventId],
      [events[2]!.detail.eventId, events[3]!.detail.eventId],
    ]);
    for (const entries of requests) expect(entries.reduce((sum, e) => sum + entrySize(e), 0)).toBeLessThanOrEqual(Limits.maxEntryBytes);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
  });
});
