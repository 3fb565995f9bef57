import { request } from 'node:http';
import { connect } from 'node:net';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { DetailType, EVENT_BUS_NAME, ErrorName } from '@gamekeeper/contracts';
import { createProducer } from '@gamekeeper/producer';
import { type HostileEvent, expressibleOn, hostileEnvelope, hostileEvents, lambdaContext, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from './stack';

/** A service handler called with whatever arrives: hostile input deliberately breaks its CompletionEvent type. */
type AnyInputHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
/** What raw PutEvents answered for one entry, or the error the whole request ended with. */
type PutEventsAnswer = { eventId?: string; errorCode?: string; requestError?: string };

// Every function the template defines, by its service package; imported only once its environment is set
// (each handler reads its table names and endpoint when its module loads).
const handlerModules: Record<string, () => Promise<{ handler: unknown }>> = {
  '@gamekeeper/report': () => import('@gamekeeper/report/handler'),
  '@gamekeeper/level-store': () => import('@gamekeeper/level-store/handler'),
  '@gamekeeper/game-store': () => import('@gamekeeper/game-store/handler'),
  '@gamekeeper/metric': () => import('@gamekeeper/metric/handler'),
};

let stack: Awaited<ReturnType<typeof startStack>>;
const table = hostileEvents();
const answers = new Map<string, PutEventsAnswer>();

beforeAll(async () => {
  stack = await startStack();
  // Raw PutEvents of every hostile event, one request each, as a misbehaving client would send them.
  for (const hostile of table) {
    const entry = { EventBusName: EVENT_BUS_NAME, Source: hostile.source, DetailType: hostile.detailType, Detail: hostile.detail };
    try {
      const { Entries = [] } = await stack.clients.eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
      answers.set(hostile.name, { eventId: Entries[0]?.EventId, errorCode: Entries[0]?.ErrorCode });
    } catch (error) {
      answers.set(hostile.name, { requestError: (error as Error).name });
    }
  }
  await stack.runtime.idle();
}, 120_000);
afterAll(() => stack?.stop());

const byName = (events: readonly HostileEvent[]) => events.map((e) => [e.name, e] as const);
const executionStartedBy = (envelopeId: string) =>
  [...stack.runtime.stepFunctions.executions.values()].find((e) => (JSON.parse(e.input) as { id?: string }).id === envelopeId);

/** Every table of the template is empty and CloudWatch holds no metric, asked through the real APIs. */
async function expectNothingRecorded(): Promise<void> {
  for (const { name } of stack.runtime.model.tables) {
    // The metric idempotency table too: contracts are parsed before any idempotency record is made.
    const { Count } = await stack.clients.dynamodb.send(new ScanCommand({ TableName: name, Select: 'COUNT' }));
    expect(Count, name).toBe(0);
  }
  const { Metrics = [] } = await stack.clients.cloudWatch.send(new ListMetricsCommand({}));
  expect(Metrics).toEqual([]);
  expect(stack.runtime.cloudWatch.allDatapoints()).toEqual([]);
}

describe('hostile events through raw PutEvents (the unmodified EventBridge client)', () => {
  it('the table has at least 30 cases', () => expect(table.length).toBeGreaterThanOrEqual(30));

  it.each(byName(table))('%s', async (_name, hostile) => {
    const answer = answers.get(hostile.name)!;
    const [outcome, detail = ''] = hostile.expect.putEvents.split(/:(.*)/);
    if (outcome === 'request-error') return expect(answer).toEqual({ requestError: detail });
    if (outcome === 'entry-error') return expect(answer).toEqual({ eventId: undefined, errorCode: detail });
    expect(answer).toEqual({ eventId: expect.any(String), errorCode: undefined });

    const execution = executionStartedBy(answer.eventId!);
    if (outcome === 'accepted-unmatched') return expect(execution).toBeUndefined();
    // Matched: the execution fails with the named, unretried error; the event is dead-lettered with it.
    expect(execution, 'an execution for the accepted event').toBeDefined();
    const described = await stack.clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution!.executionArn }));
    expect(described).toMatchObject({ status: 'FAILED', error: ErrorName.InvalidGameEvent });
    expect((JSON.parse(described.cause!) as { errorMessage: string }).errorMessage).toContain(hostile.expect.handler);
    const letters = stack.runtime.queues.list().flatMap((q) => stack.runtime.queues.messages(q.arn));
    const ours = letters.filter((m) => (JSON.parse(m.body) as { id?: string }).id === answer.eventId);
    expect(ours.map((m) => m.attributes.ERROR_CODE)).toEqual([ErrorName.InvalidGameEvent]);
  });

  it('recorded nothing: every table empty, no metric', expectNothingRecorded);
});

