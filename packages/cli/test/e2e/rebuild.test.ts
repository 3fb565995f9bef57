import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ListArchivesCommand } from '@aws-sdk/client-eventbridge';
import { StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DetailType } from '@gamekeeper/contracts';
import { appliedEventsOf, gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../src/commands/tables';
import { publishAll } from '../../src/publish';
import { SAMPLE_SESSION_FILE } from '../../src/sample';
import { type SessionEvent, generateSession, readSessionFile } from '../../src/session';
import { gamekeeper, startStack } from './stack';

// The Rebuild flow end to end: the `gamekeeper rebuild` command (its own process, as a user runs it)
// against the whole stack, whose data folder keeps the template's event archive (the completions).
let stack: Awaited<ReturnType<typeof startStack>>;
let dataDir: string;
let dir: string;
let rebuildArn: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gamekeeper-rebuild-data-'));
  dir = mkdtempSync(join(tmpdir(), 'gamekeeper-rebuild-'));
  stack = await startStack({ dataDir });
  rebuildArn = stack.runtime.model.stateMachines.find((m) => m.name === 'RebuildStateMachine')!.arn;
}, 120_000);
afterAll(async () => {
  await stack.stop();
  for (const folder of [dataDir, dir]) rmSync(folder, { recursive: true, force: true });
});

const tableNamed = (prefix: string) => stack.runtime.model.tables.find((t) => t.name.startsWith(prefix))!;
const TABLES = ['CompletedLevel', 'CompletedGame'] as const;
/** A table's items in key order. */
async function itemsOf(prefix: string) {
  const table = tableNamed(prefix);
  const keys = table.keySchema.map((k) => k.AttributeName);
  const keyOf = (item: Record<string, unknown>) => keys.map((k) => String(item[k])).join('\u0000');
  return (await scanAll(stack.clients.documents, table.name)).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}
const snapshot = async () => ({ CompletedLevel: await itemsOf('CompletedLevel'), CompletedGame: await itemsOf('CompletedGame') });
/** What the reducers produce: the item without the writers' bookkeeping (version, the recent event digests). */
const reduced = (items: Record<string, unknown>[]) => items.map(({ version: _v, appliedEventDigests: _ids, ...attributes }) => attributes);
async function wipe(prefix: string) {
  const table = tableNamed(prefix);
  for (const item of await itemsOf(prefix)) {
    const Key = Object.fromEntries(table.keySchema.map((k) => [k.AttributeName, item[k.AttributeName]]));
    await stack.clients.documents.send(new DeleteCommand({ TableName: table.name, Key }));
  }
}
const invocationsOf = (name: string) => stack.runtime.functions.counters.byFunction[name]?.invocations ?? 0;
/** What a rebuild must not touch: reports published, metrics recorded, the functions that make them, housekeeping. */
async function sideEffects() {
  const { Metrics = [] } = await stack.clients.cloudWatch.send(new ListMetricsCommand({}));
  return {
    datapoints: structuredClone([...stack.runtime.cloudWatch.allDatapoints()]),
    metrics: Metrics,
    reportInvocations: invocationsOf('ReportFunction'),
    metricInvocations: invocationsOf('MetricFunction'),
    putEvents: stack.runtime.eventBridge.counters.putEntries,
    housekeepingExecutions: [...stack.runtime.stepFunctions.executions.values()].filter((e) => e.stateMachineArn !== rebuildArn).length,
  };
}
/** An EventBridge event as the bus delivers it, for a session's completion. */
const asEvent = (e: SessionEvent) => ({ ...(e.detailType === DetailType.GameCompleted ? gameCompleted() : levelCompleted()), 'detail-type': e.detailType, detail: e.detail });

