import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ErrorName } from '@gamekeeper/contracts';
import { eventDigest, sameDigest } from './event-digest';

/**
 * How many of an item's most recently applied event ids it remembers (as 8-byte digests). A redelivery
 * is recognised as long as fewer than this many newer, distinct events have been applied to the same
 * item since, i.e. up to `RECENT_EVENT_WINDOW - 1` = 63 newer events. 64 digests keep a level item
 * under 1 KB (one write unit); see the README for the sizes and why 63 newer events cover the redelivery
 * horizons.
 */
export const RECENT_EVENT_WINDOW = 64;
export const DEFAULT_MAX_ATTEMPTS = 8;

/** What every replay-safe item carries besides its own attributes. */
export interface Bookkeeping {
  /** Incremented on every write: the optimistic-concurrency token. */
  version: number;
  /**
   * {@link eventDigest} of each applied event id, newest first, at most {@link RECENT_EVENT_WINDOW}: a
   * list of 8-byte binary values. Absent only on an item written before the compact form that has not
   * been written since (it has {@link LegacyBookkeeping.appliedEventIds} instead).
   */
  appliedEventDigests?: Uint8Array[];
}

/**
 * What items written before the compact form carry: the applied event ids themselves, newest first (up
 * to 200). Still recognised when read; the next write of the item moves them into
 * `appliedEventDigests` (the newest first, within the window) and drops this attribute.
 */
export interface LegacyBookkeeping {
  appliedEventIds?: string[];
}

type Stored<T> = T & Bookkeeping & LegacyBookkeeping;

/** Whether the item has already absorbed the event: its digest among the item's, or (an item not rewritten since the compact form) its id among the item's ids. */
function hasApplied(item: Bookkeeping & LegacyBookkeeping, eventId: string, digest: Uint8Array): boolean {
  return (item.appliedEventDigests ?? []).some((d) => sameDigest(d, digest)) || (item.appliedEventIds ?? []).includes(eventId);
}

/** The item's applied events as digests, newest first: the compact ones, then any legacy ids (older by construction). */
const recentDigestsOf = (item: (Bookkeeping & LegacyBookkeeping) | undefined): Uint8Array[] => [
  ...(item?.appliedEventDigests ?? []),
  ...(item?.appliedEventIds ?? []).map(eventDigest),
];

/** Too many concurrent writers to the same item: retryable (the state machine retries it with backoff). */
export class ConcurrentUpdateConflict extends Error {
  override readonly name = ErrorName.ConcurrentUpdateConflict;
}

export interface ApplyOnceInput<T extends object> {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The item's full primary key; the first entry is the partition key. */
  key: Record<string, string>;
  eventId: string;
  /** Folds the event into the item. Must be order-independent (counts, max, min) so reordering is harmless. */
  reduce: (current: T | undefined) => T;
  maxAttempts?: number;
  /** Pause before attempt `n` (ms); jittered backoff by default. */
  backoffMs?: (attempt: number) => number;
}

export interface ApplyOnceResult<T> {
  outcome: 'applied' | 'duplicate';
  /** The item as written (`applied`), or as stored (`duplicate`; a legacy item keeps its `appliedEventIds`). */
  item: T & Bookkeeping & LegacyBookkeeping;
}

const jitteredBackoff = (attempt: number) => Math.random() * Math.min(10 * 2 ** attempt, 200);

/**
 * Applies an event to one item exactly once, with single-item conditional writes only (no
 * transactions): read the item; if it already lists the event (by digest, or by id on a legacy item), do
 * nothing; otherwise write the reduced item on condition that nobody wrote in between (version check),
 * retrying on a lost race.
 */
export async function applyOnce<T extends object>(input: ApplyOnceInput<T>): Promise<ApplyOnceResult<T>> {
  const { client, tableName, key, eventId, reduce } = input;
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const partitionKey = Object.keys(key)[0];
  if (!partitionKey) throw new Error('applyOnce needs the item key');
  const digest = eventDigest(eventId);

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const current = Item as Stored<T> | undefined;
    if (current && hasApplied(current, eventId, digest)) return { outcome: 'duplicate', item: current };

    // The legacy attribute is left out of the new item: a Put replaces the item, so it is dropped.
    const { version: _v, appliedEventDigests: _d, appliedEventIds: _ids, ...attributes } = current ?? ({} as Stored<T>);
    const next = {
      ...reduce(current ? (attributes as unknown as T) : undefined),
      ...key,
      version: (current?.version ?? 0) + 1,
      appliedEventDigests: [digest, ...recentDigestsOf(current)].slice(0, RECENT_EVENT_WINDOW),
    } as Stored<T>;
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: next,
          ...(current
            ? { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': current.version } }
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': partitionKey } }),
        }),
      );
      return { outcome: 'applied', item: next };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
      if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, (input.backoffMs ?? jitteredBackoff)(attempt)));
    }
  }
  throw new ConcurrentUpdateConflict(`${tableName} item ${JSON.stringify(key)} kept changing under ${maxAttempts} attempts to apply event ${eventId}`);
}
