import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { DetailType } from '@gamekeeper/contracts';
import { levelCompleted } from '@gamekeeper/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { createProducer, type EventToPublish, type ProducerOptions } from '../../src/index';

/** An EventBridge client whose PutEvents answers are scripted per test (error paths and batching only). */
export function mockedEventBridge() {
  const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const sleeps: number[] = [];
  return {
    client,
    mock,
    /** Delays the producer asked to wait, in order; nothing actually waits. */
    sleeps,
    producer: (options: Partial<ProducerOptions> = {}) =>
      createProducer({ client, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...options }),
    /** The entries of each PutEvents request the client sent, request by request. */
    requests: (): PutEventsRequestEntry[][] => mock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []),
    reset: () => {
      mock.reset();
      sleeps.length = 0;
    },
  };
}

/** A PutEvents answer accepting every entry, with EventBridge ids `<prefix>-<position>`. */
export const acceptAll = (count: number, prefix = 'eb'): PutEventsResponse => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: count }, (_, i) => ({ EventId: `${prefix}-${i}` })),
});

export const level = (detail: Parameters<typeof levelCompleted>[0] = {}): EventToPublish & { detail: { eventId: string } } => ({
  detailType: DetailType.LevelCompleted,
  detail: levelCompleted(detail).detail,
});

/** The detail eventIds carried by a request's entries. */
export const eventIdsOf = (entries: PutEventsRequestEntry[]) => entries.map((entry) => (JSON.parse(entry.Detail ?? '{}') as { eventId: string }).eventId);
