import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArchivedEvent, EventArchive, archiveFiles } from '../../src/eventbridge/archive';
import { type EventBridgeEvent, EventBridgeService } from '../../src/eventbridge/service';
import type { ArchiveModel } from '../../src/template/model';
import { completionsRule, gameEventsBus, scope } from './fixtures';

const folders: string[] = [];
const folder = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const archive = (name: string, pattern?: unknown, retentionDays = 0): ArchiveModel => ({
  name,
  arn: `arn:aws:events:us-east-1:000000000000:archive/${name}`,
  eventSourceArn: gameEventsBus.arn,
  busName: 'game-events',
  ...(pattern !== undefined ? { pattern } : {}),
  retentionDays,
});
/** The completions (source `game`, detail-type `Done`), as the rule in the fixtures matches them. */
const completions = archive('Completions', { source: ['game'], 'detail-type': ['Done'] }, 30);
const everything = archive('everything');
const entry = (n: number, overrides: Record<string, string> = {}) => ({ EventBusName: 'game-events', Source: 'game', DetailType: 'Done', Detail: JSON.stringify({ n }), ...overrides });
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ArchivedEvent);
const eventIds = (entries: unknown[]) => entries.map((r) => (r as { EventId?: string }).EventId);

function service(options: { archiveDir?: string; journalFile?: string; deliver?: (event: EventBridgeEvent) => Promise<void> } = {}) {
  const deliver = options.deliver ?? (async () => undefined);
  return new EventBridgeService({
    ...scope,
    buses: [gameEventsBus],
    rules: [completionsRule({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 })],
    archives: [completions, everything],
    ...(options.archiveDir ? { archiveDir: options.archiveDir } : {}),
    ...(options.journalFile ? { journalFile: options.journalFile } : {}),
    deliver: (_target, input) => deliver(input as EventBridgeEvent),
    deadLetter: () => undefined,
  });
}

