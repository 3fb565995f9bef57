import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DetailType, InvalidGameEvent, Limits } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventToPublish } from '../../src/index';
import { acceptAll, eventIdsOf, level, mockedEventBridge } from '../helpers/mock-event-bridge';

const eventBridge = mockedEventBridge();
beforeEach(() => {
  eventBridge.reset();
  eventBridge.mock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => acceptAll(input.Entries.length));
});

const withDetail = (patch: Record<string, unknown>, detailType: DetailType = DetailType.LevelCompleted): EventToPublish => ({
  detailType,
  detail: { ...levelCompleted().detail, ...patch },
});
const { stars: _stars, ...levelWithoutStars } = levelCompleted().detail;

describe('producer validation', () => {
  it.each<[string, EventToPublish, RegExp]>([
    ['a negative score', withDetail({ score: -5 }), /detail\.score: Too small/],
    ['a missing eventId', { detailType: DetailType.LevelCompleted, detail: { ...levelWithoutStars, eventId: undefined } }, /detail\.eventId: .*received undefined/],
    ['an eventId that is not a UUID', withDetail({ eventId: 'order-1' }), /detail\.eventId: must be a UUID assigned by the producer/],
    ['an unknown field (a typo)', withDetail({ scroe: 10 }), /detail: Unrecognized key: "scroe"/],
    ['a schemaVersion newer than the contracts', withDetail({ schemaVersion: 2 }), /detail\.schemaVersion: schemaVersion 2 is newer/],
    ['a completedAt that is not an instant', withDetail({ completedAt: 'yesterday' }), /detail\.completedAt: must be an ISO-8601 instant/],
    ['a detail that is not an object', { detailType: DetailType.LevelCompleted, detail: 'nope' }, /detail: Invalid input: expected object/],
    ['an unknown detail-type', { detailType: 'GameBackend.LevelStarted' as DetailType, detail: levelCompleted().detail }, /detail-type: unknown detail-type "GameBackend.LevelStarted"/],
    ['a level detail sent as a game completion', { detailType: DetailType.GameCompleted, detail: levelCompleted().detail }, /detail\.totalScore: .*received undefined/],
    ['a game total below the final level score', { detailType: DetailType.GameCompleted, detail: gameCompleted({ score: 500, totalScore: 100 }).detail }, /detail\.totalScore: must be at least the final level score/],
    ['a time that is not a valid Date', { ...level(), time: new Date('not a date') }, /time: must be a valid Date/],
    ['resources that are not strings', { ...level(), resources: [42] as unknown as string[] }, /resources: must be an array of strings/],
  ])('rejects %s with a clear InvalidGameEvent and sends nothing', async (_case, event, message) => {
    // Act
    const [result] = await eventBridge.producer().publish([event]);

    // Assess
    expect(result?.status).toBe('rejected');
    const error = result?.status === 'rejected' ? result.error : undefined;
    expect(error).toBeInstanceOf(InvalidGameEvent);
    expect(error?.name).toBe('InvalidGameEvent');
    expect(error?.message).toMatch(message);
    expect(eventBridge.requests()).toEqual([]);
  });

  it('names the eventId of a rejected event when the detail carries one', async () => {
    const bad = level({ score: -1 });

    const [result] = await eventBridge.producer().publish([bad]);

    expect(result).toMatchObject({ status: 'rejected', eventId: bad.detail.eventId });
  });

  it('rejects an entry over 256 KiB by the PutEvents size formula before sending, naming its size', async () => {
    // Prepare: 300 resources of 1000 bytes each push the entry past the limit on their own.
    const huge = { ...level(), resources: Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(1000, 'r')) };

    // Act
    const [result] = await eventBridge.producer().publish([huge]);

    // Assess
    expect(result).toMatchObject({ status: 'rejected', eventId: huge.detail.eventId });
    const message = result?.status === 'rejected' ? result.error.message : '';
    expect(message).toMatch(new RegExp(`entry size: \\d+ bytes .*at most ${Limits.maxEntryBytes} bytes per entry`));
    expect(Number(/entry size: (\d+)/.exec(message)?.[1])).toBeGreaterThan(Limits.maxEntryBytes);
    expect(eventBridge.requests()).toEqual([]);
  });

  it('still sends the valid events of a call, and answers every event in input order', async () => {
    // Prepare
    const first = level();
    const invalid = level({ level: 0 });
    const last = { detailType: DetailType.GameCompleted, detail: gameCompleted().detail };

    // Act
    const results = await eventBridge.producer().publish([first, invalid, last]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['sent', 'rejected', 'sent']);
    expect(results.map((r) => r.eventId)).toEqual([first.detail.eventId, invalid.detail.eventId, last.detail.eventId]);
    expect(eventBridge.requests().map(eventIdsOf)).toEqual([[first.detail.eventId, last.detail.eventId]]);
  });

  it('refuses a maxAttempts below 1 when created', () => {
    expect(() => eventBridge.producer({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
