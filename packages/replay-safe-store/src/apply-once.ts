import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ErrorName } from '@gamekeeper/contracts';

/**
 * How many of an item's most recently applied event ids it remembers. A redelivery is recognised as
 * long as fewer than this many newer, distinct events have been applied to the same item since.
 */
export const RECENT_EVENT_WINDOW = 200;
export const DEFAULT_MAX_ATTEMPTS = 8;

/** What every replay-safe item carries besides its own attributes. */
export interface Bookkeeping {
  /** Incremented on every write: the optimistic-concurrency token. */
  version: number;
  /** Newest first, at most {@link RECENT_EVENT_WINDOW}. */
  appliedEventIds: string[];
}

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
  item: T & Bookkeeping;
}

const jitteredBackoff = (attempt: number) => Math.random() * Math.min(10 * 2 ** attempt, 200);

/**
 * Applies an event to one item exactly once, with single-item conditional writes only (no
 * transactions): read the item; if it already lists the event id, do nothing; otherwise write the
 * reduced item on condition that nobody wrote in between (version check), retrying on a lost race.
 */
export async function applyOnce<T extends object>(input: ApplyOnceInput<T>): Promise<ApplyOnceResult<T>> {
  const { client, tableName, key, eventId, reduce } = input;
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const partitionKey = Object.keys(key)[0];
  if (!partitionKey) throw new Error('applyOnce needs the item key');

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const current = Item as (T & Bookkeeping) | undefined;
    if (current?.appliedEventIds?.includes(eventId)) return { outcome: 'duplicate', item: current };

    const { version: _v, appliedEventIds: _ids, ...attributes } = current ?? ({} as T & Bookkeeping);
    const next = {
      ...reduce(current ? (attributes as unknown as T) : undefined),
      ...key,
      version: (current?.version ?? 0) + 1,
      appliedEventIds: [eventId, ...(current?.appliedEventIds ?? [])].slice(0, RECENT_EVENT_WINDOW),
    } as T & Bookkeeping;
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
