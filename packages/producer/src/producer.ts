import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { type DetailType, EVENT_BUS_NAME, InvalidGameEvent, Limits, parseDetail, sourceByType } from '@gamekeeper/contracts';
import { batchIndexes, entrySize } from './batching';

/** What the game backend hands over: a detail-type and its bare detail (the source comes from the contracts). */
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
  /** Used as configured: its own retry strategy is left alone; this producer adds per-entry resends on top. */
  client: EventBridgeClient;
  busName?: string;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Upper bound of one backoff delay, before jitter. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface Producer {
  /** One result per event, in input order. Never throws for a bad event or a failed send: see the result. */
  publish(events: readonly EventToPublish[]): Promise<PublishResult[]>;
}

/** Per-entry error codes the same entry would hit again, so resending cannot help. */
const NON_RETRYABLE_ENTRY_ERROR = /Malformed|Validation|InvalidArgument|AccessDenied|NotAuthorized|NotFound/i;
/** Request-level error names worth another try: throttling, server faults, timeouts. */
const TRANSIENT_REQUEST_ERROR = /Throttl|TooManyRequests|LimitExceeded|InternalFailure|InternalException|ServiceUnavailable|Timeout/i;

export function isRetryableEntryError(errorCode: string): boolean {
  return !NON_RETRYABLE_ENTRY_ERROR.test(errorCode);
}

export function isRetryableRequestError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable) return true; // the SDK marks throttling and transient errors this way
  if (typeof e.name === 'string' && TRANSIENT_REQUEST_ERROR.test(e.name)) return true;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return status === 429 || status >= 500;
}

interface PendingEntry {
  index: number;
  eventId: string;
  entry: PutEventsRequestEntry;
  size: number;
}

type EntryOutcome = { entryId: string } | { errorCode: string; errorMessage: string; retryable: boolean };

/**
 * What the game backend calls to publish events: validates every event with the contracts before
 * sending (bad events are rejected, never sent), batches PutEvents within AWS's limits, resends only
 * the entries that failed with exponential backoff and full jitter, and returns one result per event
 * in input order.
 */
export function createProducer(options: ProducerOptions): Producer {
  const busName = options.busName ?? EVENT_BUS_NAME;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);

  // Full jitter (a uniform delay up to the exponential cap) spreads resends from many producers apart.
  const backoff = (retry: number) => random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));

  async function putBatch(entries: PutEventsRequestEntry[]): Promise<EntryOutcome[]> {
    try {
      const response = await options.client.send(new PutEventsCommand({ Entries: entries }));
      // PutEvents answers entry by entry, in request order: position maps each answer to its input.
      return entries.map((_, position) => outcomeOf(response.Entries?.[position]));
    } catch (error) {
      const failure = { errorCode: nameOf(error), errorMessage: messageOf(error), retryable: isRetryableRequestError(error) };
      return entries.map(() => failure);
    }
  }

  async function publish(events: readonly EventToPublish[]): Promise<PublishResult[]> {
    const results: PublishResult[] = new Array(events.length);
    let outstanding: PendingEntry[] = [];
    events.forEach((event, index) => {
      const prepared = prepare(event, busName);
      if ('error' in prepared) results[index] = { status: 'rejected', ...prepared };
      else outstanding.push({ index, ...prepared });
    });

    for (let attempt = 1; outstanding.length > 0; attempt++) {
      if (attempt > 1) await sleep(backoff(attempt - 1));
      const retry: PendingEntry[] = [];
      for (const batch of batchIndexes(outstanding.map((pending) => pending.size))) {
        const items = batch.map((i) => outstanding[i]!);
        const outcomes = await putBatch(items.map((item) => item.entry));
        items.forEach((item, position) => {
          const outcome = outcomes[position]!;
          if ('entryId' in outcome) results[item.index] = { status: 'sent', eventId: item.eventId, entryId: outcome.entryId };
          else if (outcome.retryable && attempt < maxAttempts) retry.push(item);
          else {
            const { errorCode, errorMessage } = outcome;
            results[item.index] = { status: 'failed', eventId: item.eventId, errorCode, errorMessage, attempts: attempt };
          }
        });
      }
      outstanding = retry;
    }
    return results;
  }

  return { publish };
}

/** Validates one event and turns it into a PutEvents entry, or explains why it cannot be sent. */
function prepare(event: EventToPublish, busName: string): Omit<PendingEntry, 'index'> | { eventId?: string; error: InvalidGameEvent } {
  const claimedEventId = (event?.detail as { eventId?: unknown } | null | undefined)?.eventId;
  const rejected = (error: InvalidGameEvent) => ({ ...(typeof claimedEventId === 'string' ? { eventId: claimedEventId } : {}), error });
  if (typeof event !== 'object' || event === null) return rejected(new InvalidGameEvent([`expected { detailType, detail }, got ${String(event)}`]));

  const issues: string[] = [];
  let detail: { eventId: string } | undefined;
  let cause: unknown;
  try {
    detail = parseDetail(event.detailType, event.detail);
  } catch (error) {
    if (!(error instanceof InvalidGameEvent)) throw error;
    issues.push(...error.issues);
    cause = error;
  }
  if (event.time !== undefined && !(event.time instanceof Date && Number.isFinite(event.time.getTime()))) {
    issues.push('time: must be a valid Date');
  }
  if (event.resources !== undefined && !(Array.isArray(event.resources) && event.resources.every((r) => typeof r === 'string'))) {
    issues.push('resources: must be an array of strings (ARNs)');
  }
  if (!detail || issues.length > 0) return rejected(new InvalidGameEvent(issues, { cause }));

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
    return rejected(
      new InvalidGameEvent([`entry size: ${size} bytes (Source, DetailType, Detail, Resources and Time); EventBridge accepts at most ${Limits.maxEntryBytes} bytes per entry`]),
    );
  }
  return { eventId: detail.eventId, entry, size };
}

function outcomeOf(result: PutEventsResultEntry | undefined): EntryOutcome {
  if (result?.ErrorCode) return { errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? '', retryable: isRetryableEntryError(result.ErrorCode) };
  if (result?.EventId) return { entryId: result.EventId };
  // No answer for this entry: it may or may not have landed; resending is safe because consumers dedupe on eventId.
  return { errorCode: 'MissingResult', errorMessage: 'PutEvents returned no result for this entry', retryable: true };
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name ? name : 'UnknownError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
