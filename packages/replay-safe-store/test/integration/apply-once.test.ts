import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamo, createTable, startDynalite } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_EVENT_WINDOW, applyOnce, dynamoItemSize, eventDigest } from '../../src/index';

let dynamo: LocalDynamo;
let documents: DynamoDBDocumentClient;
const tableName = 'Counters';

beforeAll(async () => {
  dynamo = await startDynalite();
  documents = DynamoDBDocumentClient.from(dynamo.client);
  await createTable(dynamo.client, tableName, { partitionKey: 'pk', sortKey: 'sk' });
});
afterAll(() => dynamo.stop());

interface Counter {
  count: number;
  best: number;
}
const add = (value: number) => (current: Counter | undefined): Counter => ({ count: (current?.count ?? 0) + 1, best: Math.max(current?.best ?? 0, value) });
const apply = (key: Record<string, string>, eventId: string, value = 1) =>
  applyOnce({ client: documents, tableName, key, eventId, reduce: add(value), maxAttempts: 50 });
const read = async (key: Record<string, string>) => (await documents.send(new GetCommand({ TableName: tableName, Key: key }))).Item;

describe('applyOnce against dynalite', () => {
  it('applies an event, then treats its redelivery as a duplicate that writes nothing', async () => {
    const key = { pk: 'a', sk: '1' };
    const first = await apply(key, 'e1', 10);
    const again = await apply(key, 'e1', 10);
    expect(first.outcome).toBe('applied');
    expect(again.outcome).toBe('duplicate');
    expect(await read(key)).toEqual({ ...key, count: 1, best: 10, version: 1, appliedEventDigests: [eventDigest('e1')] });
  });

  it('lands every one of many concurrent different events on the same item', async () => {
    const key = { pk: 'b', sk: '1' };
    await Promise.all(Array.from({ length: 12 }, (_, i) => apply(key, `e${i}`, i)));
    expect(await read(key)).toMatchObject({ count: 12, best: 11, version: 12 });
  });

  it('lands the same event delivered concurrently exactly once', async () => {
    const key = { pk: 'c', sk: '1' };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => apply(key, 'same', 5)));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect(await read(key)).toMatchObject({ count: 1, version: 1 });
  });

  it('remembers only the most recent event ids, newest first', async () => {
    const key = { pk: 'd', sk: '1' };
    for (let i = 0; i < RECENT_EVENT_WINDOW + 5; i++) await apply(key, `e${i}`);
    const item = await read(key);
    expect(item?.appliedEventDigests).toHaveLength(RECENT_EVENT_WINDOW);
    expect(item?.appliedEventDigests[0]).toEqual(eventDigest(`e${RECENT_EVENT_WINDOW + 4}`));
    expect((await apply(key, `e${RECENT_EVENT_WINDOW + 4}`)).outcome).toBe('duplicate');
  });
});

describe('the replay window: RECENT_EVENT_WINDOW digests per item', () => {
  const versionOf = async (key: Record<string, string>) => (await read(key))?.version as number;

  it('treats a redelivery as a no-op while at most RECENT_EVENT_WINDOW - 1 newer events reached the item, and no longer after that', async () => {
    // Prepare: the event, then RECENT_EVENT_WINDOW - 1 newer ones on the same item.
    const key = { pk: 'w', sk: '1' };
    await apply(key, 'first', 7);
    for (let i = 1; i < RECENT_EVENT_WINDOW; i++) await apply(key, `newer-${i}`);
    const before = await read(key);

    // Act + Assess: still recognised, nothing written.
    expect((await apply(key, 'first', 7)).outcome).toBe('duplicate');
    expect(await read(key)).toEqual(before);

    // One more newer event pushes it out of the window: the stated limit, RECENT_EVENT_WINDOW - 1 newer events.
    await apply(key, `newer-${RECENT_EVENT_WINDOW}`);
    expect((await apply(key, 'first', 7)).outcome).toBe('applied');
    expect(await versionOf(key)).toBe(RECENT_EVENT_WINDOW + 2);
  });

  it('recognises the ids of an item written before the digests, and keeps the newest of them as digests on its next write', async () => {
    // Prepare: an item as the previous version wrote it: up to 200 ids as text, newest first.
    const key = { pk: 'legacy', sk: '1' };
    const legacyIds = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(199 - i).padStart(12, '0')}`);
    await documents.send(new PutCommand({ TableName: tableName, Item: { ...key, count: 200, best: 1, version: 200, appliedEventIds: legacyIds } }));

    // Act + Assess: every id it lists is a duplicate, the item untouched.
    for (const id of [legacyIds[0]!, legacyIds[RECENT_EVENT_WINDOW]!, legacyIds[199]!]) expect((await apply(key, id)).outcome).toBe('duplicate');
    expect(await versionOf(key)).toBe(200);

    // A new event converts it: digests only, the new one first, then the newest legacy ids within the window.
    expect((await apply(key, 'new')).outcome).toBe('applied');
    const item = await read(key);
    expect(item).not.toHaveProperty('appliedEventIds');
    expect(item).toMatchObject({ count: 201, version: 201 });
    expect(item?.appliedEventDigests).toEqual(['new', ...legacyIds.slice(0, RECENT_EVENT_WINDOW - 1)].map(eventDigest));
    expect((await apply(key, legacyIds[RECENT_EVENT_WINDOW - 2]!)).outcome).toBe('duplicate');
    expect((await apply(key, 'new')).outcome).toBe('duplicate');
    expect(dynamoItemSize(item!)).toBeLessThanOrEqual(1024);
  });
});