describe('hostile events handed straight to each of the four service handlers', () => {
  const handlers = new Map<string, AnyInputHandler>();
  /** The functions that take any gamekeeper event (the metric function also counts level reports). */
  const takesAnyGameEvent = new Set<string>();
  const envBefore = { ...process.env };

  beforeAll(async () => {
    // Configured as the template configures each function, against the same stack's endpoint.
    const local = { AWS_ENDPOINT_URL: stack.runtime.url, AWS_REGION: stack.runtime.model.region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT' };
    for (const fn of stack.runtime.model.functions) {
      const load = handlerModules[fn.servicePackage ?? ''];
      if (!load) throw new Error(`function ${fn.name} (package ${fn.servicePackage}) has no handler import in this test`);
      Object.assign(process.env, fn.environment, local);
      handlers.set(fn.name, (await load()).handler as AnyInputHandler);
      if (fn.servicePackage === '@gamekeeper/metric') takesAnyGameEvent.add(fn.name);
    }
  });
  afterAll(() => {
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  });

  it('loads all four', () => expect(handlers.size).toBe(Object.keys(handlerModules).length));

  // Cases whose detail is not JSON cannot reach a handler; the table says why.
  it.each(expressibleOn('handler').map(({ event, message }) => [event.name, event, message] as const))('%s', async (_name, hostile, message) => {
    for (const [name, handler] of handlers) {
      const error = await handler(hostileEnvelope(hostile), lambdaContext(name)).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name, name).toBe(ErrorName.InvalidGameEvent);
      expect(error?.message, name).toContain(takesAnyGameEvent.has(name) ? (hostile.expect.gameEventHandler ?? message) : message);
    }
  });

  it('recorded nothing: every table empty, no metric', expectNothingRecorded);
});

describe('malformed HTTP to the local endpoint', () => {
  const raw = (target: string | undefined, body: string | Buffer) =>
    new Promise<{ status: number; body: { __type?: string; message?: string } }>((resolve, reject) => {
      const req = request(stack.runtime.url, { method: 'POST', headers: { ...(target ? { 'x-amz-target': target } : {}), 'content-type': 'application/x-amz-json-1.1' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it.each([
    ['bad JSON', 'AWSEvents.PutEvents', '{"Entries": [', 400, 'SerializationException'],
    ['an unknown target', 'AWSNothing.DoIt', '{}', 400, 'UnknownOperationException'],
    ['no target at all', undefined, '{}', 400, 'UnknownOperationException'],
    ['an unknown operation', 'AWSEvents.DeleteEverything', '{}', 400, 'UnknownOperationException'],
    ['a 2 MB body', 'AWSEvents.PutEvents', Buffer.alloc(2 * 1024 * 1024, 'x'), 413, 'RequestEntityTooLarge'],
  ] as const)('answers %s with an AWS-shaped error', async (_name, target, body, status, type) => {
    const response = await raw(target, body);
    expect(response.status).toBe(status);
    expect(response.body.__type).toBe(type);
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('survives a client that hangs up mid-body', async () => {
    const socket = connect(Number(new URL(stack.runtime.url).port), '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSEvents.PutEvents\r\nContent-Length: 1000\r\n\r\n{"Entr');
    socket.destroy();
    expect((await raw('AWSEvents.ListEventBuses', '{}')).status).toBe(200);
  });
});

describe('after all of it', () => {
  it('the runtime still serves: a valid level completion runs end to end and is recorded', async () => {
    const valid = levelCompleted({ playerId: 'still-serving' });
    const [result] = await createProducer({ client: stack.clients.eventBridge }).publish([{ detailType: DetailType.LevelCompleted, detail: valid.detail }]);
    await stack.runtime.idle();

    expect(result).toMatchObject({ status: 'sent', eventId: valid.detail.eventId });
    const execution = [...stack.runtime.stepFunctions.executions.values()].find(
      (e) => (JSON.parse(e.input) as { detail?: { eventId?: string } }).detail?.eventId === valid.detail.eventId,
    );
    expect(execution?.status).toBe('SUCCEEDED');
    const items = await Promise.all(stack.runtime.model.tables.map(({ name }) => stack.clients.dynamodb.send(new ScanCommand({ TableName: name }))));
    expect(items.flatMap((page) => page.Items ?? []).filter((item) => item.playerId?.S === valid.detail.playerId)).toHaveLength(1);
    expect(stack.runtime.cloudWatch.allDatapoints().length).toBeGreaterThan(0);
  });
});
