import { FilterLogEventsCommand, CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient, ListFunctionsCommand, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { DetailType, Source } from '@gamekeeper/contracts';
import { levelCompleted } from '@gamekeeper/testing';
import * as cloudWatchQuery from 'cloudwatch-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../src/commands/tables';
import { startStack } from './stack';

// The same stack `npm start` runs, through clients a team would point at it: the Lambda API to run one
// function package alone, CloudWatch Logs to read what it logged, and a CloudWatch client from before the
// SDK's JSON switch (the Query protocol, as the AWS CLI v1 and older clients speak it).
let stack: Awaited<ReturnType<typeof startStack>>;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
const config = () => ({ endpoint: stack.runtime.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

beforeAll(async () => {
  stack = await startStack();
  lambda = new LambdaClient(config());
  logs = new CloudWatchLogsClient(config());
}, 120_000);
afterAll(async () => {
  lambda.destroy();
  logs.destroy();
  await stack.stop();
});

const levelStoreFunction = () => stack.runtime.model.functions.find((f) => f.servicePackage === '@gamekeeper/level-store')!;

describe('one function alone, its logs, and the Query protocol, on the stack npm start runs', () => {
  it('lists the template functions and runs the level store alone, with the tables of the flow', async () => {
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    expect(Functions.map((f) => f.FunctionName).sort()).toEqual(stack.runtime.model.functions.filter((f) => f.servicePackage).map((f) => f.name).sort());

    const event = levelCompleted({ playerId: 'alone-1', gameId: 'alone-game', level: 4, score: 900 });
    const answer = await lambda.send(new InvokeCommand({ FunctionName: levelStoreFunction().name, Payload: JSON.stringify(event), LogType: 'Tail' }));
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ outcome: 'applied', playerId: 'alone-1', completions: 1 });
    expect(Buffer.from(answer.LogResult!, 'base64').toString()).toMatch(/REPORT RequestId: /);
    const table = stack.runtime.model.tables.find((t) => t.name.startsWith('CompletedLevel'))!.name;
    expect((await scanAll(stack.clients.documents, table)).filter((i) => i.playerId === 'alone-1')).toHaveLength(1);
  });

  it('answers a function error as Lambda does, and a function that is not in the template with ResourceNotFound', async () => {
    const answer = await lambda.send(new InvokeCommand({ FunctionName: levelStoreFunction().name, Payload: JSON.stringify({ detail: { score: -1 } }) }));
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(answer.Payload!).toString()).errorType).toBe('InvalidGameEvent');
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'NoSuchFunction', Payload: '{}' }))).rejects.toThrow(ResourceNotFoundException);
  });

  it("keeps each function's log group, searchable by the event id (the correlation id)", async () => {
    const event = levelCompleted({ playerId: 'alone-logs', gameId: 'alone-game', level: 5, score: 10 });
    await lambda.send(new InvokeCommand({ FunctionName: levelStoreFunction().name, Payload: JSON.stringify(event) }));
    const group = levelStoreFunction().logGroupName!;
    const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups.map((g) => g.logGroupName)).toContain(group);
    const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: `{ $.correlation_id = "${event.detail.eventId}" }` }));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => JSON.parse(e.message!).correlation_id === event.detail.eventId)).toBe(true);
  });

  it('serves CloudWatch over the Query protocol with the same metrics the JSON clients see', async () => {
    const event = levelCompleted({ playerId: 'alone-metrics', gameId: 'query-game', level: 1, score: 5 });
    await stack.clients.eventBridge.send(
      new (await import('@aws-sdk/client-eventbridge')).PutEventsCommand({ Entries: [{ EventBusName: 'game-events', Source: Source.GameBackend, DetailType: DetailType.LevelCompleted, Detail: JSON.stringify(event.detail) }] }),
    );
    await stack.runtime.idle();
    const client = new cloudWatchQuery.CloudWatchClient(config());
    const viaQuery = await client.send(new cloudWatchQuery.ListMetricsCommand({ Dimensions: [{ Name: 'GameId', Value: 'query-game' }] }));
    client.destroy();
    const viaJson = await stack.clients.cloudWatch.send(new (await import('@aws-sdk/client-cloudwatch')).ListMetricsCommand({ Dimensions: [{ Name: 'GameId', Value: 'query-game' }] }));
    expect(viaQuery.Metrics?.length).toBeGreaterThan(0);
    expect(viaQuery.Metrics).toEqual(viaJson.Metrics);
  });

  it('lists what the endpoint emulates at GET /', async () => {
    const { emulated } = (await (await fetch(`${stack.runtime.url}/`)).json()) as { emulated: { service: string; operations: string[] }[] };
    expect(emulated.map((e) => e.service).sort()).toEqual(['CloudWatch', 'CloudWatch Logs', 'EventBridge', 'Lambda', 'SQS', 'Step Functions']);
    expect(emulated.find((e) => e.service === 'Lambda')?.operations).toContain('Invoke');
  });
});
