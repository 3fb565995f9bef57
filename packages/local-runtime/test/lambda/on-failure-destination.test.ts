import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEdgeServer } from '../../src/edge/server';
import { EventBridgeService } from '../../src/eventbridge/service';
import { targetDispatch } from '../../src/eventbridge/target-dispatch';
import { FaultInjector } from '../../src/faults/faults';
import { createLambdaApi } from '../../src/lambda/api';
import { LocalFunctions } from '../../src/lambda/functions';
import { QueueStore } from '../../src/sqs/queues';
import type { StepFunctionsService } from '../../src/stepfunctions/service';
import { diffStackModels } from '../../src/template/apply';
import { type CfnTemplate, loadStackModel } from '../../src/template/model';

// A function alone on a rule (EventBridge invokes it asynchronously), with an on-failure destination: the
// template's dead-letter queue, through AWS::Lambda::EventInvokeConfig. A second function has none.
const scope = { region: 'us-east-1', accountId: '000000000000' };
const handlerFile = fileURLToPath(new URL('./fixtures/flaky-handler.mjs', import.meta.url));
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue';
const METRIC_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:MetricFunction';

const ruleTo = (fn: string, source: string) => ({
  Type: 'AWS::Events::Rule',
  Properties: {
    EventBusName: { Ref: 'GameEventsBus12345678' },
    EventPattern: { source: [source] },
    State: 'ENABLED',
    Targets: [
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 12, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue9F481546', 'Arn'] } },
      },
    ],
  },
});
const fn = { Type: 'AWS::Lambda::Function', Metadata: { 'gamekeeper:servicePackage': '@test/flaky' }, Properties: { Runtime: 'nodejs22.x', Timeout: 3 } };

const template: CfnTemplate = {
  Resources: {
    GameEventsBus12345678: { Type: 'AWS::Events::EventBus', Properties: { Name: 'game-events' } },
    DeadLetterQueue9F481546: { Type: 'AWS::SQS::Queue', Properties: {} },
    MetricFunctionC7B196D7: fn,
    CounterFunctionAABBCCDD: fn,
    MetricFunctionEventInvokeConfig4078C33A: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'MetricFunctionC7B196D7' },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue9F481546', 'Arn'] } } },
      },
    },
    ReportMetricRuleAB12CD34: ruleTo('MetricFunctionC7B196D7', 'gamekeeper.report'),
    CounterRuleAB12CD34: ruleTo('CounterFunctionAABBCCDD', 'counter'),
  },
};

let functions: LocalFunctions;
let queues: QueueStore;
let bus: EventBridgeService;
let edge: ReturnType<typeof createEdgeServer>;
let lambda: LambdaClient;

