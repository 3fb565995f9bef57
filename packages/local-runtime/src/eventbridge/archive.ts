import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { epochSeconds } from '../protocol/aws-error';
import { Journal } from '../shared/journal';
import type { ArchiveModel } from '../template/model';
import { compilePattern } from './pattern';
import type { EventBridgeEvent } from './service';

/** Without a data folder an archive keeps this many of its newest events (in memory), and drops older ones. */
export const MEMORY_ARCHIVE_EVENTS = 10_000;
const DAY_MS = 86_400_000;

/** One line of an archive file: the event exactly as targets receive it, and when it was archived. */
export interface ArchivedEvent {
  /** ISO 8601, milliseconds. */
  archivedAt: string;
  event: EventBridgeEvent;
}

/**
 * What an archive file is, next to it (`<name>.json`): DescribeArchive's fields, so a reader of the data
 * folder (the CLI's rebuild) knows which bus each archive holds without the template; and `CreationTime`,
 * kept from the run that first opened the archive.
 */
export interface ArchiveDescriptor {
  ArchiveName: string;
  ArchiveArn: string;
  EventSourceArn: string;
  Description?: string;
  /** JSON, as DescribeArchive answers it. */
  EventPattern?: string;
  RetentionDays: number;
  /** ISO 8601. */
  CreationTime: string;
}

/** The archive's files in a data folder's `archives/` directory. */
export const archiveFiles = (dir: string, name: string) => ({ events: join(dir, `${name}.ndjson`), descriptor: join(dir, `${name}.json`) });

export interface EventArchiveOptions {
  /** Where its files go (`<dataDir>/archives`); in memory when absent. */
  dir?: string;
  /** In memory: how many of the newest events are kept (default {@link MEMORY_ARCHIVE_EVENTS}). */
  memoryLimit?: number;
  now?: () => number;
}

/**
 * One `AWS::Events::Archive` of the template: every event its bus accepts that matches its pattern (all of
 * them without one), appended as it is accepted. With a folder, an append-only newline-delimited JSON file
 * (one write(2) per event, before PutEvents answers) that is never compacted: on opening it, only the events
 * older than `RetentionDays` are dropped (and a torn last line, never acknowledged). In memory, the newest
 * {@link MEMORY_ARCHIVE_EVENTS}; EventCount and SizeBytes then count the events kept.
 */
export class EventArchive {
  private readonly matches: (event: object) => boolean;
  private readonly journal: Journal<ArchivedEvent>;
  /** In memory only: the events kept, oldest first. */
  private readonly memory: ArchivedEvent[] | undefined;
  private readonly memoryLimit: number;
  private readonly now: () => number;
  private readonly creationTime: number;
  /** Sizes (UTF-8 bytes of the event's JSON) of the events in memory, to take them off SizeBytes when dropped. */
  private readonly memorySizes: number[] = [];
  private eventCount = 0;
  private sizeBytes = 0;
  /** Events dropped on opening because they were older than the retention. */
  readonly expired: number;

  constructor(
    readonly model: ArchiveModel,
    options: EventArchiveOptions = {},
  ) {
    this.matches = model.pattern === undefined ? () => true : compilePattern(model.pattern);
    this.now = options.now ?? Date.now;
    this.memoryLimit = options.memoryLimit ?? MEMORY_ARCHIVE_EVENTS;
    if (!options.dir) {
      this.journal = new Journal<ArchivedEvent>(undefined);
      this.memory = [];
      this.creationTime = this.now();
      this.expired = 0;
      return;
    }
    mkdirSync(options.dir, { recursive: true });
    const files = archiveFiles(options.dir, model.name);
    this.journal = new Journal<ArchivedEvent>(files.events);
    this.creationTime = this.describeOnDisk(files.descriptor);
    this.expired = this.openFile(files.events);
  }

