// `npm run bench [-- --events N --concurrency C]`: throughput and latency of the local stack end to end
// (PutEvents → execution succeeded, through real SDK clients) against a baseline that calls the four
// handlers directly on the same DynamoDB/CloudWatch/EventBridge, with the same environment (they log as
// in the flow; the baseline discards the lines where the flow writes them to a file). Also `gamekeeper
// start` as a user runs it: time until the endpoint answers, and its memory once the sample session is
// done. Prints numbers; asserts nothing.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { type CompletionEvent, DetailType, sourceByType } from '@gamekeeper/contracts';
import { IDLE_ENVIRONMENT_MS, startLocalRuntime } from '@gamekeeper/local-runtime';
import { createProducer } from '@gamekeeper/producer';
import { awsClients } from '../src/clients';
import { type SessionEvent, sessionEvents } from '../src/session';
import { loadGamekeeperStack } from '../src/synth';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: String(Math.max(2, availableParallelism())) }, rounds: { type: 'string', default: '3' }, 'skip-start': { type: 'boolean', default: false } },
});
const total = Number(values.events);
const concurrency = Number(values.concurrency);
const rounds = Math.max(1, Number(values.rounds));

interface Figures {
  events: number;
  failed: number;
  seconds: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the whole process (every thread) per event: what the 2 cores actually spend. */
  cpuMsPerEvent: number;
}

function figures(latencies: number[], ms: number, failed: number, cpu: NodeJS.CpuUsage): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { events: latencies.length, failed, seconds: ms / 1000, eventsPerSecond: (latencies.length / ms) * 1000, p50: at(50), p99: at(99), cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length) };
}

const session = (seed: number) => sessionEvents(seed, total);

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** `gamekeeper start` in its own process: ms until the endpoint answers, and its RSS once the sample session is done. */
async function startAsAUserDoes(): Promise<{ readyMs: number; rssAfterSampleMb: number; idleRssMb: number }> {
  const bin = fileURLToPath(new URL('../bin/gamekeeper.mjs', import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let readyMs = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!readyMs && /local runtime ready in/.test(output)) readyMs = performance.now() - started;
      if (/serving; press Ctrl-C/.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`gamekeeper start exited (${code}):\n${output}`)));
  });
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssAfterSampleMb = rssMb();
  // Idle: long enough for the execution environments the session's bursts added to shut down, as on Lambda.
  await new Promise((resolve) => setTimeout(resolve, IDLE_ENVIRONMENT_MS * 2));
  const idleRssMb = rssMb();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return { readyMs, rssAfterSampleMb, idleRssMb };
}

// `--skip-start` leaves out `gamekeeper start` (e.g. under NODE_OPTIONS=--jitless, where synthesis cannot run).
const startup = values['skip-start'] ? undefined : await startAsAUserDoes();
const { template, appDir } = loadGamekeeperStack();
// Executions retained: the runtime's default (1,000), or more when one round and the one-at-a-time run need it.
const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: appDir, validateDefinitions: false, port: 0, maxConcurrencyPerFunction: concurrency, functionLogFile: '/dev/null', retainExecutions: Math.max(1_000, total * 2) });
const clients = awsClients(runtime.url);
const producer = createProducer({ client: clients.eventBridge });
console.log(`bench: ${total} events, concurrency ${concurrency}, endpoint ${runtime.url}`);

async function endToEnd(events: SessionEvent[]): Promise<Figures> {
  const putAt = new Map<string, number>();
  const batches: SessionEvent[][] = [];
  for (let i = 0; i < events.length; i += 10) batches.push(events.slice(i, i + 10));
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  await pool(batches, concurrency, async (batch) => {
    const at = Date.now();
    for (const e of batch) putAt.set(String(e.detail.eventId), at);
    await producer.publish(batch.map((e) => ({ detailType: e.detailType, detail: e.detail })));
  });
  await runtime.idle();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const latencies: number[] = [];
  let failed = 0;
  for (const execution of runtime.stepFunctions.executions.values()) {
    const eventId = (JSON.parse(execution.input) as { detail: { eventId: string } }).detail.eventId;
    const at = putAt.get(eventId);
    if (at === undefined) continue;
    if (execution.status !== 'SUCCEEDED') failed += 1;
    latencies.push((execution.stopDate ?? Date.now()) - at);
  }
  return figures(latencies, ms, failed, cpu);
}

/** One event at a time, each waited for to the end of its execution: the latency a developer sees. */
async function oneAtATime(events: SessionEvent[]): Promise<Figures> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  for (const e of events) {
    const at = performance.now();
    await producer.publish([{ detailType: e.detailType, detail: e.detail }]);
    await runtime.idle();
    latencies.push(performance.now() - at);
  }
  for (const execution of [...runtime.stepFunctions.executions.values()].slice(-events.length)) if (execution.status !== 'SUCCEEDED') failed += 1;
  return figures(latencies, performance.now() - started, failed, process.cpuUsage(cpuAtStart));
}

