import { Journal } from '../shared/journal';

/** One log event as CloudWatch Logs keeps it. `seq` orders ingestion within the group (tokens and event ids). */
export interface StoredLogEvent {
  seq: number;
  timestamp: number;
  ingestionTime: number;
  message: string;
  stream: StoredLogStream;
}

export interface StoredLogStream {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** The stream's retained events, oldest first (ingestion order is time order within one environment). */
  readonly events: readonly StoredLogEvent[];
}

export interface StoredLogGroup {
  name: string;
  arn: string;
  creationTime: number;
  retentionInDays?: number;
  streams: Map<string, StoredLogStream>;
  /** Every retained event of the group, in ingestion order. */
  readonly events: readonly StoredLogEvent[];
  storedBytes: number;
  nextSeq: number;
}

export interface LogGroupDefinition {
  name: string;
  retentionInDays?: number;
}

export interface LogStoreOptions {
  region: string;
  accountId: string;
  /** The groups that exist from the start (the template's and the functions'). */
  groups: LogGroupDefinition[];
  /** Newest events kept per group (default 10,000): older ones are dropped, so memory stays flat. */
  maxEventsPerGroup?: number;
  /** Newest bytes of messages kept per group (default 16 MB). */
  maxBytesPerGroup?: number;
  /** Streams kept per group (default 1,000): the oldest streams without events left are dropped first. */
  maxStreamsPerGroup?: number;
  /** With the data-folder option, every event is on disk (newline-delimited JSON) before it is visible. */
  journalFile?: string;
  now?: () => number;
}

/** AWS's largest event: 256 KB including 26 bytes of overhead. Longer messages are cut, as the Lambda agent cuts them. */
export const MAX_EVENT_BYTES = 256 * 1024 - 26;

/**
 * Events oldest first, from which the oldest are dropped as new ones come. Dropping only moves a start
 * index and the array is cut down when it is read (or when half of it is dropped), so a full group's
 * every append does not shift 10,000 entries (it did: 66 µs per append instead of 9).
 */
class RetainedEvents {
  private items: StoredLogEvent[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  /** The event `index` places from the oldest retained one. */
  at(index: number): StoredLogEvent | undefined {
    return this.items[this.start + index];
  }

  push(event: StoredLogEvent): void {
    this.items.push(event);
  }

  dropOldest(count: number): void {
    this.start += count;
    if (this.start > 1024 && this.start * 2 > this.items.length) this.cut();
  }

  /** The retained events as an array (what readers see). */
  view(): readonly StoredLogEvent[] {
    this.cut();
    return this.items;
  }

  private cut(): void {
    if (this.start === 0) return;
    this.items = this.items.slice(this.start);
    this.start = 0;
  }
}

/** A journal record: events appended to one stream (timestamps, ingestion times, messages). */
interface JournalRecord {
  g: string;
  s: string;
  c: number;
  e: Array<[number, number, string]>;
}

/**
 * The local CloudWatch Logs data: log groups, their streams and events, bounded in memory (the newest
 * events per group), and journaled to the data folder when there is one.
 */
export class LogStore {
  private readonly groups = new Map<string, StoredLogGroup>();
  /** Each group's and each stream's events (their `events` read these). */
  private readonly retained = new WeakMap<StoredLogGroup | StoredLogStream, RetainedEvents>();
  private readonly journal: Journal<JournalRecord>;
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private readonly maxStreams: number;
  private readonly now: () => number;
  private journaledEvents = 0;

  constructor(private readonly options: LogStoreOptions) {
    this.maxEvents = options.maxEventsPerGroup ?? 10_000;
    this.maxBytes = options.maxBytesPerGroup ?? 16 * 1024 * 1024;
    this.maxStreams = options.maxStreamsPerGroup ?? 1_000;
    this.now = options.now ?? Date.now;
    for (const group of options.groups) this.ensureGroup(group.name, group.retentionInDays);
    this.journal = new Journal<JournalRecord>(options.journalFile);
    const records = this.journal.load();
    for (const record of records) {
      this.store(record.g, record.s, record.c, record.e.map(([timestamp, ingestionTime, message]) => ({ timestamp, ingestionTime, message })));
      this.journaledEvents += record.e.length;
    }
    // What was dropped from memory need not stay on disk either.
    if (records.length > 0) this.compact();
  }

  /** Creates the groups that do not exist yet (a template update adds functions or log groups). */
  addGroups(groups: readonly LogGroupDefinition[]): void {
    for (const group of groups) this.ensureGroup(group.name, group.retentionInDays);
  }

  group(name: string): StoredLogGroup | undefined {
    return this.groups.get(name);
  }

