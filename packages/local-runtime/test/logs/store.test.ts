import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStore, MAX_EVENT_BYTES, logGroupsOf } from '../../src/logs';
import { loadStackModel } from '../../src/template/model';
import { template } from '../lambda/fixtures/local-stack';

const scope = { region: 'us-east-1', accountId: '000000000000' };
const fileIn = () => join(mkdtempSync(join(tmpdir(), 'logs-')), 'logs.ndjson');
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ timestamp: 1_000 + from + i, message: `line ${from + i}\n` }));
const messages = (store: LogStore, group: string) => store.group(group)!.events.map((e) => e.message.trim());

describe('LogStore', () => {
  it('knows the log groups the template gives, as AWS names them', () => {
    const groups = logGroupsOf(loadStackModel(template, scope));
    expect(groups).toEqual([
      { name: 'LevelStoreLogs', retentionInDays: 30 },
      { name: 'HousekeepingLogs', retentionInDays: 30 },
      { name: '/aws/lambda/ReportFunction' },
    ]);
  });

  it('keeps only the newest events per group, dropping streams left empty past their bound', () => {
    // Prepare
    const store = new LogStore({ ...scope, groups: [{ name: 'g' }], maxEventsPerGroup: 5, maxStreamsPerGroup: 2 });

    // Act
    store.append('g', 's1', lines(0, 4));
    store.append('g', 's2', lines(4, 4));
    store.append('g', 's3', lines(8, 1));

    // Assess
    expect(messages(store, 'g')).toEqual(['line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    expect([...store.group('g')!.streams.keys()]).toEqual(['s2', 's3']);
    expect(store.group('g')!.streams.get('s2')!.events.map((e) => e.message.trim())).toEqual(['line 4', 'line 5', 'line 6', 'line 7']);
  });

  it('keeps exactly the newest events of a full group over thousands of appends, read between them or not', () => {
    // Prepare: a full group that drops old events on every append (they are cut from its arrays in chunks)
    const store = new LogStore({ ...scope, groups: [{ name: 'g' }], maxEventsPerGroup: 7 });

    // Act
    for (let i = 0; i < 3_000; i++) {
      store.append('g', `s${i % 3}`, lines(i * 2, 2));
      // Assess, now and then mid-way: a read sees only what is retained
      if (i === 1_500) expect(messages(store, 'g')).toEqual(['line 2995', 'line 2996', 'line 2997', 'line 2998', 'line 2999', 'line 3000', 'line 3001']);
    }

    // Assess
    const newest = Array.from({ length: 7 }, (_, k) => `line ${5_993 + k}`);
    expect(messages(store, 'g')).toEqual(newest);
    const ofStream = (name: string) => store.group('g')!.streams.get(name)!.events.map((e) => e.message.trim());
    expect([...ofStream('s0'), ...ofStream('s1'), ...ofStream('s2')].sort()).toEqual([...newest].sort());
    expect(ofStream('s2')).toEqual(['line 5993', 'line 5998', 'line 5999']);
    expect(store.group('g')!.storedBytes).toBe(newest.reduce((n, m) => n + Buffer.byteLength(`${m}\n`), 0));
  });

  it('cuts an event longer than AWS allows', () => {
    const store = new LogStore({ ...scope, groups: [{ name: 'g' }] });
    store.append('g', 's', [{ timestamp: 1, message: 'x'.repeat(300 * 1024) }]);
    expect(Buffer.byteLength(store.group('g')!.events[0]!.message)).toBe(MAX_EVENT_BYTES);
  });

  it('gives a restarted store everything journaled before, even without a clean close', () => {
    // Prepare
    const file = fileIn();
    const first = new LogStore({ ...scope, groups: [{ name: 'g' }], journalFile: file });
    first.append('g', 's1', lines(0, 2));
    first.append('other', 's9', lines(2, 1));
    appendFileSync(file, '{"g":"g","s":"s1","c":1,"e":[[1,1,"torn');

    // Act
    const second = new LogStore({ ...scope, groups: [{ name: 'g' }], journalFile: file });

    // Assess
    expect(messages(second, 'g')).toEqual(['line 0', 'line 1']);
    expect(messages(second, 'other')).toEqual(['line 2']);
    expect(second.group('g')!.streams.get('s1')).toMatchObject({ firstEventTimestamp: 1_000, lastEventTimestamp: 1_001 });
  });

  it('keeps the journal bounded as the memory is', () => {
    const file = fileIn();
    const store = new LogStore({ ...scope, groups: [{ name: 'g' }], journalFile: file, maxEventsPerGroup: 10 });
    for (let i = 0; i < 3_000; i += 1) store.append('g', 's', lines(i * 5, 5));
    store.close();
    const journaled = readFileSync(file, 'utf8').trim().split('\n').reduce((n, line) => n + JSON.parse(line).e.length, 0);
    expect(journaled).toBeLessThanOrEqual(10_000);
    expect(messages(new LogStore({ ...scope, groups: [], journalFile: file, maxEventsPerGroup: 10 }), 'g')).toEqual(messages(store, 'g'));
  });
});
