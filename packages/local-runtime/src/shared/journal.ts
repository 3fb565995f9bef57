import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only newline-delimited JSON file: what the local runtime keeps on disk with the data-folder
 * option so a crash (even SIGKILL) loses nothing it acknowledged. Each append is one write(2) straight to
 * the file (no user-space buffering), so once a call returns the record survives the process. Without a
 * path it keeps nothing (the in-memory default).
 */
export class Journal<T> {
  private fd: number | undefined;

  constructor(readonly path: string | undefined) {}

  /** The records earlier runs appended; a torn last line (the process died mid-write) is ignored. */
  load(): T[] {
    if (!this.path || !existsSync(this.path)) return [];
    const records: T[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        // Only the last line can be torn; anything after it was never acknowledged.
      }
    }
    return records;
  }

  /** Replaces the file with `records` (atomically: write aside, then rename) and keeps appending to it. */
  compact(records: readonly T[]): void {
    if (!this.path) return;
    this.close();
    mkdirSync(dirname(this.path), { recursive: true });
    const aside = `${this.path}.compacting`;
    writeFileSync(aside, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(aside, this.path);
  }

  append(...records: T[]): void {
    if (!this.path || records.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a+');
      // A run that died mid-write left a torn last line without its line end: end it, or this run's first
      // record would be joined to it and lost with it on the next load.
      const { size } = fstatSync(this.fd);
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) writeSync(this.fd, '\n');
    }
    writeSync(this.fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
