import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionEvent, DetailType, Source } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted, redelivered } from '@gamekeeper/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type BatchResult, MAX_EXECUTION_INPUT_BYTES, type SourcedEvent, archivesOf, batchInput, planBatches, readRebuildSource, rebuild } from '../../src/rebuild';

const dir = mkdtempSync(join(tmpdir(), 'gamekeeper-rebuild-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileWith = (name: string, lines: string[]) => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const sourced = (events: unknown[]): SourcedEvent[] => events.map((event, i) => ({ line: i + 1, event: event as Record<string, unknown> }));

describe('readRebuildSource', () => {
  it('reads events, journal records and session lines; keeps completions once; reports malformed lines with their number', () => {
    // Prepare
    const level = levelCompleted();
    const game = gameCompleted();
    const fromJournal = levelCompleted();
    const report = { ...levelCompleted(), source: Source.Report, 'detail-type': DetailType.LevelReportGenerated };
    const foreign = { ...levelCompleted(), source: 'someone.else' };
    const session = { detailType: DetailType.LevelCompleted, detail: levelCompleted().detail };
    const file = fileWith('mixed.ndjson', [
      JSON.stringify(level), // 1
      '{"detail-type": "GameBackend.LevelCompleted", "detail": {', // 2: torn
      JSON.stringify(game), // 3
      '', // 4: blank, skipped
      JSON.stringify({ op: 'accepted', bus: 'game-events', event: fromJournal }), // 5
      JSON.stringify({ op: 'settled', id: fromJournal.id }), // 6
      JSON.stringify(report), // 7
      JSON.stringify(redelivered(level)), // 8: same eventId, new envelope id
      '[1, 2]', // 9
      JSON.stringify({ hello: 'world' }), // 10
      JSON.stringify(session), // 11
      JSON.stringify(foreign), // 12
    ]);

    // Act
    const source = readRebuildSource(file, { region: 'eu-west-1' });

    // Assess
    expect(source.events.map((e) => e.line)).toEqual([1, 3, 5, 11]);
    expect(source.events.slice(0, 3).map((e) => e.event)).toEqual([level, game, fromJournal]);
    // A session line becomes the EventBridge event the writers parse.
    const wrapped = source.events[3]!.event;
    expect(CompletionEvent.parse(wrapped)).toMatchObject({ source: Source.GameBackend, 'detail-type': DetailType.LevelCompleted, region: 'eu-west-1', detail: session.detail });
    expect(source.malformed).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 9, reason: 'expected a JSON object, got an array' },
      { line: 10, reason: expect.stringMatching(/^expected an EventBridge event/) },
    ]);
    expect(source.notCompletions).toEqual({ [`${Source.Report} ${DetailType.LevelReportGenerated}`]: 1, [`someone.else ${DetailType.LevelCompleted}`]: 1 });
    expect(source.duplicates).toBe(1);
  });

  it('reads archive lines, several files in order with each eventId once over all of them, and names the file of a malformed line', () => {
    // Prepare: two archives of the same bus holding some of the same completions (their own envelope ids).
    const [a, b, c] = [levelCompleted(), gameCompleted(), levelCompleted()];
    const archived = (event: object) => JSON.stringify({ archivedAt: '2026-01-01T00:00:00.000Z', event });
    const first = fileWith('first.ndjson', [archived(a), archived(b)]);
    const second = fileWith('second.ndjson', [archived(redelivered(b)), 'oops', archived(c)]);

    // Act
    const source = readRebuildSource([first, second]);

    // Assess
    expect(source.files).toEqual([first, second]);
    expect(source.events).toEqual([
      { file: first, line: 1, event: a },
      { file: first, line: 2, event: b },
      { file: second, line: 3, event: c },
    ]);
    expect(source.duplicates).toBe(1);
    expect(source.malformed).toEqual([{ file: second, line: 2, reason: expect.stringMatching(/^not valid JSON/) }]);
    // One file: positions are lines alone, as before.
    expect(readRebuildSource(first).events.map((e) => Object.keys(e))).toEqual([
      ['line', 'event'],
      ['line', 'event'],
    ]);
  });

  it('finds the archives of the housekeeping bus in a data folder by their descriptors, whatever their names', () => {
    // Prepare: a data folder with two archives of the bus and one of another bus.
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const archives = join(dataDir, 'archives');
    mkdirSync(archives);
    const describe = (name: string, bus: string) => {
      writeFileSync(join(archives, `${name}.json`), JSON.stringify({ ArchiveName: name, EventSourceArn: `arn:aws:events:us-east-1:000000000000:event-bus/${bus}`, RetentionDays: 0 }));
      writeFileSync(join(archives, `${name}.ndjson`), '');
    };
    describe('Zeta', 'game-events');
    describe('Alpha', 'game-events');
    describe('Other', 'elsewhere');

    // Act, assess
    expect(archivesOf(dataDir)).toEqual([join(archives, 'Alpha.ndjson'), join(archives, 'Zeta.ndjson')]);
    expect(() => archivesOf(dataDir, 'nope')).toThrow(/no event archive of bus nope in .*\(there: Alpha \(bus game-events\), Other \(bus elsewhere\), Zeta/);
    // A folder from before archives: the delivery journal is named, for --from.
    const old = mkdtempSync(join(dir, 'old-'));
    writeFileSync(join(old, 'events.ndjson'), '');
    expect(() => archivesOf(old)).toThrow(/no event archive in .*old-.*events\.ndjson there is the delivery journal, only the events not yet delivered: --from /);
  });

  it('names the file it cannot read', () => {
    expect(() => readRebuildSource(join(dir, 'missing.ndjson'))).toThrow(/cannot read .*missing\.ndjson/);
  });
});

