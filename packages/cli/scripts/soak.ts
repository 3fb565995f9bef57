// `npm run soak [-- --seconds S --rate R]`: a bounded soak of the local stack on loopback. Publishes at a
// fixed rate (events/s) through the producer for S seconds, waits for the executions, and prints the rate
// achieved, errors, and memory (RSS and heap after GC) at the start, every 10 s and at the end.
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '@gamekeeper/local-runtime';
import { createProducer } from '@gamekeeper/producer';
import { awsClients } from '../src/clients';
import { chaosSession } from './chaos-proof';
import { loadGamekeeperStack } from '../src/synth';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '40' } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, text: `rss ${mb(rss)}, heap ${mb(heapUsed)}` };
};

const { template, appDir } = loadGamekeeperStack();
const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: appDir, validateDefinitions: false, port: 0, functionLogFile: '/dev/null' });
const clients = awsClients(runtime.url);
const producer = createProducer({ client: clients.eventBridge });
const events = chaosSession(Math.ceil(seconds * rate) + 200, 777);

// Warm up every execution environment first, as a running stack would be.
await producer.publish(events.slice(0, 20).map((e) => ({ detailType: e.detailType, detail: e.detail })));
await runtime.idle();
const start = memory();
console.log(`soak: ${rate} events/s for ${seconds} s on ${runtime.url}`);
console.log(`start: ${start.text}`);

let published = 0;
let publishErrors = 0;
const tickMs = 250;
const perTick = (rate * tickMs) / 1000;
const started = Date.now();
let due = 0;
let next = 20;
const inFlight = new Set<Promise<void>>();
let lastReport = started;
while (Date.now() - started < seconds * 1000) {
  due += perTick;
  const batch = events.slice(next, next + Math.floor(due));
  next += batch.length;
  due -= batch.length;
  for (let i = 0; i < batch.length; i += 10) {
    const chunk = batch.slice(i, i + 10);
    const sending = producer.publish(chunk.map((e) => ({ detailType: e.detailType, detail: e.detail }))).then((results) => {
      published += results.filter((r) => r.status === 'sent').length;
      publishErrors += results.filter((r) => r.status !== 'sent').length;
    });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }
  if (Date.now() - lastReport >= 10_000) {
    lastReport = Date.now();
    const { executions } = await runtime.summary();
    console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${published} published, ${executions.succeeded} succeeded, ${executions.failed} failed, ${executions.running} running, ${memory().text}`);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (next - 20) * (1000 / rate) - Date.now())));
}
await Promise.all(inFlight);
const publishSeconds = (Date.now() - started) / 1000;
await runtime.idle();
const summary = await runtime.summary();
const end = memory();
console.log(`published: ${published} events in ${publishSeconds.toFixed(1)} s = ${(published / publishSeconds).toFixed(1)} events/s (target ${rate})`);
console.log(`errors: ${publishErrors} publish, ${summary.executions.failed} failed executions (${summary.executions.succeeded} succeeded)`);
console.log(`end: ${end.text}`);
console.log(`growth: rss ${mb(end.rss - start.rss)}, heap ${mb(end.heapUsed - start.heapUsed)}`);
for (const client of Object.values(clients)) client.destroy();
await runtime.stop();
process.exit(publishErrors + summary.executions.failed === 0 ? 0 : 1);
