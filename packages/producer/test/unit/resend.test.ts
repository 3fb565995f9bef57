import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { acceptAll, eventIdsOf, level, mockedEventBridge } from '../helpers/mock-event-bridge';

const eventBridge = mockedEventBridge();
beforeEach(() => eventBridge.reset());

const failEntry = (ErrorCode: string, ErrorMessage = 'failed') => ({ ErrorCode, ErrorMessage });
const requestError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('producer resends after a partial failure', () => {
  it('resends only the failed entry and maps every answer back to its input by position', async () => {
    // Prepare
    eventBridge.mock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, failEntry('ThrottlingException', 'slow down'), { EventId: 'c' }] })
      .resolvesOnce(acceptAll(1, 'retry'));
    const events = [level(), level(), level()];

    // Act
    const results = await eventBridge.producer().publish(events);

    // Assess
    const ids = events.map((e) => e.detail.eventId);
    expect(eventBridge.requests().map(eventIdsOf)).toEqual([ids, [ids[1]]]);
    expect(results).toEqual([
      { status: 'sent', eventId: ids[0], entryId: 'a' },
      { status: 'sent', eventId: ids[1], entryId: 'retry-0' },
      { status: 'sent', eventId: ids[2], entryId: 'c' },
    ]);
    expect(eventBridge.sleeps).toHaveLength(1);
  });

  it('waits with exponential backoff and full jitter: random × min(maxDelayMs, baseDelayMs × 2^(retry-1))', async () => {
    // Prepare
    eventBridge.mock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [failEntry('InternalFailure')] });
    const draws = [0.1, 0.9, 0.3, 1];
    const producer = eventBridge.producer({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500, random: () => draws.shift()! });

    // Act
    await producer.publish([level()]);

    // Assess: caps 100, 200, 400, then 800 limited to 500.
    expect(eventBridge.sleeps).toEqual([10, 180, 120, 500]);
  });

  it('gives up after maxAttempts and reports the last error and the attempts made', async () => {
    // Prepare
    eventBridge.mock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [failEntry('ThrottlingException', 'slow down')] })
      .resolves({ FailedEntryCount: 1, Entries: [failEntry('InternalFailure', 'oops')] });
    const event = level();

    // Act
    const [result] = await eventBridge.producer({ maxAttempts: 3 }).publish([event]);

    // Assess
    expect(result).toEqual({ status: 'failed', eventId: event.detail.eventId, errorCode: 'InternalFailure', errorMessage: 'oops', attempts: 3 });
    expect(eventBridge.requests()).toHaveLength(3);
    expect(eventBridge.sleeps).toHaveLength(2);
  });

  it.each(['MalformedDetail', 'InvalidArgument', 'AccessDeniedException', 'ValidationException', 'DetailValidationError', 'SomethingMalformed'])(
    'fails an entry with the non-retryable code %s at once, without resending it',
    async (errorCode) => {
      // Prepare
      eventBridge.mock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [failEntry(errorCode, 'no')] });

      // Act
      const [result] = await eventBridge.producer().publish([level()]);

      // Assess
      expect(result).toMatchObject({ status: 'failed', errorCode, errorMessage: 'no', attempts: 1 });
      expect(eventBridge.requests()).toHaveLength(1);
      expect(eventBridge.sleeps).toEqual([]);
    },
  );

  it('in one request, resends the throttled entry but not the malformed one', async () => {
    // Prepare
    eventBridge.mock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [failEntry('MalformedDetail'), failEntry('ThrottlingException')] })
      .resolvesOnce(acceptAll(1));
    const [malformed, throttled] = [level(), level()];

    // Act
    const results = await eventBridge.producer().publish([malformed, throttled]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['failed', 'sent']);
    expect(eventBridge.requests().map(eventIdsOf)[1]).toEqual([throttled.detail.eventId]);
  });

  it('resends an entry PutEvents gave no answer for', async () => {
    // Prepare
    eventBridge.mock.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 0, Entries: [] }).resolvesOnce(acceptAll(1));

    // Act
    const [result] = await eventBridge.producer().publish([level()]);

    // Assess
    expect(result).toMatchObject({ status: 'sent', entryId: 'eb-0' });
    expect(eventBridge.requests()).toHaveLength(2);
  });
});

describe('producer retries a failed request', () => {
  it.each([
    ['throttled by name', requestError('ThrottlingException')],
    ['marked retryable by the SDK', requestError('SomeQuotaError', { $retryable: { throttling: true } })],
    ['a 5xx answer', requestError('UnknownServerFault', { $metadata: { httpStatusCode: 503 } })],
  ])('retries the whole request when %s', async (_case, error) => {
    // Prepare
    eventBridge.mock.on(PutEventsCommand).rejectsOnce(error).resolves(acceptAll(2));
    const events = [level(), level()];

    // Act
    const results = await eventBridge.producer().publish(events);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
    const ids = events.map((e) => e.detail.eventId);
    expect(eventBridge.requests().map(eventIdsOf)).toEqual([ids, ids]);
    expect(eventBridge.sleeps).toHaveLength(1);
  });

  it('gives up on a request still throttled after maxAttempts', async () => {
    eventBridge.mock.on(PutEventsCommand).rejects(requestError('ThrottlingException'));

    const results = await eventBridge.producer({ maxAttempts: 2 }).publish([level(), level()]);

    expect(results).toEqual([
      expect.objectContaining({ status: 'failed', errorCode: 'ThrottlingException', errorMessage: 'ThrottlingException happened', attempts: 2 }),
      expect.objectContaining({ status: 'failed', errorCode: 'ThrottlingException', attempts: 2 }),
    ]);
    expect(eventBridge.requests()).toHaveLength(2);
  });

  it('fails every entry of a request rejected with a non-retryable error at once', async () => {
    eventBridge.mock.on(PutEventsCommand).rejects(requestError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }));

    const results = await eventBridge.producer().publish([level(), level()]);

    expect(results.map((r) => r.status === 'failed' && [r.errorCode, r.attempts])).toEqual([
      ['AccessDeniedException', 1],
      ['AccessDeniedException', 1],
    ]);
    expect(eventBridge.requests()).toHaveLength(1);
    expect(eventBridge.sleeps).toEqual([]);
  });
});
