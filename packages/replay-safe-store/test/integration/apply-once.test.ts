import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamo, createTable, startDynalite } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_EVENT_WINDOW, applyOnce } from '../../src/index';

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
    expect(await read(key)).toEqual({ ...key, count: 1, best: 10, version: 1, appliedEventIds: ['e1'] });
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
    expect(item?.appliedEventIds).toHaveLength(RECENT_EVENT_WINDOW);
    expect(item?.appliedEventIds[0]).toBe(`e${RECENT_EVENT_WINDOW + 4}`);
    expect((await apply(key, `e${RECENT_EVENT_WINDOW + 4}`)).outcome).toBe('duplicate');
  });
});
