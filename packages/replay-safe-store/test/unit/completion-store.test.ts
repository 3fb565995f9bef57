import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DetailType, type LevelCompletedDetail } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { completionStore, eventDigest } from '../../src/index';

// The factory's own behaviour (guard, key, fold, summary) with the client mocked; both stores run it
// against a real dynalite in their integration tests.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(documents);
afterEach(() => mock.reset());

const scores = completionStore({
  subject: 'score',
  detailType: DetailType.LevelCompleted,
  key: (detail: LevelCompletedDetail) => ({ playerId: detail.playerId, level: String(detail.level) }),
  reduce: (current: { total: number } | undefined, detail: LevelCompletedDetail) => ({ total: (current?.total ?? 0) + detail.score }),
  summarize: (item) => ({ total: item.total }),
});

describe('completionStore', () => {
  it('refuses the other detail-type with InvalidGameEvent before touching the table', async () => {
    await expect(scores.record(gameCompleted(), { client: documents, tableName: 'Scores' })).rejects.toMatchObject({
      name: 'InvalidGameEvent',
      message: `Invalid game event: detail-type: the score store records ${DetailType.LevelCompleted} only, got ${DetailType.GameCompleted}`,
    });
    expect(mock.calls()).toHaveLength(0);
  });

  it('applies the completion to its key once and answers the outcome, the key and the summary', async () => {
    // Prepare
    const event = levelCompleted({ playerId: 'p1', level: 4, score: 30 });
    mock.on(GetCommand).resolves({ Item: { playerId: 'p1', level: '4', total: 12, version: 1, appliedEventIds: ['e0'] } });
    mock.on(PutCommand).resolves({});

    // Act
    const result = await scores.record(event, { client: documents, tableName: 'Scores' });

    // Assess
    expect(result).toEqual({ outcome: 'applied', playerId: 'p1', level: '4', total: 42 });
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ TableName: 'Scores', Key: { playerId: 'p1', level: '4' } });
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({ playerId: 'p1', level: '4', total: 42, version: 2, appliedEventDigests: [event.detail.eventId, 'e0'].map(eventDigest) });
  });

  it('answers duplicate with the stored summary for an event the item already has', async () => {
    const event = levelCompleted({ playerId: 'p1', level: 4 });
    mock.on(GetCommand).resolves({ Item: { playerId: 'p1', level: '4', total: 12, version: 1, appliedEventIds: [event.detail.eventId] } });

    await expect(scores.record(event, { client: documents, tableName: 'Scores' })).resolves.toEqual({ outcome: 'duplicate', playerId: 'p1', level: '4', total: 12 });
    expect(mock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('names what it records in the message a handler logs', () => {
    expect(scores.recordedMessage).toBe('score completion recorded');
  });
});