  /** Every group, sorted by name (as DescribeLogGroups lists them). */
  listGroups(): StoredLogGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  arnOf(group: StoredLogGroup): string {
    return `arn:aws:logs:${this.options.region}:${this.options.accountId}:log-group:${group.name}`;
  }

  /** Appends events to a stream (created on first use, as Lambda creates an environment's stream). */
  append(groupName: string, streamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>): void {
    if (events.length === 0) return;
    const ingestionTime = this.now();
    const cut = events.map((e) => ({ timestamp: e.timestamp, ingestionTime, message: truncate(e.message) }));
    const creationTime = this.groups.get(groupName)?.streams.get(streamName)?.creationTime ?? cut.reduce((first, e) => Math.min(first, e.timestamp), ingestionTime);
    this.journal.append({ g: groupName, s: streamName, c: creationTime, e: cut.map((e) => [e.timestamp, e.ingestionTime, e.message]) });
    this.journaledEvents += cut.length;
    this.store(groupName, streamName, creationTime, cut);
    const retained = [...this.groups.values()].reduce((n, g) => n + this.eventsOf(g).length, 0);
    if (this.journaledEvents > Math.max(2 * retained, 10_000)) this.compact();
  }

  close(): void {
    this.journal.close();
  }

  private ensureGroup(name: string, retentionInDays?: number, creationTime = this.now()): StoredLogGroup {
    let group = this.groups.get(name);
    if (!group) {
      const events = new RetainedEvents();
      group = {
        name,
        arn: '',
        creationTime,
        streams: new Map(),
        get events() {
          return events.view();
        },
        storedBytes: 0,
        nextSeq: 1,
      };
      this.retained.set(group, events);
      group.arn = this.arnOf(group);
      if (retentionInDays !== undefined) group.retentionInDays = retentionInDays;
      this.groups.set(name, group);
    }
    return group;
  }

  private store(groupName: string, streamName: string, creationTime: number, events: Array<{ timestamp: number; ingestionTime: number; message: string }>): void {
    const group = this.ensureGroup(groupName, undefined, creationTime);
    let stream = group.streams.get(streamName);
    if (!stream) {
      const events = new RetainedEvents();
      stream = {
        name: streamName,
        creationTime,
        get events() {
          return events.view();
        },
      };
      this.retained.set(stream, events);
      group.streams.set(streamName, stream);
    }
    for (const e of events) {
      const event: StoredLogEvent = { seq: group.nextSeq++, timestamp: e.timestamp, ingestionTime: e.ingestionTime, message: e.message, stream };
      this.eventsOf(stream).push(event);
      this.eventsOf(group).push(event);
      group.storedBytes += Buffer.byteLength(e.message);
      stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? e.timestamp, e.timestamp);
      stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? e.timestamp, e.timestamp);
      stream.lastIngestionTime = e.ingestionTime;
    }
    this.evict(group);
  }

  /** Drops the group's oldest events beyond its bounds, then its oldest empty streams beyond theirs. */
  private evict(group: StoredLogGroup): void {
    const events = this.eventsOf(group);
    let drop = 0;
    let bytes = group.storedBytes;
    while (drop < events.length && (events.length - drop > this.maxEvents || bytes > this.maxBytes)) {
      const oldest = events.at(drop)!;
      bytes -= Buffer.byteLength(oldest.message);
      // A group drops its oldest event, which is its stream's oldest too (both are in ingestion order).
      this.eventsOf(oldest.stream).dropOldest(1);
      drop += 1;
    }
    if (drop > 0) {
      events.dropOldest(drop);
      group.storedBytes = bytes;
    }
    if (group.streams.size > this.maxStreams) {
      const empty = [...group.streams.values()].filter((s) => this.eventsOf(s).length === 0).sort((a, b) => (a.lastIngestionTime ?? 0) - (b.lastIngestionTime ?? 0));
      for (const stream of empty.slice(0, group.streams.size - this.maxStreams)) group.streams.delete(stream.name);
    }
  }

  private eventsOf(owner: StoredLogGroup | StoredLogStream): RetainedEvents {
    return this.retained.get(owner)!;
  }

  private compact(): void {
    const records: JournalRecord[] = [];
    for (const group of this.groups.values()) {
      for (const stream of group.streams.values()) {
        if (stream.events.length === 0) continue;
        records.push({ g: group.name, s: stream.name, c: stream.creationTime, e: stream.events.map((e) => [e.timestamp, e.ingestionTime, e.message]) });
      }
    }
    this.journal.compact(records);
    this.journaledEvents = records.reduce((n, r) => n + r.e.length, 0);
  }
}

function truncate(message: string): string {
  if (message.length * 3 <= MAX_EVENT_BYTES) return message;
  const bytes = Buffer.from(message);
  return bytes.length <= MAX_EVENT_BYTES ? message : bytes.subarray(0, MAX_EVENT_BYTES).toString('utf8');
}