async function directHandlers(events: SessionEvent[]): Promise<Figures> {
  // The same handlers, in this process, against the same local services, with the template's environment
  // (log level included). What they print is discarded here; the flow writes it to /dev/null.
  for (const fn of runtime.model.functions) Object.assign(process.env, fn.environment);
  Object.assign(process.env, { AWS_ENDPOINT_URL: runtime.url, AWS_REGION: runtime.model.region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const require = createRequire(`${appDir}/package.json`);
  const load = async (pkg: string) => (await import(require.resolve(`${pkg}/handler`))).handler as (e: unknown, c: unknown) => Promise<unknown>;
  const [report, level, game, metric] = await Promise.all(['@gamekeeper/report', '@gamekeeper/level-store', '@gamekeeper/game-store', '@gamekeeper/metric'].map(load));
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 };
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  await pool(events, concurrency * 10, async (e) => {
    const event = { version: '0', id: crypto.randomUUID(), 'detail-type': e.detailType, source: sourceByType[e.detailType], account: '000000000000', time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), region: runtime.model.region, resources: [], detail: e.detail } as unknown as CompletionEvent;
    const at = performance.now();
    try {
      const store = e.detailType === DetailType.GameCompleted ? game! : level!;
      await Promise.all([report!(event, context), store(event, context), metric!(event, context)]);
    } catch {
      failed += 1;
    }
    latencies.push(performance.now() - at);
  });
  // The reports they published reach the metric function through the report rule in the runtime, as in
  // the flow: the baseline includes that work too.
  await runtime.idle();
  const result = figures(latencies, performance.now() - started, failed, process.cpuUsage(cpuAtStart));
  process.stdout.write = write;
  return result;
}

const line = (name: string, f: Figures) =>
  `${name.padEnd(16)} ${String(f.events).padStart(6)} events  ${f.failed} failed  ${f.seconds.toFixed(2)} s  ${f.eventsPerSecond.toFixed(1).padStart(7)} events/s  p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms  cpu ${f.cpuMsPerEvent.toFixed(1)} ms/event`;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** The round with the median events/s (its other figures with it), and the spread of events/s and CPU across rounds. */
const summary = (name: string, all: Figures[]) => {
  const mid = [...all].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor(all.length / 2)]!;
  const range = (pick: (f: Figures) => number) => `${Math.min(...all.map(pick)).toFixed(1)}–${Math.max(...all.map(pick)).toFixed(1)}`;
  return `${line(name, mid)}  (${all.length} rounds: ${range((f) => f.eventsPerSecond)} events/s, cpu ${range((f) => f.cpuMsPerEvent)})`;
};

// Steady state, as a running stack would be: every execution environment started and its code optimized
// by the JIT before the measured runs. Both paths get the same warm-up before their first round. Then
// rounds that alternate the two paths, each on its own events: both see the same machine (other load, the
// shared services' JIT warming up as the bench goes on) and a round's two runs sit side by side in time,
// so each round gives a fair ratio; the median is reported.
const WARM_UP_EVENTS = 100;
const e2eRuns: Figures[] = [];
const directRuns: Figures[] = [];
let rssDuringBench = 0;
await endToEnd(session(900).slice(0, WARM_UP_EVENTS));
for (let round = 0; round < rounds; round++) {
  e2eRuns.push(await endToEnd(session(10_000 + round * 1_000)));
  // The runtime's memory, taken before the direct handlers are loaded into this process beside it.
  if (round === 0) {
    rssDuringBench = process.memoryUsage().rss;
    await directHandlers(session(800).slice(0, WARM_UP_EVENTS));
  }
  directRuns.push(await directHandlers(session(20_000 + round * 1_000)));
  const [e2e, direct] = [e2eRuns[round]!, directRuns[round]!];
  console.log(`round ${round + 1}/${rounds}: end-to-end ${e2e.eventsPerSecond.toFixed(1)} events/s, cpu ${e2e.cpuMsPerEvent.toFixed(1)} ms/event; direct ${direct.eventsPerSecond.toFixed(1)} events/s, cpu ${direct.cpuMsPerEvent.toFixed(1)} ms/event`);
}
const lowRate = await oneAtATime(session(700).slice(0, 50));
console.log(summary('end-to-end', e2eRuns));
console.log(summary('direct handlers', directRuns));
console.log(line('one at a time', lowRate));
const ratios = (pick: (f: Figures) => number) => e2eRuns.map((f, i) => pick(f) / pick(directRuns[i]!));
console.log(`ratio (end-to-end / direct events/s), median of the rounds: ${median(ratios((f) => f.eventsPerSecond)).toFixed(2)}`);
console.log(`ratio (end-to-end / direct cpu per event), median of the rounds: ${median(ratios((f) => f.cpuMsPerEvent)).toFixed(2)}`);
// The handlers' own CPU per event (SDK serialization, signing, HTTP, dynalite) bounds any runtime on this
// machine: even with zero orchestration cost, the cores cannot run them faster than this.
const cores = availableParallelism();
console.log(`cpu ceiling (${cores} cores / direct cpu per event): ${((cores * 1000) / median(directRuns.map((f) => f.cpuMsPerEvent))).toFixed(0)} events/s`);
console.log(`rss during the bench (after the first end-to-end round): ${(rssDuringBench / 1024 / 1024).toFixed(0)} MB`);
if (startup) console.log(`gamekeeper start: endpoint answering after ${startup.readyMs.toFixed(0)} ms; rss 1 s after the sample session ${startup.rssAfterSampleMb.toFixed(0)} MB, idle (${(IDLE_ENVIRONMENT_MS * 2) / 1000} s later) ${startup.idleRssMb.toFixed(0)} MB`);
for (const client of Object.values(clients)) client.destroy();
await runtime.stop();
process.exit(0);
