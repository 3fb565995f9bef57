import { readFileSync, writeFileSync } from 'node:fs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DetailType } from '@gamekeeper/contracts';
import type { Execution } from '@gamekeeper/local-runtime';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WatchedCopy, startWatchedCopy } from '../../scripts/watched-copy';
import { scanAll } from '../../src/commands/tables';

// `gamekeeper start` follows the CDK app: a temporary copy of infra/ and of the services (the repository
// is never edited), the real synthesizer (a warm child process), the real watcher and runtime.
const STACK = 'infra/src/gamekeeper-stack.ts';
const TASKS = 'infra/src/tasks.ts';
const REPORT = 'services/report/src/report.ts';
const NAMESPACE = 'props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE';
const RULE_PATTERN = 'eventPattern: completions,\n      targets: [new SfnStateMachine';
const RATINGS = "const RATING_BY_STARS: Record<number, Rating> = { 3: 'S',";

let stack: WatchedCopy;
beforeAll(async () => {
  stack = await startWatchedCopy();
}, 300_000);
afterAll(async () => stack?.stop(), 60_000);

let n = 0;
const level = (playerId: string) => levelCompleted({ playerId, gameId: 'watch-game', level: ++n, score: 500, stars: 3 }).detail;
const game = (playerId: string) => gameCompleted({ playerId, gameId: 'watch-game' }).detail;
/** The housekeeping's output: [report, level or game store, metric]. */
const outputOf = (execution: Execution) => JSON.parse(execution.output ?? 'null') as [{ rating: string }, unknown, { namespace: string }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start follows the CDK app', () => {
  it('applies a saved infra change to the running stack: the next event reflects it', async () => {
    expect(outputOf(await stack.run(DetailType.LevelCompleted, level('env-before')))[2]).toMatchObject({ namespace: 'Gamekeeper' });

    // A function's environment variable.
    let since = stack.reports.length;
    stack.copy.edit(STACK, NAMESPACE, "props.metricsNamespace ?? 'WatchedGames'");
    const envLine = await stack.waitForReport(/^infra: /, since);
    expect(stack.runtime.reloads.recent(1)).toEqual([{ at: expect.any(Number), text: envLine, ok: true }]);
    expect(envLine).toMatch(/^infra: function MetricFunction environment changed \(METRICS_NAMESPACE\) in \d+\.\d s \(infra\/src\/gamekeeper-stack\.ts changed; synthesized in \d+\.\d s, applied in \d+\.\d s\)$/);
    const after = await stack.run(DetailType.LevelCompleted, level('env-after'));
    expect(after.status).toBe('SUCCEEDED');
    expect(outputOf(after)[2]).toMatchObject({ namespace: 'WatchedGames' });

    // A rule's pattern: game completions no longer start the housekeeping.
    since = stack.reports.length;
    stack.copy.edit(STACK, RULE_PATTERN, RULE_PATTERN.replace('completions,', '{ ...completions, detailType: [DetailType.LevelCompleted] },'));
    expect(await stack.waitForReport(/^infra: /, since)).toMatch(/^infra: rule HousekeepingRule pattern changed in \d+\.\d s/);
    const unmatched = game('pattern-after');
    await stack.producer.publish([{ detailType: DetailType.GameCompleted, detail: unmatched }]);
    await stack.runtime.idle();
    expect(stack.rulesMatched(unmatched.eventId)).toEqual([]);
    expect((await stack.run(DetailType.LevelCompleted, level('pattern-after'))).status).toBe('SUCCEEDED');

    // Saved back as it was: both changes are undone.
    since = stack.reports.length;
    stack.copy.restore(STACK);
    expect(await stack.waitForReport(/^infra: /, since)).toMatch(/^infra: rule HousekeepingRule pattern changed, function MetricFunction environment changed \(METRICS_NAMESPACE\) in /);
    const restored = await stack.run(DetailType.GameCompleted, game('restored'));
    expect(restored.status).toBe('SUCCEEDED');
    expect(outputOf(restored)[2]).toMatchObject({ namespace: 'Gamekeeper' });
  });

  it("keeps the tables' items across an infra reload and creates a table the app adds", async () => {
    await stack.run(DetailType.LevelCompleted, level('keeper'));
    const itemsBefore = (await scanAll(stack.clients.documents, 'CompletedLevelTable')).filter((item) => item.playerId === 'keeper');
    expect(itemsBefore).toHaveLength(1);

    let since = stack.reports.length;
    stack.copy.edit(STACK, '    this.functions = {', "    gameTable(this, 'WatchExtraTable', { partitionKey: 'id' });\n    this.functions = {");
    expect(await stack.waitForReport(/^infra: /, since)).toMatch(/^infra: table WatchExtraTable created in /);

    expect((await stack.clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(expect.arrayContaining(['CompletedLevelTable', 'CompletedGameTable', 'WatchExtraTable']));
    expect((await scanAll(stack.clients.documents, 'CompletedLevelTable')).filter((item) => item.playerId === 'keeper')).toEqual(itemsBefore);
    await stack.run(DetailType.LevelCompleted, level('keeper'));
    expect((await scanAll(stack.clients.documents, 'CompletedLevelTable')).filter((item) => item.playerId === 'keeper')).toHaveLength(2);

    // Removed again: the table is kept while the runtime runs, and the watcher says so.
    since = stack.reports.length;
    stack.copy.restore(STACK);
    expect(await stack.waitForReport(/^infra: table WatchExtraTable removed/, since)).toMatch(/^infra: table WatchExtraTable removed from the template \(kept\) in /);
    expect(await stack.waitForReport(/^infra: warning: /, since)).toBe('infra: warning: table WatchExtraTable is no longer in the template: it is kept, with its items, while the runtime runs');
    expect((await stack.clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toContain('WatchExtraTable');
  });

  it('keeps the running stack when an infra save does not compile or synthesize, says where once, and applies the next good save', async () => {
    // Does not compile.
    let since = stack.reports.length;
    stack.copy.edit(STACK, NAMESPACE, "props.metricsNamespace ?? 'Broken' +;");
    const brokenLine = lineOf(stack.copy.path(STACK), "'Broken' +;");
    const compileError = await stack.waitForReport(/^infra: the running stack stays as it was/, since);
    expect(compileError).toMatch(new RegExp(`^infra: the running stack stays as it was: the CDK app does not compile:\\n  infra/src/gamekeeper-stack\\.ts:${brokenLine}:\\d+: `));
    const meanwhile = await stack.run(DetailType.LevelCompleted, level('broken-compile'));
    expect(meanwhile.status).toBe('SUCCEEDED');
    expect(outputOf(meanwhile)[2]).toMatchObject({ namespace: 'Gamekeeper' });

    // The same broken file saved again: synthesized again, nothing new to say.
    const batches = stack.watcher.batches;
    writeFileSync(stack.copy.path(STACK), readFileSync(stack.copy.path(STACK)));
    while (stack.watcher.batches === batches) await sleep(20);
    expect(stack.reports.slice(since).filter((line) => line.startsWith('infra: the running stack stays as it was'))).toHaveLength(1);

    // Compiles, but the synthesis throws: the error, with the line of the app that threw.
    since = stack.reports.length;
    stack.copy.restore(STACK);
    stack.copy.edit(STACK, "const logLevel = props.stateMachineLogLevel ?? 'ERROR';", "const logLevel = props.stateMachineLogLevel ?? 'ERROR';\n    if (logLevel) throw new Error('no housekeeping today');");
    const throwLine = lineOf(stack.copy.path(STACK), 'no housekeeping today');
    const synthError = await stack.waitForReport(/^infra: the running stack stays as it was/, since);
    expect(synthError).toMatch(new RegExp(`^infra: the running stack stays as it was: the CDK app does not synthesize:\\n  infra/src/gamekeeper-stack\\.ts:${throwLine}:\\d+: no housekeeping today$`));
    expect((await stack.run(DetailType.GameCompleted, game('broken-synth'))).status).toBe('SUCCEEDED');

    // cdk.json that is not JSON: its line and column.
    since = stack.reports.length;
    stack.copy.edit('infra/cdk.json', '"notices": false,', '"notices": false,,');
    const jsonError = await stack.waitForReport(/^infra: the running stack stays as it was/, since);
    expect(jsonError).toMatch(new RegExp(`^infra: the running stack stays as it was: the CDK app does not compile:\n  infra/cdk\.json:${lineOf(stack.copy.path('infra/cdk.json'), ',,')}:\\d+: `));
    stack.copy.restore('infra/cdk.json');

    // The next good save applies.
    since = stack.reports.length;
    stack.copy.edit(STACK, "\n    if (logLevel) throw new Error('no housekeeping today');", '');
    stack.copy.edit(STACK, NAMESPACE, "props.metricsNamespace ?? 'FixedGames'");
    expect(await stack.waitForReport(/^infra: /, since)).toMatch(/^infra: function MetricFunction environment changed \(METRICS_NAMESPACE\) in /);
    expect(outputOf(await stack.run(DetailType.LevelCompleted, level('fixed')))[2]).toMatchObject({ namespace: 'FixedGames' });

    since = stack.reports.length;
    stack.copy.restore(STACK);
    await stack.waitForReport(/^infra: function MetricFunction environment changed/, since);
  });

  it('loses no event in a burst at 20 events/s across handler and infra reloads: every execution succeeds, nothing is dead-lettered', async () => {
    const { runtime } = stack;
    const deadLetteredBefore = runtime.eventBridge.counters.deadLettered;
    const failedBefore = runtime.stepFunctions.counters.failed;
    const sent: { detailType: DetailType; eventId: string; playerId: string }[] = [];
    let publishing = true;
    let publishErrors = 0;
    // 2 events every 100 ms (~20/s) until every reload below has been reported, and at least 200 events.
    const publisher = (async () => {
      for (let tick = 0; publishing || tick < 100; tick++) {
        const batch = [0, 1].map((i) => {
          const playerId = `burst-${tick}-${i}`;
          return (tick + i) % 5 === 0 ? { detailType: DetailType.GameCompleted, detail: game(playerId) } : { detailType: DetailType.LevelCompleted, detail: level(playerId) };
        });
        for (const { detailType, detail } of batch) sent.push({ detailType, eventId: detail.eventId, playerId: detail.playerId });
        void stack.producer.publish(batch).then((results) => (publishErrors += results.filter((r) => r.status !== 'sent').length));
        await sleep(100);
      }
    })();

    const since = stack.reports.length;
    const step = async (save: () => void, pattern: RegExp) => {
      await sleep(700);
      const mark = stack.reports.length;
      save();
      await stack.waitForReport(pattern, mark);
    };
    await step(() => stack.copy.edit(REPORT, RATINGS, "const RATING_BY_STARS: Record<number, Rating> = { 3: 'A',"), /^reloaded ReportFunction in /);
    await step(() => stack.copy.edit(STACK, NAMESPACE, "props.metricsNamespace ?? 'BurstGames'"), /^infra: function MetricFunction environment changed/);
    await step(() => stack.copy.edit(TASKS, '  interval: Duration.seconds(1),\n  backoffRate: 2,', '  interval: Duration.seconds(2),\n  backoffRate: 2,'), /^infra: state machine HousekeepingStateMachine updated/);
    await step(() => stack.copy.restore(REPORT), /^reloaded ReportFunction in /);
    await step(() => {
      stack.copy.restore(STACK);
      stack.copy.restore(TASKS);
    }, /^infra: state machine HousekeepingStateMachine updated.*function MetricFunction environment changed/);
    publishing = false;
    await publisher;
    await sleep(500);
    await runtime.idle();

    expect(stack.reports.slice(since).filter((line) => /keeps its running code|stays as it was/.test(line))).toEqual([]);
    expect(publishErrors).toBe(0);
    expect(sent.length).toBeGreaterThanOrEqual(200);
    const executions = [...runtime.stepFunctions.executions.values()].map((e) => ({ eventId: (JSON.parse(e.input) as { detail: { eventId: string } }).detail.eventId, status: e.status }));
    const byEvent = new Map(executions.map((e) => [e.eventId, e]));
    const missing = sent.filter((e) => byEvent.get(e.eventId)?.status !== 'SUCCEEDED');
    expect(missing).toEqual([]);
    expect(executions.filter((e) => sent.some((s) => s.eventId === e.eventId))).toHaveLength(sent.length);
    expect(runtime.stepFunctions.counters.failed).toBe(failedBefore);
    expect(runtime.eventBridge.counters.deadLettered).toBe(deadLetteredBefore);
    expect(runtime.queues.list().find((q) => q.name === 'DeadLetterQueue')?.depth).toBe(0);
    // Every completion was written: one item per level event, one per game event.
    const levelPlayers = new Set((await scanAll(stack.clients.documents, 'CompletedLevelTable')).map((item) => item.playerId));
    const gamePlayers = new Set((await scanAll(stack.clients.documents, 'CompletedGameTable')).map((item) => item.playerId));
    expect(sent.filter((e) => !(e.detailType === DetailType.LevelCompleted ? levelPlayers : gamePlayers).has(e.playerId))).toEqual([]);
  }, 180_000);
});

/** The 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
}
