import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { createProducer } from '@gamekeeper/producer';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../src/commands/tables';
import { startStack } from './stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let stateMachineArn: string;

beforeAll(async () => {
  stack = await startStack();
  stateMachineArn = stack.runtime.model.stateMachines[0]!.arn;
}, 120_000);
afterAll(() => stack.stop());

const entry = (detailType: string, detail: unknown, source: string = Source.GameBackend): PutEventsRequestEntry => ({
  EventBusName: EVENT_BUS_NAME,
  Source: source,
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});
const putRaw = (...entries: PutEventsRequestEntry[]) => stack.clients.eventBridge.send(new PutEventsCommand({ Entries: entries }));
const itemsOf = async (table: string, playerId: string) => (await scanAll(stack.clients.documents, table)).filter((i) => i.playerId === playerId);
const executionsFor = async (eventId: string) => {
  const { executions = [] } = await stack.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
  const described = await Promise.all(executions.map((e) => stack.clients.sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))));
  return described.filter((d) => JSON.parse(d.input ?? '{}').detail?.eventId === eventId);
};

describe('the local stack, driven only through the AWS SDK', () => {
  it('runs a level completion through the whole housekeeping', async () => {
    // Prepare
    const event = levelCompleted({ playerId: 'e2e-level', gameId: 'e2e-game', level: 2, score: 640, stars: 3 });
    const unmatchedBefore = stack.runtime.eventBridge.counters.unmatched;

    // Act
    const [result] = await createProducer({ client: stack.clients.eventBridge }).publish([{ detailType: DetailType.LevelCompleted, detail: event.detail }]);
    await stack.runtime.idle();

    // Assess
    expect(result?.status).toBe('sent');
    const [execution] = await executionsFor(event.detail.eventId);
    expect(execution?.status).toBe('SUCCEEDED');
    const [report, level, metric] = JSON.parse(execution!.output!);
    expect(report).toMatchObject({ sourceEventId: event.detail.eventId, rating: 'S' });
    expect(level).toMatchObject({ outcome: 'applied', levelKey: 'e2e-game#00002' });
    expect(metric).toMatchObject({ namespace: 'Gamekeeper' });
    expect(await itemsOf('CompletedLevelTable', 'e2e-level')).toEqual([expect.objectContaining({ completions: 1, bestScore: 640, bestStars: 3 })]);
    expect(await itemsOf('CompletedGameTable', 'e2e-level')).toEqual([]);
    const { Metrics = [] } = await stack.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: 'Gamekeeper', Dimensions: [{ Name: 'GameId', Value: 'e2e-game' }] }));
    expect(Metrics.map((m) => m.MetricName)).toContain('LevelCompleted');
    // The report went out on the bus; its own rule hands it straight to the metric function, which
    // counts it by game and rating; nothing on the bus went unmatched.
    expect(stack.runtime.eventBridge.counters.unmatched).toBe(unmatchedBefore);
    const reports = await stack.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: 'Gamekeeper', MetricName: 'LevelReports', Dimensions: [{ Name: 'GameId', Value: 'e2e-game' }] }));
    expect(reports.Metrics?.map((m) => m.Dimensions)).toEqual([[{ Name: 'GameId', Value: 'e2e-game' }, { Name: 'Rating', Value: 'S' }]]);
  });

  it('routes a game completion to the CompletedGame table', async () => {
    const event = gameCompleted({ playerId: 'e2e-game-player' });
    await putRaw(entry(DetailType.GameCompleted, event.detail));
    await stack.runtime.idle();
    expect((await executionsFor(event.detail.eventId))[0]?.status).toBe('SUCCEEDED');
    expect(await itemsOf('CompletedGameTable', 'e2e-game-player')).toEqual([expect.objectContaining({ completions: 1, bestTotalScore: 187300 })]);
    expect(await itemsOf('CompletedLevelTable', 'e2e-game-player')).toEqual([]);
  });

  it('fails the execution of an invalid event with InvalidGameEvent, unretried, writes nothing, and dead-letters it', async () => {
    // Prepare: the producer would refuse this, so it goes in raw.
    const bad = { ...levelCompleted({ playerId: 'e2e-invalid', gameId: 'e2e-invalid-game' }).detail, score: -1 };

    // Act
    await putRaw(entry(DetailType.LevelCompleted, bad));
    await stack.runtime.idle();

    // Assess
    const [execution] = await executionsFor(bad.eventId);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidGameEvent' });
    expect(JSON.parse(execution!.cause!).errorMessage).toMatch(/detail\.score: Too small/);
    const { events = [] } = await stack.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: execution!.executionArn }));
    const lambdaTasks = events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'lambda');
    expect(lambdaTasks.length).toBeLessThanOrEqual(3);
    expect(await itemsOf('CompletedLevelTable', 'e2e-invalid')).toEqual([]);
    const { Metrics = [] } = await stack.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: 'Gamekeeper', Dimensions: [{ Name: 'GameId', Value: 'e2e-invalid-game' }] }));
    expect(Metrics).toEqual([]);
    // The event itself waits in the dead-letter queue, with the error and cause, for a fix and a redrive.
    const { QueueUrls = [] } = await stack.clients.sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls).toHaveLength(1);
    const { Messages = [] } = await stack.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: QueueUrls[0], MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    const letter = Messages.find((m) => JSON.parse(m.Body!).detail.eventId === bad.eventId);
    expect(letter?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('InvalidGameEvent');
    expect(JSON.parse(letter!.MessageAttributes!.ERROR_MESSAGE!.StringValue!).errorMessage).toMatch(/detail\.score: Too small/);
    expect(letter?.MessageAttributes?.EXECUTION_ARN?.StringValue).toBe(execution!.executionArn);
    await stack.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: QueueUrls[0], ReceiptHandle: letter!.ReceiptHandle }));
  });

  it('leaves the tables as after one delivery when events arrive twice and interleaved', async () => {
    // Prepare: the same four completions for a clean player and for a noisy one.
    const completions = (playerId: string) => [1, 1, 2, 3].map((level, i) => levelCompleted({ playerId, level, score: 100 * (i + 1), durationMs: 5000 - i }));
    const clean = completions('e2e-clean');
    const noisy = completions('e2e-noisy');
    const toEntry = (e: (typeof clean)[number]) => entry(DetailType.LevelCompleted, e.detail);

    // Act: clean once each; noisy twice each, interleaved, in separate PutEvents calls.
    await putRaw(...clean.map(toEntry));
    await putRaw(...[noisy[2]!, noisy[0]!, noisy[3]!].map(toEntry));
    await putRaw(...[noisy[0]!, noisy[1]!, noisy[2]!, noisy[1]!, noisy[3]!].map(toEntry));
    await stack.runtime.idle();

    // Assess
    const normalise = (items: Record<string, unknown>[]) =>
      items.map(({ playerId: _p, appliedEventDigests, version: _v, firstCompletedAt: _f, lastCompletedAt: _l, ...rest }) => ({ ...rest, applied: (appliedEventDigests as Uint8Array[]).length }));
    const noisyItems = await itemsOf('CompletedLevelTable', 'e2e-noisy');
    expect(normalise(noisyItems)).toEqual(normalise(await itemsOf('CompletedLevelTable', 'e2e-clean')));
    expect(noisyItems.find((i) => i.level === 1)).toMatchObject({ completions: 2, bestScore: 200 });
  });

  it('starts nothing for an event that matches no rule', async () => {
    const before = stack.runtime.stepFunctions.executions.size;
    const result = await putRaw(entry(DetailType.LevelCompleted, levelCompleted().detail, 'someone.else'));
    await stack.runtime.idle();
    expect(result.FailedEntryCount).toBe(0);
    expect(stack.runtime.stepFunctions.executions.size).toBe(before);
  });

  it('enforces PutEvents limits like AWS', async () => {
    const valid = entry(DetailType.LevelCompleted, levelCompleted().detail, 'e2e.limits');
    await expect(putRaw(...Array.from({ length: 11 }, () => valid))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(putRaw({ ...valid, Detail: JSON.stringify({ blob: 'x'.repeat(300 * 1024) }) })).rejects.toThrow(/over the limit/);
    const partial = await putRaw(valid, { ...valid, Detail: '{not json' }, { ...valid, Source: undefined });
    expect(partial.FailedEntryCount).toBe(2);
    expect(partial.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'InvalidArgument']);
  });

  it('answers StartSyncExecution and GetExecutionHistory with AWS shapes', async () => {
    const event = { ...levelCompleted({ playerId: 'e2e-sync' }), time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    const result = await stack.clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(event) }));
    expect(result.status).toBe('SUCCEEDED');
    const { events = [] } = await stack.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toEqual(expect.arrayContaining(['ParallelStateEntered', 'ChoiceStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited']));
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(events.every((e, i) => e.id === i + 1 && e.timestamp instanceof Date)).toBe(true);
  });
});
