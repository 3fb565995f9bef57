import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrentUpdateConflict, applyOnce, eventDigest } from '../../src/index';

// Error paths only: the happy paths run against a real dynalite in test/integration.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(documents);
afterEach(() => mock.reset());

const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const input = (maxAttempts = 3) => ({
  client: documents,
  tableName: 'Counts',
  key: { pk: 'p1' },
  eventId: 'e1',
  reduce: (current: { count: number } | undefined) => ({ count: (current?.count ?? 0) + 1 }),
  maxAttempts,
  backoffMs: () => 0,
});

describe('applyOnce error paths', () => {
  it('re-reads and retries when another writer won the race', async () => {
    // Prepare: the first write loses (someone wrote version 2), the second wins.
    mock.on(GetCommand).resolvesOnce({ Item: { pk: 'p1', count: 1, version: 1, appliedEventIds: ['e0'] } }).resolves({ Item: { pk: 'p1', count: 2, version: 2, appliedEventIds: ['e9', 'e0'] } });
    mock.on(PutCommand).rejectsOnce(conflict()).resolves({});

    // Act
    const result = await applyOnce(input());

    // Assess
    expect(result.outcome).toBe('applied');
    expect(result.item).toMatchObject({ count: 3, version: 3, appliedEventDigests: ['e1', 'e9', 'e0'].map(eventDigest) });
    const puts = mock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.ExpressionAttributeValues)).toEqual([{ ':expected': 1 }, { ':expected': 2 }]);
  });

  it('gives up with a retryable ConcurrentUpdateConflict after maxAttempts lost races', async () => {
    mock.on(GetCommand).resolves({ Item: { pk: 'p1', count: 1, version: 1, appliedEventIds: [] } });
    mock.on(PutCommand).rejects(conflict());

    const outcome = applyOnce(input(3));

    await expect(outcome).rejects.toBeInstanceOf(ConcurrentUpdateConflict);
    await expect(outcome).rejects.toMatchObject({ name: 'ConcurrentUpdateConflict' });
    expect(mock.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('lets other DynamoDB errors through unchanged, without retrying', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    mock.on(GetCommand).resolves({});
    mock.on(PutCommand).rejects(throttled);

    await expect(applyOnce(input())).rejects.toBe(throttled);
    expect(mock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('creates a new item only if nobody created it first', async () => {
    mock.on(GetCommand).resolves({});
    mock.on(PutCommand).resolves({});

    await applyOnce(input());

    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      Item: { pk: 'p1', count: 1, version: 1, appliedEventDigests: [eventDigest('e1')] },
    });
  });
});
