import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type DetailType, EVENT_BUS_NAME, InvalidGameEvent, Limits, parseDetail, sourceByType } from '@gamekeeper/contracts';
import { batchIndexes, entrySize } from './batching';

export interface EventToPublish {
  detailType: DetailType;
  detail: unknown;
  time?: Date;
  resources?: string[];
}

export type PublishResult =
  | { status: 'sent'; eventId: string; entryId: string }
  | { status: 'rejected'; eventId?: string; error: InvalidGameEvent }
  | { status: 'failed'; eventId: string; errorCode: string; errorMessage: string; attempts: number };

export interface ProducerOptions {
  client: EventBridgeClient;
  busName?: string;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Per-entry error codes that the same entry would hit again: fail at once instead of resending. */
const PERMANENT = /Malformed|Validation|InvalidArgument|AccessDenied|NotFound|NotAuthorized/i;
/** Request-level errors worth another try: throttling and server-side faults. */
const isRetryableRequestError = (error: unknown) => {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return Boolean(e.$retryable) || /Throttl|InternalFailure|ServiceUnavailable|Timeout/i.test(e.name ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500;
};

/**
 * What the game backend calls to publish completions: validates every event with the contracts
 * before sending (bad events are rejected, not sent), batches PutEvents within AWS's limits, resends
 * only the entries that failed with exponential backoff and full jitter, and returns one result per
 * event in input order.
 */
export function createProducer(options: ProducerOptions) {
  const busName = options.busName ?? EVENT_BUS_NAME;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const backoff = (attempt: number) => random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));

  async function publish(events: EventToPublish[]): Promise<PublishResult[]> {
    const results: PublishResult[] = new Array(events.length);
    const pending: { index: number; eventId: string; entry: PutEventsRequestEntry; size: number }[] = [];

    events.forEach((event, index) => {
      let detail: { eventId: string };
      try {
        detail = parseDetail(event.detailType, event.detail) as { eventId: string };
      } catch (error) {
        const eventId = (event.detail as { eventId?: unknown } | null)?.eventId;
        results[index] = { status: 'rejected', ...(typeof eventId === 'string' ? { eventId } : {}), error: error as InvalidGameEvent };
        return;
      }
      const entry: PutEventsRequestEntry = {
        EventBusName: busName,
        Source: sourceByType[event.detailType],
        DetailType: event.detailType,
        Detail: JSON.stringify(detail),
        ...(event.time ? { Time: event.time } : {}),
        ...(event.resources ? { Resources: event.resources } : {}),
      };
      const size = entrySize(entry);
      if (size > Limits.maxEntryBytes) {
        results[index] = {
          status: 'rejected',
          eventId: detail.eventId,
          error: new InvalidGameEvent([`entry is ${size} bytes; EventBridge accepts at most ${Limits.maxEntryBytes}`]),
        };
        return;
      }
      pending.push({ index, eventId: detail.eventId, entry, size });
    });

    let outstanding = pending;
    for (let attempt = 1; outstanding.length > 0; attempt++) {
      const retry: typeof pending = [];
      for (const batch of batchIndexes(outstanding.map((p) => p.size))) {
        const items = batch.map((i) => outstanding[i]!);
        try {
          const response = await options.client.send(new PutEventsCommand({ Entries: items.map((p) => p.entry) }));
          items.forEach((item, position) => {
            const outcome = response.Entries?.[position];
            if (outcome?.EventId && !outcome.ErrorCode) {
              results[item.index] = { status: 'sent', eventId: item.eventId, entryId: outcome.EventId };
              return;
            }
            const errorCode = outcome?.ErrorCode ?? 'MissingResult';
            const errorMessage = outcome?.ErrorMessage ?? 'PutEvents returned no result for this entry';
            if (PERMANENT.test(errorCode) || attempt >= maxAttempts) {
              results[item.index] = { status: 'failed', eventId: item.eventId, errorCode, errorMessage, attempts: attempt };
            } else retry.push(item);
          });
        } catch (error) {
          if (!isRetryableRequestError(error) || attempt >= maxAttempts) {
            const e = error as Error;
            for (const item of items) results[item.index] = { status: 'failed', eventId: item.eventId, errorCode: e.name, errorMessage: e.message, attempts: attempt };
          } else retry.push(...items);
        }
      }
      outstanding = retry;
      if (outstanding.length > 0) await sleep(backoff(attempt));
    }
    return results;
  }

  return { publish };
}

export type Producer = ReturnType<typeof createProducer>;
