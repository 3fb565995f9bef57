// `npm run watch-timing [-- --rounds 5]`: how long a save takes to be live while `gamekeeper start` runs.
// In a temporary copy of infra/ and services/ (scripts/watched-copy.ts; the repository is not edited), with
// the real watcher, synthesizer and runtime, it saves a handler change (the report's rating for three
// stars) and an infra change (the metric function's namespace, a new value each round, so no cached
// template). Per round: an event first (it must show the old version), the save, then the time until the
// watcher has applied it (live: the next event runs it) and until the next event, sent then, has answered
// showing it. Medians against the goals: handler live <= 1 s, infra live <= 3 s.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DetailType } from '@gamekeeper/contracts';
import { levelCompleted } from '@gamekeeper/testing';
import { type WatchedCopy, startWatchedCopy } from './watched-copy';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const REPORT = 'services/report/src/report.ts';
const STACK = 'infra/src/gamekeeper-stack.ts';

interface Round {
  liveMs: number;
  answeredMs: number;
}

/** One event through the whole flow; its output (report, store, metric). */
async function send(stack: WatchedCopy): Promise<unknown[]> {
  const execution = await stack.run(DetailType.LevelCompleted, levelCompleted({ stars: 3 }).detail);
  if (execution.status !== 'SUCCEEDED') throw new Error(`an execution failed: ${execution.error}: ${execution.cause}`);
  return JSON.parse(execution.output ?? '[]') as unknown[];
}

/** An event shows the old version; the save; the watcher reports it applied; the next event shows the new one. */
async function measure(stack: WatchedCopy, save: () => void, shows: (output: unknown[]) => boolean, reportPattern: RegExp): Promise<Round> {
  if (shows(await send(stack))) throw new Error('the change shows before it was saved');
  const mark = stack.reports.length;
  const savedAt = Date.now();
  save();
  await stack.waitForReport(reportPattern, mark);
  const liveMs = stack.reportedAt[stack.reports.findIndex((line, i) => i >= mark && reportPattern.test(line))]! - savedAt;
  if (!shows(await send(stack))) throw new Error(`the next event after the watcher reported ${reportPattern} does not show the change`);
  return { liveMs, answeredMs: Date.now() - savedAt };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;
function print(name: string, goalMs: number, results: Round[]): void {
  console.log(`\n${name} (goal: live <= ${goalMs / 1000} s)`);
  results.forEach((r, i) => console.log(`  round ${i + 1}: live after ${ms(r.liveMs)}; the next event answered, showing it, after ${ms(r.answeredMs)}`));
  const live = median(results.map((r) => r.liveMs));
  console.log(`  median: live after ${ms(live)} (${live <= goalMs ? 'within' : 'OVER'} the goal), the next event answered after ${ms(median(results.map((r) => r.answeredMs)))}`);
}

const startedAt = Date.now();
const load = () => loadavg()[0]!.toFixed(1);
console.log(`watch-timing: ${availableParallelism()} cores, load average ${load()} (timings grow with it)`);
const stack = await startWatchedCopy();
console.log(`watch-timing: a copy of the workspace in ${stack.copy.root}, runtime at ${stack.runtime.url}`);
console.log(`  synthesizer warm and stack running in ${ms(Date.now() - startedAt)} (a cold CDK load, once per \`gamekeeper start\`)`);
try {
  // Warm the execution environments, as a running stack's are.
  for (let i = 0; i < 3; i++) await send(stack);

  const handler: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const rating = round % 2 === 0 ? 'A' : 'S';
    const save = () => (rating === 'A' ? stack.copy.edit(REPORT, "{ 3: 'S',", "{ 3: 'A',") : stack.copy.restore(REPORT));
    handler.push(await measure(stack, save, ([report]) => (report as { rating?: string }).rating === rating, /^reloaded ReportFunction in /));
  }
  // Back as it was before the infra rounds, so they wait on no handler reload.
  const mark = stack.reports.length;
  stack.copy.restore(REPORT);
  await stack.waitForReport(/^reloaded ReportFunction in /, mark);
  print('handler change (services/report/src/report.ts: the rating for three stars)', 1000, handler);

  const infra: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const namespace = `Timing${startedAt}x${round}`;
    const save = () => {
      stack.copy.restore(STACK);
      stack.copy.edit(STACK, 'props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE', `props.metricsNamespace ?? '${namespace}'`);
    };
    infra.push(await measure(stack, save, (output) => (output[2] as { namespace?: string }).namespace === namespace, /^infra: function MetricFunction environment changed/));
  }
  print('infra change (infra/src/gamekeeper-stack.ts: the metric function namespace, a new value each round)', 3000, infra);
  console.log(`\nload average at the end: ${load()}`);
  console.log('\nwhat the watcher printed:');
  for (const line of stack.reports) console.log(`  ${line}`);
} finally {
  await stack.stop();
}