describe('planBatches', () => {
  it('keeps every batch input within the byte limit (UTF-8) and the event limit, in order, every event once', () => {
    // Prepare: events of varied sizes, some with 2- and 3-byte characters.
    const events = Array.from({ length: 300 }, (_, i) => ({ i, pad: (i % 3 === 0 ? 'é' : i % 3 === 1 ? '€' : 'x').repeat(50 + ((i * 37) % 400)) }));

    // Act
    const { batches, tooLarge } = planBatches(events, { maxBytes: 8_000, maxEvents: 20 });

    // Assess
    expect(tooLarge).toEqual([]);
    expect(batches.flatMap((b) => b.indexes)).toEqual(events.map((_, i) => i));
    for (const batch of batches) {
      const bytes = Buffer.byteLength(batchInput(batch));
      expect(bytes).toBe(batch.bytes);
      expect(bytes).toBeLessThanOrEqual(8_000);
      expect(batch.texts.length).toBeLessThanOrEqual(20);
      expect(JSON.parse(batchInput(batch)).events).toEqual(batch.indexes.map((i) => events[i]));
    }
    // Full batches: none could have taken the next event too.
    for (let b = 0; b < batches.length - 1; b++) {
      const next = Buffer.byteLength(batches[b + 1]!.texts[0]!);
      expect(batches[b]!.texts.length === 20 || batches[b]!.bytes + 1 + next > 8_000).toBe(true);
    }
  });

  it('fills a batch up to exactly the limit of 256 KiB', () => {
    const event = { pad: 'x'.repeat(1000) };
    const size = JSON.stringify(event).length;
    const fit = Math.floor((MAX_EXECUTION_INPUT_BYTES - 13 + 1) / (size + 1));
    const { batches } = planBatches(Array.from({ length: fit + 1 }, () => event), { maxEvents: 10_000 });
    expect(batches.map((b) => b.texts.length)).toEqual([fit, 1]);
    expect(batches[0]!.bytes).toBeLessThanOrEqual(MAX_EXECUTION_INPUT_BYTES);
  });

  it('sets apart an event too large for any batch', () => {
    const { batches, tooLarge } = planBatches([{ a: 1 }, { pad: 'x'.repeat(MAX_EXECUTION_INPUT_BYTES) }, { b: 2 }]);
    expect(batches.flatMap((b) => b.indexes)).toEqual([0, 2]);
    expect(tooLarge).toEqual([{ index: 1, bytes: expect.any(Number) }]);
  });
});