describe('gamekeeper rebuild', () => {
  it('rebuilds both tables from the data folder’s event archive after a restart and a wipe, as the housekeeping left them; again, and nothing changes', async () => {
    // Prepare: the sample session through the whole housekeeping, then the tables as it left them.
    const session = readSessionFile(SAMPLE_SESSION_FILE);
    const published = await publishAll(stack.clients.eventBridge, session);
    await stack.runtime.idle();
    expect(published.sent).toBe(session.length);
    const before = await snapshot();
    expect(before.CompletedLevel.length).toBeGreaterThan(0);
    expect(before.CompletedGame.length).toBeGreaterThan(0);
    // The runtime stopped and a new one started on the same folder: the delivery journal is compacted to the
    // undelivered events (none), the archive keeps every completion, the tables are as they were.
    await stack.stop();
    stack = await startStack({ dataDir });
    expect(readFileSync(join(dataDir, 'events.ndjson'), 'utf8')).toBe('');
    const { Archives = [] } = await stack.clients.eventBridge.send(new ListArchivesCommand({}));
    expect(Archives.map((a) => a.EventCount)).toEqual([session.length]);
    expect(await snapshot()).toEqual(before);
    const effects = await sideEffects();
    for (const table of TABLES) await wipe(table);
    expect(await snapshot()).toEqual({ CompletedLevel: [], CompletedGame: [] });

    // Act
    const first = await gamekeeper('rebuild', '--data', dataDir, '--endpoint', stack.runtime.url);

    // Assess: every completion of the archive written once (the archive holds only completions: no report),
    // the tables as before.
    expect(first.stdout).toMatch(new RegExp(`rebuild of ${dataDir}/archives/[^ ,]+\\.ndjson through `));
    expect(first.stderr).toContain(`rebuilding: ${session.length}/${session.length}`);
    expect(first.stdout).toContain(`read: ${session.length} completion events; skipped 0 that are not completions, 0 duplicates; 0 malformed lines`);
    expect(first.stdout).toContain(`written: ${session.length}\n  failed: 0\n`);
    expect(first.stdout).toMatch(/batches: 1 \(largest \d+ bytes of input\)/);
    expect(first.stdout).toMatch(/elapsed: \d+\.\d s/);
    expect(first.code).toBe(0);
    const rebuilt = await snapshot();
    for (const table of TABLES) {
      expect(reduced(rebuilt[table])).toEqual(reduced(before[table]));
      // The writers' bookkeeping holds the same events (in whatever order the Map wrote them).
      expect(rebuilt[table].map(appliedEventsOf)).toEqual(before[table].map(appliedEventsOf));
    }
    // No report published, no metric counted, no housekeeping started.
    expect(await sideEffects()).toEqual(effects);

    // Act again: every event is already applied.
    const second = await gamekeeper('rebuild', '--data', dataDir, '--endpoint', stack.runtime.url);
    expect(second.stdout).toContain(`written: ${session.length}\n  failed: 0\n`);
    expect(second.code).toBe(0);
    expect(await snapshot()).toEqual(rebuilt);
    expect(await sideEffects()).toEqual(effects);
  }, 240_000);

  it('runs 1,000 events in batches under 256 KiB, never more store invocations at once than the Map’s MaxConcurrency', async () => {
    // Prepare: 1,000 completions of games no other test plays, as EventBridge events in a file.
    const events = generateSession({ seed: 11, players: 45, games: ['rebuild-a', 'rebuild-b'], levelsPerGame: 10 }).slice(0, 1000).map(asEvent);
    expect(events).toHaveLength(1000);
    const file = join(dir, 'thousand.ndjson');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
    const input = JSON.stringify({ events });
    // Too large for one execution: AWS (and the local runtime) refuse it.
    expect(Buffer.byteLength(input)).toBeGreaterThan(262_144);
    await expect(stack.clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: rebuildArn, input }))).rejects.toMatchObject({ name: 'ValidationException' });
    const definition = stack.runtime.model.stateMachines.find((m) => m.arn === rebuildArn)!.definition as { States: Record<string, { MaxConcurrency?: number }> };
    const maxConcurrency = definition.States.RebuildEvents!.MaxConcurrency!;
    const stores = ['LevelStoreFunction', 'GameStoreFunction'];
    const storeInvocations = () => stores.reduce((sum, name) => sum + invocationsOf(name), 0);
    const invocationsBefore = storeInvocations();
    const effects = await sideEffects();
    await stack.runtime.idle();
    stack.runtime.functions.resetPeaks();

    // Act: batches bounded by bytes only (up to 1,000 events each by count).
    const startedAt = Date.now();
    const result = await gamekeeper('rebuild', '--from', file, '--batch-size', '1000', '--endpoint', stack.runtime.url);
    const elapsedMs = Date.now() - startedAt;

    // Assess
    expect(result.stdout).toContain('written: 1000\n  failed: 0\n');
    const batches = Number(result.stdout.match(/batches: (\d+) \(largest (\d+) bytes/)?.[1]);
    const largest = Number(result.stdout.match(/batches: \d+ \(largest (\d+) bytes/)?.[1]);
    // As few as the bytes allow (greedy packing may need one more than the bytes divided by the limit).
    const fewest = Math.ceil(Buffer.byteLength(input) / 262_144);
    expect(batches).toBeGreaterThanOrEqual(fewest);
    expect(batches).toBeLessThanOrEqual(fewest + 1);
    expect(largest).toBeLessThanOrEqual(262_144);
    expect(largest).toBeGreaterThan(262_144 * 0.9);
    expect(result.code).toBe(0);
    // Only the stores ran: the Map held MaxConcurrency, and reached it.
    const { total } = stack.runtime.functions.counters;
    expect(total.peakInFlight).toBe(maxConcurrency);
    expect(storeInvocations() - invocationsBefore).toBeGreaterThanOrEqual(1000);
    expect(await sideEffects()).toEqual(effects);
    // Every completion is in the tables once.
    const levelCompletions = events.filter((e) => e['detail-type'] === DetailType.LevelCompleted).length;
    const ours = (items: Record<string, unknown>[]) => items.filter((i) => String(i.gameId).startsWith('rebuild-'));
    const sum = (items: Record<string, unknown>[]) => items.reduce((n, i) => n + (i.completions as number), 0);
    expect(sum(ours(await itemsOf('CompletedLevel')))).toBe(levelCompletions);
    expect(sum(ours(await itemsOf('CompletedGame')))).toBe(1000 - levelCompletions);
    const rebuildSeconds = result.stdout.match(/elapsed: ([\d.]+) s/)?.[1];
    console.info(
      `1,000-event rebuild: ${rebuildSeconds} s in the CLI's batches, ${elapsedMs} ms with the CLI process; ${batches} batches (largest ${largest} bytes); peak ${total.peakInFlight} store invocations in flight (MaxConcurrency ${maxConcurrency})`,
    );
  }, 300_000);

  it('reports a malformed event in `failed` and a malformed line by number, writes the others, and exits 1', async () => {
    // Prepare
    const good = [levelCompleted({ playerId: 'rebuild-ok-1' }), gameCompleted({ playerId: 'rebuild-ok-2' }), levelCompleted({ playerId: 'rebuild-ok-3' })];
    const negativeScore = levelCompleted({ playerId: 'rebuild-bad-1', score: -1 });
    const { eventId: _dropped, ...withoutEventId } = gameCompleted({ playerId: 'rebuild-bad-2' }).detail;
    const noEventId = { ...gameCompleted(), detail: withoutEventId };
    const file = join(dir, 'malformed.ndjson');
    writeFileSync(
      file,
      [JSON.stringify(good[0]), JSON.stringify(negativeScore), '{"detail-type": oops}', JSON.stringify(good[1]), JSON.stringify(noEventId), JSON.stringify(good[2])].join('\n'),
    );

    // Act
    const result = await gamekeeper('rebuild', '--from', file, '--endpoint', stack.runtime.url);
    const json = await gamekeeper('rebuild', '--from', file, '--json', '--endpoint', stack.runtime.url);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('written: 3\n  failed: 2\n');
    expect(result.stdout).toContain(`#1 (line 2) eventId ${negativeScore.detail.eventId}: InvalidGameEvent: Invalid game event: detail.score: Too small`);
    expect(result.stdout).toMatch(/#3 \(line 5\) eventId \(none\): InvalidGameEvent: Invalid game event: detail\.eventId: /);
    expect(result.stdout).toMatch(/malformed lines \(not sent\):\n {4}line 3: not valid JSON/);
    const summary = JSON.parse(json.stdout);
    expect(json.code).toBe(1);
    expect(summary).toMatchObject({ events: 5, written: 3, source: { events: 5, malformed: [{ line: 3, reason: expect.stringMatching(/^not valid JSON/) }] } });
    expect(summary.failed).toEqual([
      { index: 1, line: 2, eventId: negativeScore.detail.eventId, error: 'InvalidGameEvent', cause: expect.stringContaining('detail.score') },
      { index: 3, line: 5, error: 'InvalidGameEvent', cause: expect.stringContaining('detail.eventId') },
    ]);
    const players = (items: Record<string, unknown>[]) => items.map((i) => i.playerId).filter((p) => String(p).startsWith('rebuild-'));
    expect(players(await itemsOf('CompletedLevel'))).toEqual(['rebuild-ok-1', 'rebuild-ok-3']);
    expect(players(await itemsOf('CompletedGame'))).toEqual(['rebuild-ok-2']);
  }, 120_000);

  it('answers StartSyncExecution (what `aws stepfunctions start-sync-execution` sends) with the summary, an empty `failed` when nothing failed', async () => {
    const events = [levelCompleted({ playerId: 'rebuild-sync' }), gameCompleted({ playerId: 'rebuild-sync' })];
    const clean = await stack.clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: rebuildArn, input: JSON.stringify({ events }) }));
    expect(clean.status).toBe('SUCCEEDED');
    expect(JSON.parse(clean.output!)).toEqual({ written: 2, failed: [] });

    const mixed = await stack.clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: rebuildArn, input: JSON.stringify({ events: [{ not: 'an event' }, events[0]] }) }));
    expect(JSON.parse(mixed.output!)).toEqual({
      written: 1,
      failed: [{ outcome: 'failed', index: 0, error: 'InvalidGameEvent', cause: 'Not an EventBridge completion event: it has no detail-type' }],
    });
  });

  it('says clearly what is missing: the events, or an archive in the data folder', async () => {
    const neither = await gamekeeper('rebuild', '--endpoint', stack.runtime.url);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/exactly one of --from <file.ndjson> or --data <dir>/);
    const empty = mkdtempSync(join(dir, 'no-archive-'));
    const noArchive = await gamekeeper('rebuild', '--data', empty, '--endpoint', stack.runtime.url);
    expect(noArchive.code).toBe(1);
    expect(noArchive.stderr).toMatch(/no event archive in .*no-archive-/);
  });
});
