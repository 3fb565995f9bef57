import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/shared/journal';

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'journal-')), 'nested', 'records.ndjson');

describe('Journal', () => {
  it('gives a new instance on the same file every record appended before', () => {
    const file = fileIn();
    const first = new Journal<{ n: number }>(file);
    first.append({ n: 1 }, { n: 2 });
    first.append({ n: 3 });
    // No close: a killed process never closes its file.
    expect(new Journal<{ n: number }>(file).load()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('ignores a torn last line (the process died mid-write)', () => {
    const file = fileIn();
    new Journal<{ n: number }>(file).append({ n: 1 });
    appendFileSync(file, '{"n":');
    expect(new Journal<{ n: number }>(file).load()).toEqual([{ n: 1 }]);
  });

  it('keeps what the next run appends after a torn last line, without compacting', () => {
    // Prepare: a run died mid-write
    const file = fileIn();
    new Journal<{ n: number }>(file).append({ n: 1 });
    appendFileSync(file, '{"n":');

    // Act: the next run loads and appends; the one after it loads
    const next = new Journal<{ n: number }>(file);
    next.load();
    next.append({ n: 2 });

    // Assess
    expect(new Journal<{ n: number }>(file).load()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('compacts to the given records and keeps appending after them', () => {
    const file = fileIn();
    const journal = new Journal<{ n: number }>(file);
    journal.append({ n: 1 }, { n: 2 }, { n: 3 });
    journal.compact([{ n: 2 }]);
    journal.append({ n: 4 });
    journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":2}\n{"n":4}\n');
  });

  it('keeps nothing without a path', () => {
    const journal = new Journal<{ n: number }>(undefined);
    journal.append({ n: 1 });
    expect(journal.load()).toEqual([]);
  });
});