describe('EventBridge archives (AWS::Events::Archive)', () => {
  it('appends each accepted event of its bus that matches its pattern, as targets receive it, each entry its own event', async () => {
    // Prepare
    const dir = folder('archive-match-');
    const delivered: EventBridgeEvent[] = [];
    const bus = service({ archiveDir: dir, deliver: async (event) => void delivered.push(event) });
    const startedAt = Date.now();

    // Act: two identical entries, a source and a detail-type the pattern does not name, an event on another
    // bus, and an entry PutEvents refuses.
    const { Entries } = bus.putEvents([
      entry(1),
      entry(1),
      entry(2, { Source: 'elsewhere' }),
      entry(3, { DetailType: 'Started' }),
      entry(4, { EventBusName: 'default' }),
      { EventBusName: 'game-events', Source: 'game', DetailType: 'Done' },
    ]);
    await bus.idle();
    bus.close();

    // Assess: the completions archive holds the two identical entries as two events (their own ids), exactly
    // as delivered; the archive without a pattern holds every accepted event of its bus (a rule matched or not).
    const ids = eventIds(Entries);
    const archived = lines(archiveFiles(dir, 'Completions').events);
    expect(archived.map((r) => r.event.id)).toEqual([ids[0], ids[1]]);
    expect(ids[0]).not.toBe(ids[1]);
    expect(archived.map((r) => r.event)).toEqual(delivered);
    for (const { archivedAt } of archived) {
      expect(archivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(archivedAt)).toBeGreaterThanOrEqual(startedAt);
    }
    expect(lines(archiveFiles(dir, 'everything').events).map((r) => r.event.id)).toEqual([ids[0], ids[1], ids[2], ids[3]]);
    expect(bus.archives.get('Completions')!.describe()).toMatchObject({ EventCount: 2, SizeBytes: archived.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.event)), 0) });
  });

  it('does not archive again the events a restart delivers again (they were archived when accepted)', async () => {
    // Prepare: a run whose deliveries never finish (the process is killed).
    const dir = folder('archive-resume-');
    const journalFile = join(dir, 'events.ndjson');
    const archiveDir = join(dir, 'archives');
    const crashed = service({ archiveDir, journalFile, deliver: () => new Promise(() => undefined) });
    crashed.putEvents([entry(1), entry(2)]);
    crashed.close();

    // Act: a new run on the same folder delivers them again.
    const restarted = service({ archiveDir, journalFile });
    expect(restarted.resumeUnsettled()).toBe(2);
    await restarted.idle();
    restarted.close();

    // Assess
    expect(lines(archiveFiles(archiveDir, 'Completions').events)).toHaveLength(2);
    expect(restarted.archives.get('Completions')!.describe().EventCount).toBe(2);
  });

  it('drops the events older than RetentionDays when it opens (0: keeps them all), and a torn last line', () => {
    // Prepare: an archive file from earlier runs, the oldest events 40 and 31 days old, the last line torn.
    const dir = folder('archive-retention-');
    const now = Date.parse('2026-03-01T00:00:00Z');
    const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
    const record = (n: number, daysAgo: number): ArchivedEvent => ({
      archivedAt: at(daysAgo),
      event: { version: '0', id: `id-${n}`, 'detail-type': 'Done', source: 'game', account: scope.accountId, time: at(daysAgo).replace(/\.\d{3}Z$/, 'Z'), region: scope.region, resources: [], detail: { n } },
    });
    const file = archiveFiles(dir, 'Completions').events;
    const earlier = [record(1, 40), record(2, 31), record(3, 29), record(4, 1)];
    const clean = earlier.map((r) => `${JSON.stringify(r)}\n`).join('');
    writeFileSync(file, clean);

    // Act: opened with no retention; then, the last line torn by a crash, with 30 days.
    const indefinitely = new EventArchive({ ...completions, retentionDays: 0 }, { dir, now: () => now });
    indefinitely.close();
    const unchanged = readFileSync(file, 'utf8');
    writeFileSync(file, `${clean}{"archivedAt":"2026-02-28T23:59:59.000Z","ev`);
    const opened = new EventArchive(completions, { dir, now: () => now });

    // Assess: with no retention nothing is dropped and the file is left as it was; with 30 days the two
    // older events go, and so does the torn line (never acknowledged).
    expect(indefinitely.describe().EventCount).toBe(4);
    expect(indefinitely.expired).toBe(0);
    expect(unchanged).toBe(clean);
    expect(opened.expired).toBe(2);
    expect(opened.describe().EventCount).toBe(2);
    expect(opened.events().map((r) => r.event.id)).toEqual(['id-3', 'id-4']);
    // The next event goes on a line of its own.
    opened.offer(record(5, 0).event);
    opened.close();
    expect(lines(file).map((r) => r.event.id)).toEqual(['id-3', 'id-4', 'id-5']);
  });

  it('is in the folder from the moment it opens: an empty file, and its descriptor', () => {
    const dir = folder('archive-empty-');
    new EventArchive(completions, { dir }).close();
    expect(readFileSync(archiveFiles(dir, 'Completions').events, 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(archiveFiles(dir, 'Completions').descriptor, 'utf8'))).toMatchObject({
      ArchiveName: 'Completions',
      ArchiveArn: completions.arn,
      EventSourceArn: gameEventsBus.arn,
      EventPattern: JSON.stringify(completions.pattern),
      RetentionDays: 30,
    });
  });

  it('keeps the newest events in memory without a folder, bounded, and counts what it keeps', () => {
    const kept = new EventArchive(everything, { memoryLimit: 3 });
    const events = [1, 2, 3, 4, 5].map((n) => ({ ...completionsEvent(n) }));
    for (const event of events) expect(kept.offer(event)).toBe(true);
    expect(kept.events().map((r) => r.event.id)).toEqual(['id-3', 'id-4', 'id-5']);
    expect(kept.describe()).toMatchObject({ EventCount: 3, SizeBytes: events.slice(2).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) });
    // A pattern is respected in memory too.
    const filtered = new EventArchive(completions);
    expect(filtered.offer({ ...completionsEvent(6), source: 'elsewhere' })).toBe(false);
    expect(filtered.describe().EventCount).toBe(0);
  });
});

function completionsEvent(n: number): EventBridgeEvent {
  return { version: '0', id: `id-${n}`, 'detail-type': 'Done', source: 'game', account: scope.accountId, time: '2026-01-01T00:00:00Z', region: scope.region, resources: [], detail: { n } };
}