describe('rebuild', () => {
  /** A stand-in for the Rebuild state machine: events with `fail` fail, the rest are written. */
  const machine =
    (log: number[] = [], { outputLimitEvents = Number.POSITIVE_INFINITY } = {}) =>
    async (input: string): Promise<BatchResult> => {
      const { events } = JSON.parse(input) as { events: { fail?: string; detail?: { eventId?: string } }[] };
      log.push(events.length);
      const failed = events.flatMap((e, index) =>
        e.fail ? [{ outcome: 'failed', index, ...(e.detail?.eventId ? { eventId: e.detail.eventId } : {}), error: e.fail, cause: `${e.fail} cause` }] : [],
      );
      if (failed.length > outputLimitEvents) return { status: 'FAILED', error: 'States.DataLimitExceeded', cause: 'output too large' };
      return { status: 'SUCCEEDED', output: JSON.stringify({ written: events.length - failed.length, failed }) };
    };

  it('maps each failure back to its position, line and eventId, and counts the rest written', async () => {
    const events = sourced(Array.from({ length: 25 }, (_, i) => ({ detail: { eventId: `e${i}` }, ...(i % 7 === 3 ? { fail: 'InvalidGameEvent' } : {}) })));
    const log: number[] = [];
    const progress: number[] = [];

    const summary = await rebuild(events, machine(log), { maxEvents: 10, onProgress: (done) => progress.push(done) });

    expect(log).toEqual([10, 10, 5]);
    expect(summary).toMatchObject({ events: 25, written: 21, batches: 3 });
    expect(summary.failed).toEqual([3, 10, 17, 24].map((i) => ({ index: i, line: i + 1, eventId: `e${i}`, error: 'InvalidGameEvent', cause: 'InvalidGameEvent cause' })));
    expect(progress.at(-1)).toBe(25);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('splits a batch whose output is over the limit and runs the halves, down to what fits', async () => {
    const events = sourced(Array.from({ length: 16 }, (_, i) => ({ detail: { eventId: `e${i}` }, ...(i < 12 ? { fail: 'InvalidGameEvent' } : {}) })));
    const log: number[] = [];

    const summary = await rebuild(events, machine(log, { outputLimitEvents: 4 }), { maxEvents: 16 });

    // 16 (12 failures) -> 8 (8) -> 4 + 4; 8 (4 failures) fits.
    expect(log).toEqual([16, 8, 4, 4, 8]);
    expect(summary).toMatchObject({ written: 4, batches: 5 });
    expect(summary.failed.map((f) => f.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('counts every event of a batch that failed as a whole or could not start, and goes on with the next batch', async () => {
    const events = sourced(Array.from({ length: 6 }, (_, i) => ({ detail: { eventId: `e${i}` } })));
    let call = 0;
    const summary = await rebuild(
      events,
      async (input) => {
        call += 1;
        if (call === 1) return { status: 'FAILED', error: 'States.Runtime', cause: 'broken definition' };
        if (call === 2) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
        return machine()(input);
      },
      { maxEvents: 2 },
    );
    expect(summary.written).toBe(2);
    expect(summary.failed.map((f) => [f.index, f.error, f.cause])).toEqual([
      [0, 'BatchFailed: States.Runtime', 'broken definition'],
      [1, 'BatchFailed: States.Runtime', 'broken definition'],
      [2, 'BatchNotStarted: Error', 'connect ECONNREFUSED'],
      [3, 'BatchNotStarted: Error', 'connect ECONNREFUSED'],
    ]);
  });

  it('reports an event too large to send as failed, without sending it', async () => {
    const log: number[] = [];
    const summary = await rebuild(sourced([{ detail: { eventId: 'big' }, pad: 'x'.repeat(MAX_EXECUTION_INPUT_BYTES) }, { detail: { eventId: 'small' } }]), machine(log));
    expect(log).toEqual([1]);
    expect(summary.written).toBe(1);
    expect(summary.failed).toEqual([{ index: 0, line: 1, eventId: 'big', error: 'EventTooLarge', cause: expect.stringMatching(/over Step Functions' 262144-byte limit/) }]);
  });
});