  /** Appends the event if it matches the archive's pattern; true when it did. */
  offer(event: EventBridgeEvent): boolean {
    if (!this.matches(event)) return false;
    const record: ArchivedEvent = { archivedAt: new Date(this.now()).toISOString(), event };
    const size = Buffer.byteLength(JSON.stringify(event));
    this.journal.append(record);
    this.eventCount += 1;
    this.sizeBytes += size;
    if (this.memory) {
      this.memory.push(record);
      this.memorySizes.push(size);
      while (this.memory.length > this.memoryLimit) {
        this.memory.shift();
        this.eventCount -= 1;
        this.sizeBytes -= this.memorySizes.shift()!;
      }
    }
    return true;
  }

  /** Every event the archive holds, oldest first (read from the file when on disk). */
  events(): ArchivedEvent[] {
    if (this.memory) return [...this.memory];
    return this.journal.load();
  }

  /** ListArchives' entry for it. */
  summary() {
    return {
      ArchiveName: this.model.name,
      EventSourceArn: this.model.eventSourceArn,
      State: 'ENABLED',
      RetentionDays: this.model.retentionDays,
      SizeBytes: this.sizeBytes,
      EventCount: this.eventCount,
      CreationTime: epochSeconds(this.creationTime),
    };
  }

  /** DescribeArchive's answer. */
  describe() {
    return {
      ArchiveArn: this.model.arn,
      ...this.summary(),
      ...(this.model.description !== undefined ? { Description: this.model.description } : {}),
      ...(this.model.pattern !== undefined ? { EventPattern: JSON.stringify(this.model.pattern) } : {}),
    };
  }

  close(): void {
    this.journal.close();
  }

  /**
   * Writes the descriptor when it is missing or the template changed the archive (keeping the first
   * `CreationTime`); answers the creation time.
   */
  private describeOnDisk(file: string): number {
    let earlier: Partial<ArchiveDescriptor> | undefined;
    try {
      earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ArchiveDescriptor) : undefined;
    } catch {
      earlier = undefined;
    }
    const created = Date.parse(earlier?.CreationTime ?? '');
    const creationTime = Number.isNaN(created) ? this.now() : created;
    const descriptor: ArchiveDescriptor = {
      ArchiveName: this.model.name,
      ArchiveArn: this.model.arn,
      EventSourceArn: this.model.eventSourceArn,
      ...(this.model.description !== undefined ? { Description: this.model.description } : {}),
      ...(this.model.pattern !== undefined ? { EventPattern: JSON.stringify(this.model.pattern) } : {}),
      RetentionDays: this.model.retentionDays,
      CreationTime: new Date(creationTime).toISOString(),
    };
    const text = `${JSON.stringify(descriptor, null, 2)}\n`;
    if (!earlier || JSON.stringify(earlier) !== JSON.stringify(descriptor)) {
      writeFileSync(`${file}.writing`, text);
      renameSync(`${file}.writing`, file);
    }
    return creationTime;
  }

  /**
   * Counts what the file holds, dropping events archived more than `RetentionDays` ago and a torn last line
   * (the file is then rewritten, atomically); answers how many expired.
   */
  private openFile(file: string): number {
    if (!existsSync(file)) {
      writeFileSync(file, ''); // the archive is in the folder from its start, empty until its first event
      return 0;
    }
    const text = readFileSync(file, 'utf8');
    const cutoff = this.model.retentionDays > 0 ? this.now() - this.model.retentionDays * DAY_MS : Number.NEGATIVE_INFINITY;
    const kept: ArchivedEvent[] = [];
    let expired = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let record: ArchivedEvent;
      try {
        record = JSON.parse(line) as ArchivedEvent;
      } catch {
        continue; // only the last line can be torn (the process died mid-write): it was never acknowledged
      }
      if (Date.parse(record.archivedAt) < cutoff) {
        expired += 1;
        continue;
      }
      kept.push(record);
      this.eventCount += 1;
      this.sizeBytes += Buffer.byteLength(JSON.stringify(record.event));
    }
    const torn = text.length > 0 && !text.endsWith('\n');
    if (expired > 0 || torn) this.journal.compact(kept);
    return expired;
  }
}
