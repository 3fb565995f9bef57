import { AwsServiceError, type ServiceBackend, notEmulated } from '../protocol/aws-error';
import { compileFilterPattern } from './filter-pattern';
import type { LogStore, StoredLogEvent, StoredLogGroup, StoredLogStream } from './store';

/** CloudWatch Logs' caller errors (awsJson1_1, `Logs_20140328.*`). */
const invalid = (message: string) => new AwsServiceError('InvalidParameterException', message);
const groupNotFound = () => new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
const streamNotFound = () => new AwsServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
const badToken = () => invalid('The specified nextToken is invalid.');

/** The most a FilterLogEvents or GetLogEvents page carries (AWS: 10,000 events or 1 MB). */
const MAX_PAGE_EVENTS = 10_000;
const MAX_PAGE_BYTES = 1024 * 1024;
/** What AWS counts per event toward the 1 MB page. */
const EVENT_OVERHEAD_BYTES = 26;

/** `limit` as AWS validates it: an integer in range, or the default. */
function limitOf(value: unknown, max: number, fallback = max): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value ${value !== undefined && Number(value) < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsServiceError('SerializationException', `Value for ${name} must be a string`);
  return value;
}

function optionalTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  return value;
}

/** Opaque paging tokens: an offset (describe operations) or an event position (FilterLogEvents). */
const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
function decodeToken<T>(token: unknown, valid: (value: any) => boolean): T | undefined {
  if (token === undefined || token === null) return undefined;
  if (typeof token !== 'string' || token === '') throw badToken();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badToken();
  }
  if (!valid(value)) throw badToken();
  return value as T;
}
const decodeOffset = (token: unknown) => decodeToken<{ o: number }>(token, (v) => Number.isInteger(v?.o) && v.o >= 0)?.o ?? 0;

/** GetLogEvents tokens look like AWS's: `f/<56 digits>/s` forward, `b/<56 digits>/s` backward. */
const streamToken = (direction: 'f' | 'b', seq: number) => `${direction}/${String(seq).padStart(56, '0')}/s`;
function parseStreamToken(token: unknown): { direction: 'f' | 'b'; seq: number } | undefined {
  if (token === undefined || token === null) return undefined;
  const match = typeof token === 'string' ? /^([fb])\/(\d{1,56})\/s$/.exec(token) : null;
  if (!match) throw badToken();
  return { direction: match[1] as 'f' | 'b', seq: Number(match[2]) };
}

/** The event id FilterLogEvents gives (stable for an event, so `aws logs tail --follow` can skip repeats). */
const eventIdOf = (event: StoredLogEvent) => String(event.seq).padStart(56, '0');

export interface LogsService extends ServiceBackend {
  readonly store: LogStore;
}

/**
 * CloudWatch Logs on the local endpoint (read side): DescribeLogGroups, DescribeLogStreams,
 * GetLogEvents and FilterLogEvents over the {@link LogStore}, with AWS's limits, paging tokens and errors.
 * Every other operation answers that it is not emulated.
 */
