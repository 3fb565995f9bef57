import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DetailType, InvalidGameEvent } from '@gamekeeper/contracts';
import { expressibleOn, hostileEvents } from '@gamekeeper/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventToPublish } from '../../src/index';
import { acceptAll, eventIdsOf, level, mockedEventBridge } from '../helpers/mock-event-bridge';

// Cases the producer cannot express (another source, a detail that is not JSON) say why in the table;
// raw PutEvents covers them in the CLI's e2e tests.
const expressible = expressibleOn('producer');

/** What the game backend would hand over: the claimed detail-type (deliberately unchecked) and the parsed detail. */
const asPublished = (detailType: string, detail: string): EventToPublish => ({ detailType: detailType as DetailType, detail: JSON.parse(detail) as unknown });

const eventBridge = mockedEventBridge();
beforeEach(() => {
  eventBridge.reset();
  eventBridge.mock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => acceptAll(input.Entries.length));
});

describe('the producer and the table of hostile events', () => {
  it('has at least 30 cases, named uniquely, and can express all but those whose reason is given', () => {
    const table = hostileEvents();
    expect(table.length).toBeGreaterThanOrEqual(30);
    expect(new Set(table.map((e) => e.name)).size).toBe(table.length);
    expect(expressible.length).toBeGreaterThanOrEqual(30);
    for (const { expect: expected } of table) {
      if (typeof expected.producer !== 'string') expect(expected.producer.notExpressible).toMatch(/\w+/);
    }
  });

  it.each(expressible.map(({ event, message }) => [event.name, event, message] as const))(
    'rejects %s with its specific InvalidGameEvent and sends nothing',
    async (_name, hostile, message) => {
      // Act
      const [result] = await eventBridge.producer().publish([asPublished(hostile.detailType, hostile.detail)]);

      // Assess
      expect(result?.status).toBe('rejected');
      const error = result?.status === 'rejected' ? result.error : undefined;
      expect(error).toBeInstanceOf(InvalidGameEvent);
      expect(error?.name).toBe('InvalidGameEvent');
      expect(error?.message).toContain(message);
      expect(eventBridge.requests()).toEqual([]);
    },
  );

  it('sends only the valid event of a batch that mixes it with every hostile one', async () => {
    // Prepare
    const valid = level();
    const batch = [...expressible.map(({ event }) => asPublished(event.detailType, event.detail)), valid];

    // Act
    const results = await eventBridge.producer().publish(batch);

    // Assess
    expect(results.slice(0, -1).map((r) => r.status)).toEqual(expressible.map(() => 'rejected'));
    expect(results.at(-1)).toMatchObject({ status: 'sent', eventId: valid.detail.eventId });
    expect(eventBridge.requests().map(eventIdsOf)).toEqual([[valid.detail.eventId]]);
  });
});
