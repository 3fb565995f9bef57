import { request } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DetailType, EVENT_BUS_NAME } from '@gamekeeper/contracts';
import { createProducer } from '@gamekeeper/producer';
import { type HostileEvent, hostileEnvelope, hostileEvents, lambdaContext, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from './stack';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let stack: Awaited<ReturnType<typeof startStack>>;
const table = hostileEvents();
const outcomes = new Map<string, { eventId?: string; errorCode?: string; requestError?: string }>();

beforeAll(async () => {
  stack = await startStack();
  // Raw PutEvents of every hostile event, one request each, as a misbehaving client would send them.
  for (const hostile of table) {
    try {
      const { Entries = [] } = await stack.clients.eventBridge.send(
        new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: hostile.source, DetailType: hostile.detailType, Detail: hostile.detail }] }),
      );
      outcomes.set(hostile.name, { ...(Entries[0]?.EventId ? { eventId: Entries[0].EventId } : {}), ...(Entries[0]?.ErrorCode ? { errorCode: Entries[0].ErrorCode } : {}) });
    } catch (error) {
      outcomes.set(hostile.name, { requestError: (error as Error).name });
    }
  }
  await stack.runtime.idle();
}, 180_000);
afterAll(() => stack.stop());

const byPath = (path: keyof HostileEvent['expect'], skip: string) => table.filter((e) => e.expect[path] !== skip).map((e) => [e.name, e] as const);
const executionOf = (envelopeId: string) => [...stack.runtime.stepFunctions.executions.values()].find((e) => JSON.parse(e.input).id === envelopeId);

describe('hostile input through raw PutEvents (the runtime answers like EventBridge, then the handlers refuse it)', () => {
  it('has at least 30 cases', () => expect(table.length).toBeGreaterThanOrEqual(30));

  it.each(table.map((e) => [e.name, e] as const))('%s', (_name, hostile) => {
    const outcome = outcomes.get(hostile.name)!;
    const expected = hostile.expect.putEvents;
    if (expected.startsWith('request-error:')) return expect(outcome.requestError).toBe(expected.slice('request-error:'.length));
    if (expected.startsWith('entry-error:')) return expect(outcome.errorCode).toBe(expected.slice('entry-error:'.length));
    expect(outcome.eventId).toBeDefined();
    const execution = executionOf(outcome.eventId!);
    if (expected === 'accepted-unmatched') return expect(execution).toBeUndefined();
    // Matched: the execution fails with the named error, unretried, and the event is dead-lettered.
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidGameEvent' });
    expect(JSON.parse(execution!.cause!).errorMessage).toContain(hostile.expect.handler);
    const letters = stack.runtime.queues.list().flatMap((q) => stack.runtime.queues.messages(q.arn));
    expect(letters.filter((m) => JSON.parse(m.body).id === outcome.eventId).map((m) => m.attributes.ERROR_CODE)).toEqual(['InvalidGameEvent']);
  });
});

describe('hostile input handed straight to each of the four handlers', () => {
  const handlers = new Map<string, Handler>();
  beforeAll(async () => {
    // The handlers in this process, configured as the template configures them, against the same stack.
    for (const fn of stack.runtime.model.functions) Object.assign(process.env, fn.environment);
    Object.assign(process.env, { AWS_ENDPOINT_URL: stack.runtime.url, AWS_REGION: stack.runtime.model.region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const require = createRequire(new URL('../../../../infra/package.json', import.meta.url));
    for (const pkg of ['@gamekeeper/report', '@gamekeeper/level-store', '@gamekeeper/game-store', '@gamekeeper/metric']) {
      handlers.set(pkg, ((await import(require.resolve(`${pkg}/handler`))) as { handler: Handler }).handler);
    }
  });

  it.each(byPath('handler', 'unreachable'))('%s', async (_name, hostile) => {
    for (const [pkg, handler] of handlers) {
      const error = await handler(hostileEnvelope(hostile), lambdaContext(pkg)).then(() => undefined, (e: Error) => e);
      expect(error?.name, pkg).toBe('InvalidGameEvent');
      expect(error?.message, pkg).toContain(hostile.expect.handler);
    }
  });
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
  it('nothing was written, and the runtime still serves a valid completion end to end', async () => {
    for (const tableModel of stack.runtime.model.tables) {
      const { Count } = await stack.clients.dynamodb.send(new ScanCommand({ TableName: tableModel.name, Select: 'COUNT' }));
      // The metric idempotency table may hold nothing either: contracts are parsed before any record is made.
      expect(Count, tableModel.name).toBe(0);
    }
    expect(stack.runtime.cloudWatch.allDatapoints()).toEqual([]);

    const valid = levelCompleted({ playerId: 'still-serving' });
    const [result] = await createProducer({ client: stack.clients.eventBridge }).publish([{ detailType: DetailType.LevelCompleted, detail: valid.detail }]);
    await stack.runtime.idle();
    expect(result?.status).toBe('sent');
    expect([...stack.runtime.stepFunctions.executions.values()].find((e) => JSON.parse(e.input).detail?.eventId === valid.detail.eventId)?.status).toBe('SUCCEEDED');
  });
});
