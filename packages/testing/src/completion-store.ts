import type { Context } from 'aws-lambda';
import { type LocalDynamo, type TableKey, createTable, scanTable, startDynalite, useLocalAws } from './dynalite';
import { redelivered, shuffled } from './fixtures';
import { lambdaContext } from './lambda-context';

type Item = Record<string, unknown>;
type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface CompletionStoreUnderTestOptions {
  /** The service's name, as its Lambda context names the function. */
  serviceName: string;
  tableName: string;
  tableKey: TableKey;
  /** The env var the handler reads its table name from (the service's config). */
  tableEnv: string;
  /** Imports the service's handler module, e.g. `() => import('../../src/handler')`. */
  importHandler: () => Promise<{ handler: unknown }>;
}

/** A completion store's handler against a real dynalite with one table, as Lambda would run it. */
export interface CompletionStoreUnderTest {
  dynamo: LocalDynamo;
  /** Invokes the handler as Lambda would. */
  invoke(event: unknown): Promise<unknown>;
  /** The whole table, sorted. */
  scan(): Promise<Item[]>;
  /** The items of these players only: each test uses its own players, so tests share one table. */
  itemsOf(...players: string[]): Promise<Item[]>;
  /**
   * The clean completions once each, in order; then the same completions for the "noisy" players
   * (`clean` in each playerId becomes `noisy`), each delivered 1 to 3 times with a new envelope id,
   * shuffled with `seed`, in concurrent waves of 4.
   */
  deliverCleanAndNoisy(clean: readonly CompletionLike[], seed: number): Promise<void>;
  stop(): Promise<void>;
}

interface CompletionLike {
  id: string;
  detail: { playerId: string };
}

/**
 * Starts dynalite, creates the store's table, points the AWS SDK at it and sets the table env var, then
 * imports the handler (which builds its client and reads its table name at import, as on Lambda).
 */
export async function startCompletionStoreUnderTest(options: CompletionStoreUnderTestOptions): Promise<CompletionStoreUnderTest> {
  const { serviceName, tableName, tableKey, tableEnv } = options;
  const dynamo = await startDynalite();
  await createTable(dynamo.client, tableName, tableKey);
  useLocalAws(dynamo.endpoint, { [tableEnv]: tableName });
  const handler = (await options.importHandler()).handler as Handler;

  const invoke = (event: unknown) => handler(event, lambdaContext(serviceName));
  const scan = () => scanTable(dynamo.client, tableName);
  return {
    dynamo,
    invoke,
    scan,
    itemsOf: async (...players) => (await scan()).filter((item) => players.includes(item.playerId as string)),
    deliverCleanAndNoisy: async (clean, seed) => {
      const noisy = clean.map((e) => ({ ...redelivered(e), detail: { ...e.detail, playerId: e.detail.playerId.replace('clean', 'noisy') } }));
      for (const e of clean) await invoke(e);
      const stream = shuffled(noisy.flatMap((e, i) => Array.from({ length: 1 + (i % 3) }, () => redelivered(e))), seed);
      for (let i = 0; i < stream.length; i += 4) await Promise.all(stream.slice(i, i + 4).map(invoke));
    },
    stop: () => dynamo.stop(),
  };
}

/**
 * Items compared across players: the player name reduced to its first letter (`a-clean` and `a-noisy`
 * both become `a`) and the applied events (the 8-byte digests the replay-safe store keeps, or the ids
 * of an item written before them) as sorted hex (their order is the order they arrived in).
 */
export function normaliseStoreItems(items: readonly Item[]): Item[] {
  return items.map(({ appliedEventDigests, appliedEventIds, playerId, ...rest }) => ({ ...rest, player: String(playerId).slice(0, 1), ids: appliedEventsOf({ appliedEventDigests, appliedEventIds }) }));
}

/** An item's applied events as sorted text: each digest in hex, or each id of an item written before the digests. */
export function appliedEventsOf(item: Item): string[] {
  const digests = (item.appliedEventDigests as Uint8Array[] | undefined) ?? [];
  const ids = (item.appliedEventIds as string[] | undefined) ?? [];
  return [...digests.map((d) => Buffer.from(d).toString('hex')), ...ids].sort();
}
