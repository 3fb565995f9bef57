import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedConsole, serveConsole } from '../helpers/serve';
import { createConsole } from '../../src/index';
import type { ConsoleExecution, ConsoleRuntime } from '../../src/server/runtime-seam';

const definition = JSON.parse(readFileSync(new URL('../fixtures/housekeeping.asl.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:HousekeepingStateMachine';

/** A runtime-shaped object with 10,000 executions (no AWS services behind it). */
function fakeRuntime(url: string): ConsoleRuntime {
  const executions = new Map<string, ConsoleExecution>();
  for (let i = 0; i < 10_000; i++) {
    const name = `exec-${String(i).padStart(5, '0')}`;
    const detailType = i % 10 === 0 ? 'GameBackend.GameCompleted' : 'GameBackend.LevelCompleted';
    executions.set(`${MACHINE}:${name}`.replace('stateMachine', 'execution'), {
      executionArn: `${MACHINE}:${name}`.replace('stateMachine', 'execution'),
      stateMachineArn: MACHINE,
      name,
      status: i % 7 === 0 ? 'FAILED' : 'SUCCEEDED',
      startDate: 1_700_000_000_000 + i,
      stopDate: 1_700_000_000_500 + i,
      input: JSON.stringify({ 'detail-type': detailType, detail: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, playerId: `player-${i % 100}` } }),
      history: { events: () => [] },
    });
  }
  return {
    url,
    model: {
      region: 'us-east-1',
      accountId: '000000000000',
      buses: [{ name: 'game-events', arn: 'arn:bus' }],
      rules: [{ name: 'HousekeepingRule', busName: 'game-events', enabled: true, pattern: { source: ['x'] }, targets: [{ id: 'T', arn: MACHINE, deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue', retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 60 } }] }],
      stateMachines: [{ name: 'HousekeepingStateMachine', arn: MACHINE, type: 'EXPRESS', definition }],
      functions: [],
      tables: [],
      queues: [{ name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' }],
    },
    stepFunctions: { executions, counters: { succeeded: 8571, failed: 1429, retries: 0 } },
    eventBridge: { counters: { putEntries: 10_000, matched: 10_000 } },
    queues: { list: () => [{ name: 'DeadLetterQueue', depth: 0 }], messages: () => [] },
    cloudWatch: { allDatapoints: () => [] },
    reloads: { recent: () => [{ at: 1_700_000_000_000, text: 'infra: rule HousekeepingRule pattern changed in 0.9 s (infra/src/gamekeeper-stack.ts changed)', ok: true }] },
  };
}

describe('the console handler', () => {
  let served: ServedConsole;
  let base: string;
  const handler = createConsole(fakeRuntime('http://127.0.0.1:1'));

  beforeAll(async () => {
    served = await serveConsole(handler);
    base = served.base;
  });
  afterAll(() => served.close());

  it('serves the page with a strict content security policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<script src="/console/app.js" defer></script>');
  });

  it('bundles the page with esbuild, under 300 KB of JavaScript gzip', async () => {
    const { js, css } = await handler.assets();
    expect(js.gzip.length).toBeLessThan(300 * 1024);
    expect(css.body.toString()).toContain('.uplot');
    const response = await fetch(`${base}/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });

  it('pages and filters 10,000 executions on the server, newest first', async () => {
    const started = performance.now();
    const first = (await (await fetch(`${base}/api/executions?limit=50`)).json()) as { total: number; executions: { name: string }[] };
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(first.total).toBe(10_000);
    expect(first.executions).toHaveLength(50);
    expect(first.executions[0]!.name).toBe('exec-09999');
    const filtered = (await (await fetch(`${base}/api/executions?status=FAILED&detailType=GameBackend.GameCompleted&player=player-70&offset=0`)).json()) as { total: number; executions: { name: string; playerId: string }[] };
    expect(filtered.total).toBeGreaterThan(0);
    for (const e of filtered.executions) expect(e.playerId).toBe('player-70');
    const byEvent = (await (await fetch(`${base}/api/executions?eventId=00000000-0000-4000-8000-000000000042`)).json()) as { executions: { name: string }[] };
    expect(byEvent.executions.map((e) => e.name)).toEqual(['exec-00042']);
  });

  it('serves the laid-out graph and the overview', async () => {
    const graph = (await (await fetch(`${base}/api/graph?name=HousekeepingStateMachine`)).json()) as { nodes: { id: string }[] };
    expect(graph.nodes.map((n) => n.id)).toContain('IsGameCompleted');
    expect((await fetch(`${base}/api/graph?name=nope`)).status).toBe(404);
    const overview = (await (await fetch(`${base}/api/overview`)).json()) as { counts: { events: Record<string, number>; executions: { byStatus: Record<string, number> } }; reloads: unknown[] };
    expect(overview.counts.events.putEntries).toBe(10_000);
    expect(overview.reloads).toEqual([{ at: 1_700_000_000_000, text: 'infra: rule HousekeepingRule pattern changed in 0.9 s (infra/src/gamekeeper-stack.ts changed)', ok: true }]);
    expect(overview.counts.executions.byStatus.FAILED).toBe(1429);
  });

  it('streams changes as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/event: change\ndata: \{"events"/);
    controller.abort();
  });

  it('is read-only and answers loopback names only', async () => {
    expect((await fetch(`${base}/api/overview`, { method: 'POST' })).status).toBe(405);
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}/api/overview`);
      import('node:http').then(({ request }) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example:80' } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on('error', reject);
        req.end();
      });
    });
    expect(rebound).toBe(403);
  });
});

describe('the front end source', () => {
  it('never writes markup from strings (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const dir = fileURLToPath(new URL('../../src/web', import.meta.url));
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/);
    }
  });
});