export function createLogsService(store: LogStore): LogsService {
  const accountArn = (group: StoredLogGroup) => store.arnOf(group);

  /** `logGroupName` or `logGroupIdentifier` (a name or an ARN), exactly one of them. */
  function groupOf(body: any): StoredLogGroup {
    const name = optionalString(body?.logGroupName, 'logGroupName');
    const identifier = optionalString(body?.logGroupIdentifier, 'logGroupIdentifier');
    if (name !== undefined && identifier !== undefined) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    const wanted = name ?? (identifier !== undefined ? groupNameFromIdentifier(identifier) : undefined);
    if (wanted === undefined) throw invalid('Either logGroupName or logGroupIdentifier must be specified.');
    const group = store.group(wanted);
    if (!group) throw groupNotFound();
    return group;
  }

  const describeStream = (group: StoredLogGroup, stream: StoredLogStream) => ({
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(stream.firstEventTimestamp !== undefined ? { firstEventTimestamp: stream.firstEventTimestamp } : {}),
    ...(stream.lastEventTimestamp !== undefined ? { lastEventTimestamp: stream.lastEventTimestamp } : {}),
    ...(stream.lastIngestionTime !== undefined ? { lastIngestionTime: stream.lastIngestionTime } : {}),
    arn: `${accountArn(group)}:log-stream:${stream.name}`,
    storedBytes: 0,
  });

  const operations: Record<string, (body: any) => unknown> = {
    DescribeLogGroups(body) {
      const prefix = optionalString(body?.logGroupNamePrefix, 'logGroupNamePrefix');
      const pattern = optionalString(body?.logGroupNamePattern, 'logGroupNamePattern');
      if (prefix !== undefined && pattern !== undefined) throw invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      const identifiers: unknown = body?.logGroupIdentifiers;
      if (identifiers !== undefined && (prefix !== undefined || pattern !== undefined)) throw invalid('logGroupIdentifiers cannot be combined with a name prefix or pattern.');
      const limit = limitOf(body?.limit, 50);
      const wanted = Array.isArray(identifiers) ? new Set(identifiers.map((i) => groupNameFromIdentifier(String(i)))) : undefined;
      const groups = store
        .listGroups()
        .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.includes(pattern)) && (!wanted || wanted.has(g.name)));
      const offset = decodeOffset(body?.nextToken);
      const page = groups.slice(offset, offset + limit);
      return {
        logGroups: page.map((g) => ({
          logGroupName: g.name,
          creationTime: g.creationTime,
          ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
          metricFilterCount: 0,
          arn: `${accountArn(g)}:*`,
          storedBytes: g.storedBytes,
          logGroupClass: 'STANDARD',
          logGroupArn: accountArn(g),
        })),
        ...(offset + limit < groups.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
      };
    },

    DescribeLogStreams(body) {
      const group = groupOf(body);
      const prefix = optionalString(body?.logStreamNamePrefix, 'logStreamNamePrefix');
      const orderBy = optionalString(body?.orderBy, 'orderBy') ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
        throw invalid(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
      }
      if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const limit = limitOf(body?.limit, 50);
      const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
      if (orderBy === 'LogStreamName') streams.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      else streams.sort((a, b) => (a.lastEventTimestamp ?? a.creationTime) - (b.lastEventTimestamp ?? b.creationTime) || (a.name < b.name ? -1 : 1));
      if (body?.descending === true) streams.reverse();
      const offset = decodeOffset(body?.nextToken);
      const page = streams.slice(offset, offset + limit);
      return {
        logStreams: page.map((s) => describeStream(group, s)),
        ...(offset + limit < streams.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
      };
    },

    GetLogEvents(body) {
      const group = groupOf(body);
      const streamName = optionalString(body?.logStreamName, 'logStreamName');
      if (!streamName) throw invalid('1 validation error detected: Value null at \'logStreamName\' failed to satisfy constraint: Member must not be null');
      const stream = group.streams.get(streamName);
      if (!stream) throw streamNotFound();
      const startTime = optionalTime(body?.startTime, 'startTime');
      const endTime = optionalTime(body?.endTime, 'endTime');
      const limit = limitOf(body?.limit, MAX_PAGE_EVENTS);
      const token = parseStreamToken(body?.nextToken);
      // Events in the time window: from startTime (included) to endTime (excluded).
      const inWindow = stream.events.filter((e) => (startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp < endTime));
      const fromHead = token ? token.direction === 'f' : body?.startFromHead === true;
      const candidates = token ? inWindow.filter((e) => (token.direction === 'f' ? e.seq >= token.seq : e.seq < token.seq)) : inWindow;
      const page = fromHead ? takeFromHead(candidates, limit) : takeFromTail(candidates, limit);
      const first = page[0];
      const last = page[page.length - 1];
      // At either end of the stream, the token passed in comes back (how callers know to stop).
      const here = token?.seq ?? (fromHead ? (candidates[0]?.seq ?? stream.events[0]?.seq ?? group.nextSeq) : group.nextSeq);
      return {
        events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
        nextForwardToken: streamToken('f', last ? last.seq + 1 : here),
        nextBackwardToken: streamToken('b', first ? first.seq : here),
      };
    },

    FilterLogEvents(body) {
      const group = groupOf(body);
      const names: unknown = body?.logStreamNames;
      const prefix = optionalString(body?.logStreamNamePrefix, 'logStreamNamePrefix');
      if (names !== undefined && names !== null && prefix !== undefined) throw invalid('You cannot specify both logStreamNames and logStreamNamePrefix.');
      if (names !== undefined && names !== null && (!Array.isArray(names) || names.length < 1 || names.length > 100)) {
        throw invalid("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length between 1 and 100");
      }
      const wanted = Array.isArray(names) ? new Set(names.map(String)) : undefined;
      const startTime = optionalTime(body?.startTime, 'startTime');
      const endTime = optionalTime(body?.endTime, 'endTime');
      const limit = limitOf(body?.limit, MAX_PAGE_EVENTS);
      const pattern = optionalString(body?.filterPattern, 'filterPattern');
      if (pattern !== undefined && pattern.length > 1024) {
        throw invalid("1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024");
      }
      const matches = compileFilterPattern(pattern);
      const after = decodeToken<{ t: number; s: number }>(body?.nextToken, (v) => Number.isFinite(v?.t) && Number.isInteger(v?.s));
      const searched = [...group.streams.values()].filter((s) => (!wanted || wanted.has(s.name)) && (prefix === undefined || s.name.startsWith(prefix)));
      const inStreams = new Set(searched);

      // Interleaved across streams by time (then by ingestion), as AWS returns them.
      const found = group.events
        .filter(
          (e) =>
            inStreams.has(e.stream) &&
            (startTime === undefined || e.timestamp >= startTime) &&
            (endTime === undefined || e.timestamp <= endTime) &&
            (!after || e.timestamp > after.t || (e.timestamp === after.t && e.seq > after.s)),
        )
        .sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
      const page: StoredLogEvent[] = [];
      let bytes = 0;
      for (const event of found) {
        if (!matches(event.message)) continue;
        const size = Buffer.byteLength(event.message) + EVENT_OVERHEAD_BYTES;
        if (page.length >= limit || (page.length > 0 && bytes + size > MAX_PAGE_BYTES)) {
          const last = page[page.length - 1]!;
          return respond(page, encodeToken({ t: last.timestamp, s: last.seq }));
        }
        page.push(event);
        bytes += size;
      }
      return respond(page, undefined);

      function respond(events: StoredLogEvent[], nextToken: string | undefined) {
        return {
          events: events.map((e) => ({ logStreamName: e.stream.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventIdOf(e) })),
          searchedLogStreams: searched.map((s) => ({ logStreamName: s.name, searchedCompletely: nextToken === undefined })),
          ...(nextToken ? { nextToken } : {}),
        };
      }
    },
  };

  return {
    store,
    operations: Object.keys(operations),
    async handle(operation: string, body: unknown): Promise<unknown> {
      const run = operations[operation];
      if (!run) throw notEmulated('CloudWatch Logs', operation);
      return run(body);
    },
  };
}

/** A log group's name from its name or ARN (`arn:aws:logs:region:account:log-group:NAME[:*]`). */
export function groupNameFromIdentifier(identifier: string): string {
  const marker = ':log-group:';
  const at = identifier.startsWith('arn:') ? identifier.indexOf(marker) : -1;
  return at < 0 ? identifier : identifier.slice(at + marker.length).replace(/:\*$/, '');
}

function takeFromHead(events: StoredLogEvent[], limit: number): StoredLogEvent[] {
  const page: StoredLogEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (page.length >= limit || (page.length > 0 && bytes + size > MAX_PAGE_BYTES)) break;
    page.push(e);
    bytes += size;
  }
  return page;
}

function takeFromTail(events: StoredLogEvent[], limit: number): StoredLogEvent[] {
  const page: StoredLogEvent[] = [];
  let bytes = 0;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const e = events[i]!;
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (page.length >= limit || (page.length > 0 && bytes + size > MAX_PAGE_BYTES)) break;
    page.push(e);
    bytes += size;
  }
  return page.reverse();
}