beforeAll(async () => {
  const model = loadStackModel(template, scope);
  // One execution environment, so the handler's attempt count per event is the function's.
  functions = await LocalFunctions.start({
    functions: model.functions,
    resolveFunctionsFrom: '/',
    bundleDir: '/',
    environment: {},
    maxConcurrency: 1,
    faults: new FaultInjector(),
    codeOf: async () => ({ outfile: handlerFile, inputs: [handlerFile] }),
    onOutput: () => undefined,
  });
  queues = new QueueStore(model.queues);
  const sendToDestination = (arn: string, record: string) => {
    if (!queues.find(arn)) return false;
    queues.send(arn, record);
    return true;
  };
  bus = new EventBridgeService({
    ...scope,
    buses: model.buses,
    rules: model.rules,
    deliver: targetDispatch({ stepFunctions: {} as StepFunctionsService, functions, faults: new FaultInjector(), sendToDestination }),
    deadLetter: (arn, body, attributes) => queues.send(arn, body, attributes),
  });
  edge = createEdgeServer({ services: [] });
  edge.mount('/2015-03-31/functions', createLambdaApi({ functions, ...scope, sendToDestination }));
  await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
  lambda = new LambdaClient({ endpoint: url, region: scope.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
});
afterAll(async () => {
  lambda.destroy();
  await functions.close();
  edge.closeAllConnections();
  await new Promise<void>((resolve) => edge.close(() => resolve()));
  bus.close();
  queues.close();
});
beforeEach(() => queues.purge(QUEUE_ARN));

const invocations = (name: string) => functions.counters.byFunction[name]?.invocations ?? 0;

async function publish(source: string, detail: Record<string, unknown>) {
  const result = bus.putEvents([{ EventBusName: 'game-events', Source: source, DetailType: 'Report.LevelReportGenerated', Detail: JSON.stringify(detail) }]);
  expect(result.FailedEntryCount).toBe(0);
  await bus.idle();
}

describe('the template model', () => {
  it('reads AWS::Lambda::EventInvokeConfig onto the function it configures (by its Ref), and no other', () => {
    const model = loadStackModel(template, scope);
    const byName = Object.fromEntries(model.functions.map((f) => [f.name, f]));
    expect(byName.MetricFunction!.asyncInvoke).toEqual({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600, onFailure: QUEUE_ARN });
    expect(byName.CounterFunction!.asyncInvoke).toBeUndefined();
  });
});

describe('an asynchronous invocation through a rule target, with an on-failure destination', () => {
  it('retries a function error twice, then sends exactly one invocation record, in AWS’s shape, to the queue', async () => {
    // Act
    const before = invocations('MetricFunction');
    await publish('gamekeeper.report', { eventId: 'always-fails', failures: 99 });

    // Assess: three attempts, one record: the event as requestPayload, the error as responsePayload.
    expect(invocations('MetricFunction') - before).toBe(3);
    const messages = queues.messages(QUEUE_ARN);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.attributes).toEqual({});
    const record = JSON.parse(messages[0]!.body);
    expect(Object.keys(record)).toEqual(['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { functionArn: `${METRIC_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { source: 'gamekeeper.report', 'detail-type': 'Report.LevelReportGenerated', detail: { eventId: 'always-fails', failures: 99 } },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'ProvisionedThroughputExceededException', errorMessage: 'attempt 3 at always-fails failed' },
    });
    expect(record.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
    expect(record.requestPayload).toHaveProperty('id');
    expect(record.requestPayload).toHaveProperty('time');
  });

  it('sends nothing when a retry succeeds', async () => {
    const before = invocations('MetricFunction');
    await publish('gamekeeper.report', { eventId: 'fails-once', failures: 1 });
    expect(invocations('MetricFunction') - before).toBe(2);
    expect(queues.messages(QUEUE_ARN)).toHaveLength(0);
  });

  it('drops the event, as before, when the function has no on-failure destination', async () => {
    const before = invocations('CounterFunction');
    await publish('counter', { eventId: 'counter-fails', failures: 99 });
    expect(invocations('CounterFunction') - before).toBe(3);
    expect(queues.messages(QUEUE_ARN)).toHaveLength(0);
  });
});

describe('Invoke with InvocationType Event, through the real Lambda client', () => {
  it('retries a function error and sends the invocation record, with the invocation’s request id, to the on-failure destination', async () => {
    // Act
    const result = await lambda.send(
      new InvokeCommand({ FunctionName: 'MetricFunction', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ detail: { eventId: 'api-fails', failures: 99 } })) }),
    );

    // Assess
    expect(result.StatusCode).toBe(202);
    await expect.poll(() => queues.messages(QUEUE_ARN).length, { timeout: 5_000 }).toBe(1);
    const record = JSON.parse(queues.messages(QUEUE_ARN)[0]!.body);
    expect(record).toMatchObject({
      requestContext: { requestId: result.$metadata.requestId, functionArn: `${METRIC_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { detail: { eventId: 'api-fails', failures: 99 } },
      responsePayload: { errorType: 'ProvisionedThroughputExceededException' },
    });
  });
});

describe('a template update', () => {
  it('carries the asynchronous invocation settings to the running function, and says so', async () => {
    // Prepare: the same stack, the metric function's retries down to none.
    const config = template.Resources.MetricFunctionEventInvokeConfig4078C33A!;
    const next: CfnTemplate = {
      Resources: { ...template.Resources, MetricFunctionEventInvokeConfig4078C33A: { ...config, Properties: { ...config.Properties, MaximumRetryAttempts: 0 } } },
    };
    const before = loadStackModel(template, scope);
    const after = loadStackModel(next, scope);

    // Act
    (await functions.prepareFunctions(after.functions))();
    const invoked = invocations('MetricFunction');
    await publish('gamekeeper.report', { eventId: 'after-update', failures: 99 });

    // Assess
    expect(diffStackModels(before, after).changes).toEqual([
      { kind: 'function', name: 'MetricFunction', change: 'updated', details: ['asynchronous invocation changed (retries, event age, destinations)'] },
    ]);
    expect(invocations('MetricFunction') - invoked).toBe(1);
    expect(JSON.parse(queues.messages(QUEUE_ARN)[0]!.body).requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
  });
});
