import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type COMPLETION_DETAIL_TYPES, type CompletionEvent, type DetailByType, InvalidGameEvent } from '@gamekeeper/contracts';
import { applyOnce } from './apply-once';

type CompletionDetailType = (typeof COMPLETION_DETAIL_TYPES)[number];

/** Where a completion store writes: a document client and its table's name. */
export interface CompletionStoreDependencies {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** What differs between the completion stores: the detail-type they take, the item key and the fold. */
export interface CompletionStoreDefinition<D extends CompletionDetailType, K extends Record<string, string>, T extends object, S extends object> {
  /** What the store records, for its messages: `level` gives "the level store records ...". */
  subject: string;
  /** The one detail-type the store records; any other completion is refused with InvalidGameEvent. */
  detailType: D;
  /** The item's full primary key for a completion; the first entry is the partition key. */
  key: (detail: DetailByType[D]) => K;
  /** Folds one completion into the item. Must be order-independent (counts, max, min). */
  reduce: (current: T | undefined, detail: DetailByType[D]) => T;
  /** What the result reports of the item after the write (or of the item that already had the event). */
  summarize: (item: T) => S;
}

/** The outcome, the item's key and the item's summary. */
export type CompletionStoreResult<K, S> = { outcome: 'applied' | 'duplicate' } & K & S;

export interface CompletionStore<K, S> {
  /** Records a completion in the table, once per `detail.eventId` however often it is delivered. */
  record(event: CompletionEvent, dependencies: CompletionStoreDependencies): Promise<CompletionStoreResult<K, S>>;
  /**
   * The store bound to its table with a new document client: the logic a Lambda handler wraps. Call it
   * at module scope (as Lambda reuses the client across invocations).
   */
  connect(options: { tableName: string; clientConfig?: DynamoDBClientConfig }): (event: CompletionEvent) => Promise<CompletionStoreResult<K, S>>;
  /** The message a handler logs with the result. */
  readonly recordedMessage: string;
  /** The one detail-type it records. */
  readonly detailType: CompletionDetailType;
}

/**
 * A table writer for one kind of completion, replay-safe through {@link applyOnce}: refuses the other
 * detail-type (the state machine's Choice routes each kind to its own store, so that is a wiring bug,
 * reported as InvalidGameEvent and never retried), then applies the completion to its item once.
 */
export function completionStore<D extends CompletionDetailType, K extends Record<string, string>, T extends object, S extends object>(
  definition: CompletionStoreDefinition<D, K, T, S>,
): CompletionStore<K, S> {
  const { subject, detailType, key: keyOf, reduce, summarize } = definition;
  const record = async (event: CompletionEvent, { client, tableName }: CompletionStoreDependencies): Promise<CompletionStoreResult<K, S>> => {
    if (event['detail-type'] !== detailType) {
      throw new InvalidGameEvent([`detail-type: the ${subject} store records ${detailType} only, got ${event['detail-type']}`]);
    }
    const detail = event.detail as DetailByType[D];
    const key = keyOf(detail);
    const { outcome, item } = await applyOnce<T>({ client, tableName, key, eventId: detail.eventId, reduce: (current) => reduce(current, detail) });
    return { outcome, ...key, ...summarize(item) };
  };
  return {
    record,
    connect: ({ tableName, clientConfig = {} }) => {
      const dependencies = { client: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig)), tableName };
      return (event) => record(event, dependencies);
    },
    recordedMessage: `${subject} completion recorded`,
    detailType,
  };
}
