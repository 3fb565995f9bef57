// `npx pnpm@10.34.9 --filter @gamekeeper/cli exec tsx scripts/measure-cost-inputs.ts [--events N]`:
// what `gamekeeper cost` takes as its defaults, measured on the local runtime. A session of completions
// runs through the synthesized stack one at a time (after a warm-up, so no cold starts); then, from the local
// CloudWatch Logs, each function's mean invocation duration (its REPORT lines) and the log bytes one
// invocation writes (every line: START, its own, EMF, END, REPORT), and from Step Functions the mean
// execution duration. Prints the figures as src/cost/defaults.ts records them.
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { startLocalRuntime } from '@gamekeeper/local-runtime';
import { createProducer } from '@gamekeeper/producer';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { awsClients } from '../src/clients';
import { publishAll } from '../src/publish';
import { sessionEvents } from '../src/session';
import { loadGamekeeperStack } from '../src/synth';

const { values } = parseArgs({ options: { events: { type: 'string', default: '400' }, 'warm-up': { type: 'string', default: '60' } } });
const total = Number(values.events);

const { template, appDir } = loadGamekeeperStack();
const runtime = await startLocalRuntime({
  template,
  resolveFunctionsFrom: appDir,
  validateDefinitions: false,
  port: 0,
  maxConcurrencyPerFunction: 2,
  functionLogFile: join(tmpdir(), `gamekeeper-cost-${process.pid}.log`),
  retainExecutions: total * 2,
});
const clients = awsClients(runtime.url);
const logs = new CloudWatchLogsClient({ endpoint: runtime.url, region: runtime.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

await publishAll(clients.eventBridge, sessionEvents(900, Number(values['warm-up'])), { concurrency: 2 });
await runtime.idle();
// One completion at a time, each waited for: an execution's duration is then its own work, not time
// spent queueing for a free execution environment behind other executions.
const since = Date.now();
const measured = sessionEvents(1, total);
const producer = createProducer({ client: clients.eventBridge });
for (const event of measured) {
  await producer.publish([{ detailType: event.detailType, detail: event.detail }]);
  await runtime.idle();
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const functions: Record<string, { invocations: number; meanDurationMs: number; logBytesPerInvocation: number; logEventsPerInvocation: number }> = {};
for (const fn of runtime.model.functions) {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: fn.logGroupName, startTime: since, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const durations = events.flatMap((e) => /^REPORT RequestId: .*?\tDuration: ([\d.]+) ms/.exec(e.message ?? '')?.[1] ?? []).map(Number);
  const invocations = durations.length;
  const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(e.message ?? '', 'utf8'), 0);
  const name = fn.servicePackage?.replace(/^@[^/]+\//, '') ?? fn.name;
  functions[name] = {
    invocations,
    meanDurationMs: Number(mean(durations).toFixed(1)),
    logBytesPerInvocation: Math.round(bytes / Math.max(1, invocations)),
    logEventsPerInvocation: Number((events.length / Math.max(1, invocations)).toFixed(1)),
  };
}
const executions = [...runtime.stepFunctions.executions.values()].filter((e) => e.startDate >= since && e.stopDate !== undefined && e.status === 'SUCCEEDED');
const executionMs = mean(executions.map((e) => e.stopDate! - e.startDate));
// The housekeeping's critical path is its slowest branch: report, store or metric, in parallel.
const slowestBranch = Math.max(...['report', 'level-store', 'metric'].map((name) => functions[name]?.meanDurationMs ?? 0));
console.log(
  JSON.stringify(
    {
      measuredOn: new Date().toISOString().slice(0, 10),
      completions: measured.length,
      gameCompletions: measured.filter((e) => e.detailType === 'GameBackend.GameCompleted').length,
      executions: executions.length,
      meanExecutionMs: Number(executionMs.toFixed(1)),
      orchestrationMs: Number(Math.max(0, executionMs - slowestBranch).toFixed(1)),
      functions,
    },
    null,
    2,
  ),
);
for (const client of [...Object.values(clients), logs]) client.destroy();
await runtime.stop();
process.exit(0);
