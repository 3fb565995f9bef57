import { type DetailType } from '@gamekeeper/contracts';
import { hostileEvents } from '@gamekeeper/testing';
import { describe, expect, it } from 'vitest';
import { mockedEventBridge } from '../helpers/mock-event-bridge';

// The producer picks the source from the contracts and takes a parsed detail: wrong sources and
// non-JSON details cannot be expressed through it (raw PutEvents covers them, in the CLI's e2e tests).
const expressible = hostileEvents().filter((e) => e.expect.producer !== 'not-expressible');

describe('the producer and the table of hostile events', () => {
  it('covers most of the table', () => {
    expect(expressible.length).toBeGreaterThanOrEqual(35);
  });

  it.each(expressible.map((e) => [e.name, e] as const))('rejects %s with a specific error and sends nothing', async (_name, hostile) => {
    const eventBridge = mockedEventBridge();
    const [result] = await eventBridge.producer().publish([{ detailType: hostile.detailType as DetailType, detail: JSON.parse(hostile.detail) }]);
    expect(result?.status).toBe('rejected');
    expect(result?.status === 'rejected' && result.error.name).toBe('InvalidGameEvent');
    expect(result?.status === 'rejected' && result.error.message).toContain(hostile.expect.producer);
    expect(eventBridge.requests()).toEqual([]);
  });
});
