import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedConsole, serveConsole } from '../helpers/serve';
import { type RedriveRequest, createConsole } from '../../src/index';
import type { ConsoleExecution, ConsoleRecentEvent, ConsoleRuntime } from '../../src/server/runtime-seam';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:Housekeeping';
const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:Housekeeping:e1';

/** A runtime-shaped object with two recent events (one matched, one not) and the dead letter of the first. */
function fakeRuntime(url: string): ConsoleRuntime {
  const event = (id: string, detailType: string) => ({ version: '0', id, source: 'gamekeeper.game-backend', 'detail-type': detailType, time: '2026-01-01T00:00:00Z', detail: { eventId: `ev-${id}`, playerId: 'p1' } });
  const recent: ConsoleRecentEvent[] = [
    { bus: 'game-events', event: event('2', 'Other'), receivedAt: 2, rules: [], deliveries: [] },
    { bus: 'game-events', event: event('1', 'GameBackend.LevelCompleted'), receivedAt: 1, rules: ['HousekeepingRule'], deliveries: [{ rule: 'HousekeepingRule', targetArn: MACHINE, outcome: 'delivered', attempts: 1, executionArns: [EXECUTION] }] },
  ];
  const execution: ConsoleExecution = { executionArn: EXECUTION, stateMachineArn: MACHINE, name: 'e1', status: 'FAILED', startDate: 1, stopDate: 2, input: '{}', history: { events: () => [] } };
  return {
    url,
    model: {
      region: 'us-east-1',
      accountId: '000000000000',
      buses: [{ name: 'game-events', arn: 'arn:bus' }],
      rules: [],
      stateMachines: [],
      functions: [],
      tables: [],
      queues: [{ name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' }],
    },
    stepFunctions: { executions: new Map([[EXECUTION, execution]]), counters: { succeeded: 0, failed: 1, retries: 0 } },
    eventBridge: { counters: {}, recent: (limit = Infinity) => recent.slice(0, limit) },
    queues: {
      list: () => [{ name: 'DeadLetterQueue', depth: 1 }],
      messages: () => [{ messageId: 'm1', body: JSON.stringify(event('1', 'GameBackend.LevelCompleted')), attributes: { ERROR_CODE: 'Lambda.ServiceException', EXECUTION_ARN: EXECUTION }, sentAt: 2, receiveCount: 0 }],
    },
    cloudWatch: { allDatapoints: () => [] },
  };
}

describe('the Events view and the redrive endpoint', () => {
  let served: ServedConsole;
  let base: string;
  const calls: RedriveRequest[] = [];
  const handler = createConsole(fakeRuntime('http://127.0.0.1:1'), { redrive: async (options) => (calls.push(options), { redriven: 1, received: 1 }) });

  beforeAll(async () => {
    served = await serveConsole(handler);
    base = served.base;
  });
  afterAll(() => served.close());

  /** A POST with exactly these headers (fetch would add and forbid some). */
  const post = (path: string, headers: Record<string, string>, body = '{}') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${base}${path}`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('lists recent events newest first, with the rule matched, the execution started and the dead letter', async () => {
    // Act
    const { available, events } = (await (await fetch(`${base}/api/events?limit=10`)).json()) as { available: boolean; events: Record<string, any>[] };

    // Assess
    expect(available).toBe(true);
    expect(events.map((e) => e.id)).toEqual(['2', '1']);
    expect(events[0]).toMatchObject({ rules: [], deliveries: [] });
    expect(events[0]!.deadLetter).toBeUndefined();
    expect(events[1]).toMatchObject({
      detailType: 'GameBackend.LevelCompleted',
      eventId: 'ev-1',
      rules: ['HousekeepingRule'],
      deliveries: [{ target: 'Housekeeping', outcome: 'delivered', executions: [{ executionArn: EXECUTION, name: 'e1', status: 'FAILED' }] }],
      deadLetter: { queue: 'DeadLetterQueue', messageId: 'm1', errorCode: 'Lambda.ServiceException' },
    });
  });

  it('says the page can redrive, and redrives one or all from the same origin only', async () => {
    // Prepare
    const dead = (await (await fetch(`${base}/api/dead-letters`)).json()) as { redrive: boolean };
    expect(dead.redrive).toBe(true);
    const host = new URL(base).host;
    const json = { host, 'content-type': 'application/json' };

    // Act + Assess: the page's own fetch (Sec-Fetch-Site), an old browser's Origin, then refusals.
    expect(await post('/api/redrive', { ...json, 'sec-fetch-site': 'same-origin', origin: 'null' }, '{"messageId":"m1"}')).toMatchObject({ status: 200, body: '{"redriven":1,"received":1}' });
    expect((await post('/api/redrive', { ...json, origin: `http://${host}` }, '{"all":true}')).status).toBe(200);
    expect(calls).toEqual([{ messageId: 'm1' }, { all: true }]);
    expect((await post('/api/redrive', { ...json, 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/api/redrive', { ...json, origin: 'http://127.0.0.1:9' })).status).toBe(403);
    expect((await post('/api/redrive', json)).status).toBe(403);
    expect((await post('/api/redrive', { ...json, host: 'evil.example', 'sec-fetch-site': 'same-origin' })).status).toBe(403);
    expect((await post('/api/redrive', { host, 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('/api/redrive', { ...json, 'sec-fetch-site': 'same-origin' }, '{"messageId":5}')).status).toBe(400);
    expect((await fetch(`${base}/api/redrive`)).status).toBe(405);
    expect(calls).toHaveLength(2);
  });

  it('answers 501 to a redrive when the runtime gave it none', async () => {
    const other = await serveConsole(createConsole(fakeRuntime('http://127.0.0.1:1')));
    const url = other.base;
    try {
      expect(((await (await fetch(`${url}/api/dead-letters`)).json()) as { redrive: boolean }).redrive).toBe(false);
      const response = await fetch(`${url}/api/redrive`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: '{}' });
      expect(response.status).toBe(501);
    } finally {
      await other.close();
    }
  });
});
