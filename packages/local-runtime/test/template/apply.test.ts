import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime';
import { describeChanges, diffStackModels } from '../../src/template/apply';
import { type CfnTemplate, loadStackModel } from '../../src/template/model';

// A running stack moved onto new templates: what changed applies to what comes next, what was in flight
// finishes as it started, data stays, and a template that cannot run changes nothing.
const root = mkdtempSync(join(tmpdir(), 'apply-template-'));
const app = join(root, 'app');
const ECHO_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Echo';
const FLOW_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Flow';

function writePackage(name: string, handler: string) {
  const dir = join(root, 'services', name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@apply/${name}`, type: 'module', exports: { './handler': './src/handler.mjs' } }));
  writeFileSync(join(dir, 'src', 'handler.mjs'), handler);
  mkdirSync(join(app, 'node_modules', '@apply'), { recursive: true });
  symlinkSync(dir, join(app, 'node_modules', '@apply', name));
}

interface Shape {
  pattern?: unknown;
  tag?: string;
  greeting?: string;
  timeout?: number;
  memory?: number;
  other?: boolean;
  otherPackage?: string;
  itemsTable?: boolean;
  extraTable?: boolean;
  extraQueue?: boolean;
  route?: boolean;
  definition?: string;
}

const fn = (name: string, servicePackage: string, properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Metadata: { 'gamekeeper:servicePackage': servicePackage },
  Properties: { FunctionName: name, Timeout: 10, ...properties },
});
const table = (name: string) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: { TableName: name, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] },
});

/** The stack: a bus and a rule starting a state machine (Echo, then a Pass tagging the version), a table, a queue, an HTTP API. */
function templateOf(shape: Shape = {}): CfnTemplate {
  const definition =
    shape.definition ??
    JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: ECHO_ARN, Next: 'Tag' }, Tag: { Type: 'Pass', Result: shape.tag ?? 'v1', ResultPath: '$.version', End: true } } });
  return {
    Resources: {
      BusAB12CD34: { Type: 'AWS::Events::EventBus', Properties: { Name: 'game-events' } },
      RouteRuleAB12CD34: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: 'BusAB12CD34' },
          EventPattern: shape.pattern ?? { source: ['app'], 'detail-type': ['A'] },
          Targets: [{ Id: 'Flow', Arn: { Ref: 'FlowAB12CD34' }, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DlqAB12CD34', 'Arn'] } } }],
        },
      },
      FlowAB12CD34: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'Flow', DefinitionString: definition } },
      EchoFunctionAB12CD34: fn('Echo', '@apply/echo', { Timeout: shape.timeout ?? 10, MemorySize: shape.memory ?? 128, Environment: { Variables: { GREETING: shape.greeting ?? 'hello' } } }),
      ...(shape.other ? { OtherFunctionAB12CD34: fn('Other', shape.otherPackage ?? '@apply/other') } : {}),
      ...(shape.itemsTable === false ? {} : { ItemsTableAB12CD34: table('Items') }),
      ...(shape.extraTable ? { ExtraTableAB12CD34: table('Extra') } : {}),
      DlqAB12CD34: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'dlq' } },
      ...(shape.extraQueue ? { ExtraQueueAB12CD34: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'extra' } } } : {}),
      ApiAB12CD34: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
      EchoIntegrationAB12CD34: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'ApiAB12CD34' }, IntegrationType: 'AWS_PROXY', IntegrationUri: ECHO_ARN, PayloadFormatVersion: '2.0' } },
      ...(shape.route
        ? { EchoRouteAB12CD34: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'ApiAB12CD34' }, RouteKey: 'POST /echo', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'EchoIntegrationAB12CD34' }]] } } } }
        : {}),
    },
  };
}

let runtime: LocalRuntime;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  writePackage(
    'echo',
    `export const handler = async (event) => {
  const sleepMs = event?.detail?.sleepMs ?? event?.sleepMs ?? 0;
  if (sleepMs) await new Promise((resolve) => setTimeout(resolve, sleepMs));
  return { greeting: process.env.GREETING ?? null, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE };
};
`,
  );
  writePackage('other', 'export const handler = async () => ({ other: true });\n');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app' }));
  runtime = await startLocalRuntime({ template: templateOf(), resolveFunctionsFrom: app, port: 0, retryIntervalMs: 0, functionLogFile: '/dev/null' });
  dynamo = new DynamoDBClient({ endpoint: runtime.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 60_000);
afterAll(async () => {
  dynamo.destroy();
  await runtime.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Puts one event and answers the execution it started (undefined when no rule matched). */
async function put(detailType: string, detail: Record<string, unknown> = {}) {
  const before = new Set(runtime.stepFunctions.executions.keys());
  const { Entries } = runtime.eventBridge.putEvents([{ EventBusName: 'game-events', Source: 'app', DetailType: detailType, Detail: JSON.stringify(detail) }]);
  expect(Entries[0]).toHaveProperty('EventId');
  return [...runtime.stepFunctions.executions.values()].find((e) => !before.has(e.executionArn));
}
async function run(detailType: string, detail: Record<string, unknown> = {}) {
  const execution = await put(detailType, detail);
  await execution?.done;
  return execution && { status: execution.status, output: execution.output ? JSON.parse(execution.output) : undefined };
}

describe('applyTemplate: a running stack follows its template', () => {
  it('finds no difference in the same template and changes nothing', async () => {
    expect(diffStackModels(runtime.model, loadStackModel(templateOf()))).toEqual({ changes: [], warnings: [] });
    expect(await runtime.applyTemplate(templateOf())).toEqual({ changes: [], warnings: [] });
    expect(await run('A')).toEqual({ status: 'SUCCEEDED', output: { greeting: 'hello', memory: '128', version: 'v1' } });
  });

  it('matches events put after a pattern change with the new pattern', async () => {
    const update = await runtime.applyTemplate(templateOf({ pattern: { source: ['app'], 'detail-type': ['B'] } }));

    expect(describeChanges(update.changes)).toBe('rule RouteRule pattern changed');
    expect(await put('A')).toBeUndefined();
    expect(await run('B')).toMatchObject({ status: 'SUCCEEDED' });
    expect(runtime.model.rules[0]!.pattern).toEqual({ source: ['app'], 'detail-type': ['B'] });
  });

  it('runs new executions on a new definition while a running one finishes on the definition it started with', async () => {
    const inFlight = await put('B', { sleepMs: 600 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const update = await runtime.applyTemplate(templateOf({ pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2' }));
    const after = await run('B');
    await inFlight!.done;

    expect(describeChanges(update.changes)).toBe('state machine Flow updated');
    expect(JSON.parse(inFlight!.output!)).toMatchObject({ version: 'v1' });
    expect(after).toMatchObject({ status: 'SUCCEEDED', output: { version: 'v2' } });
  });

  it("gives a function's next invocations its new environment, memory and timeout; one in flight keeps the old", async () => {
    const inFlight = runtime.functions.invoke('Echo', { sleepMs: 600 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const update = await runtime.applyTemplate(templateOf({ pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2', greeting: 'bonjour', memory: 256, timeout: 1 }));

    expect(describeChanges(update.changes)).toBe('function Echo environment changed (GREETING), timeout 10 s → 1 s, memory 128 → 256 MB');
    expect(await inFlight).toEqual({ greeting: 'hello', memory: '128' });
    expect(await runtime.functions.invoke('Echo', {})).toEqual({ greeting: 'bonjour', memory: '256' });
    await expect(runtime.functions.invoke('Echo', { sleepMs: 1500 })).rejects.toThrow(/Task timed out after 1.00 seconds/);
    expect(runtime.functions.find('Echo')?.model.environment).toEqual({ GREETING: 'bonjour' });
  });

  it('starts a new function and stops a removed one', async () => {
    const shape: Shape = { pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2', greeting: 'bonjour' };
    const added = await runtime.applyTemplate(templateOf({ ...shape, other: true }));
    expect(added.changes).toContainEqual({ kind: 'function', name: 'Other', change: 'added', details: [] });
    expect(await runtime.functions.invoke('Other', {})).toEqual({ other: true });

    const removed = await runtime.applyTemplate(templateOf(shape));
    expect(removed.changes).toContainEqual({ kind: 'function', name: 'Other', change: 'removed', details: [] });
    await expect(runtime.functions.invoke('Other', {})).rejects.toThrow(/Function not found/);
  });

  it('creates new tables and queues, keeps the items of existing tables, and keeps a removed table with a warning', async () => {
    const shape: Shape = { pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2', greeting: 'bonjour' };
    await dynamo.send(new PutItemCommand({ TableName: 'Items', Item: { id: { S: 'kept' } } }));

    const grown = await runtime.applyTemplate(templateOf({ ...shape, extraTable: true, extraQueue: true }));
    expect(describeChanges(grown.changes)).toBe('table Extra created, queue extra created');
    expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toEqual(expect.arrayContaining(['Items', 'Extra']));
    expect(runtime.queues.send('extra', 'hello').body).toBe('hello');
    expect((await dynamo.send(new GetItemCommand({ TableName: 'Items', Key: { id: { S: 'kept' } } }))).Item).toEqual({ id: { S: 'kept' } });

    const shrunk = await runtime.applyTemplate(templateOf({ ...shape, extraTable: true, extraQueue: true, itemsTable: false }));
    expect(shrunk.warnings).toEqual(['table Items is no longer in the template: it is kept, with its items, while the runtime runs']);
    expect((await dynamo.send(new GetItemCommand({ TableName: 'Items', Key: { id: { S: 'kept' } } }))).Item).toEqual({ id: { S: 'kept' } });
    expect(runtime.model.tables.map((t) => t.name)).toEqual(['Extra']);
  });

  it('routes HTTP API requests by the new routes', async () => {
    const shape: Shape = { pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2', greeting: 'bonjour', extraTable: true, extraQueue: true, itemsTable: false };
    const post = () => fetch(`${runtime.url}/_aws/execute-api/api/echo`, { method: 'POST', body: '{}' });
    expect((await post()).status).toBe(404);

    const update = await runtime.applyTemplate(templateOf({ ...shape, route: true }));

    expect(describeChanges(update.changes)).toBe('HTTP API api routes changed');
    const answer = await post();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ greeting: 'bonjour', memory: '128' });
  });

  it('changes nothing when the template cannot run: a pattern PutRule refuses, an invalid definition, a new function without code', async () => {
    const running = { pattern: { source: ['app'], 'detail-type': ['B'] }, tag: 'v2', greeting: 'bonjour', extraTable: true, extraQueue: true, itemsTable: false, route: true };
    const model = runtime.model;

    await expect(runtime.applyTemplate(templateOf({ ...running, greeting: 'hola', pattern: { source: [{ prefix: 1 }] } }))).rejects.toThrow(/Rule RouteRule: Event pattern is not valid/);
    await expect(runtime.applyTemplate(templateOf({ ...running, greeting: 'hola', definition: '{"StartAt":"Nowhere","States":{}}' }))).rejects.toThrow(/State machine Flow: invalid definition/);
    await expect(runtime.applyTemplate(templateOf({ ...running, greeting: 'hola', other: true, otherPackage: '@apply/missing' }))).rejects.toThrow(/@apply\/missing/);

    expect(runtime.model).toBe(model);
    expect(await runtime.functions.invoke('Echo', {})).toEqual({ greeting: 'bonjour', memory: '128' });
    expect(runtime.functions.find('Other')).toBeUndefined();
    expect(await run('B')).toMatchObject({ status: 'SUCCEEDED', output: { greeting: 'bonjour', version: 'v2' } });

    // The next good template applies.
    const update = await runtime.applyTemplate(templateOf({ ...running, greeting: 'hola' }));
    expect(describeChanges(update.changes)).toBe('function Echo environment changed (GREETING)');
    expect(await run('B')).toMatchObject({ status: 'SUCCEEDED', output: { greeting: 'hola' } });
  });
});
