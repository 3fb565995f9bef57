import { randomUUID } from 'node:crypto';
import { DeadLetterAttribute } from '@gamekeeper/contracts';
import { type AccountScope, arn, busNameFromArn } from '../arn';
import { AwsServiceError, type ServiceBackend, notEmulated } from '../protocol/aws-error';
import { Journal } from '../shared/journal';
import type { ArchiveModel, BusModel, RuleModel, RuleTargetModel } from '../template/model';
import { EventArchive } from './archive';
import { compilePattern } from './pattern';

/** AWS PutEvents limits. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
  TraceHeader?: string;
}

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** What a target reports back about a delivery as it happens: the execution it started (a state machine target). */
export interface DeliveryReceipt {
  executionArn: string;
}

/**
 * Hands a matched event to a rule target (a state machine, for gamekeeper); throws if delivery failed.
 * `started` is told of each execution the delivery starts, as soon as it starts.
 */
export type DeliverToTarget = (target: RuleTargetModel, input: unknown, rule: RuleModel, started?: (receipt: DeliveryReceipt) => void) => Promise<void>;

/** Where one target's delivery of a recent event stands. */
export type DeliveryOutcome = 'delivering' | 'retrying' | 'delivered' | 'dead-lettered' | 'dropped';

export interface RecentDelivery {
  rule: string;
  targetArn: string;
  outcome: DeliveryOutcome;
  /** Delivery attempts so far. */
  attempts: number;
  /** The executions the delivery started (more than one after a retry or a duplicate delivery). */
  executionArns: string[];
  /** The last failed attempt's error. */
  error?: string;
}

/** An event the bus received, the rules it matched and what became of each target's delivery. */
export interface RecentEvent {
  bus: string;
  event: EventBridgeEvent;
  /** When the bus received it (epoch ms): PutEvents, or the restart that resumed it. */
  receivedAt: number;
  /** Names of the rules it matched (none: it went nowhere). */
  rules: string[];
  deliveries: RecentDelivery[];
  resumed?: boolean;
}

export const DEFAULT_RECENT_EVENTS = 500;

export interface EventBridgeOptions extends AccountScope {
  buses: BusModel[];
  rules: RuleModel[];
  deliver: DeliverToTarget;
  /** Where undeliverable events go once the target's retry policy is spent (the rule's DLQ). */
  deadLetter: (queueArn: string, body: string, attributes: Record<string, string>) => void;
  /** Pause before delivery retry `attempt` (ms); AWS uses exponential backoff with jitter. */
  retryDelayMs?: (attempt: number) => number;
  /**
   * With the data-folder option: every matched event is on disk before PutEvents acknowledges it, and
   * marked settled once all its deliveries have finished; {@link EventBridgeService.resumeUnsettled}
   * delivers what a crash left unsettled.
   */
  journalFile?: string;
  /** The template's archives: each gets every accepted event of its bus that matches its pattern. */
  archives?: ArchiveModel[];
  /**
   * With the data-folder option: where the archives are kept (`<dataDir>/archives`, one append-only
   * `<ArchiveName>.ndjson` each, never compacted). In memory (the newest 10,000 per archive) when absent.
   */
  archiveDir?: string;
  /** How many of the newest events {@link EventBridgeService.recent} remembers (default 500; in memory only). */
  recentEvents?: number;
}

type InboxRecord = { op: 'accepted'; bus: string; event: EventBridgeEvent } | { op: 'settled'; id: string };

export interface EventBridgeCounters {
  putEntries: number;
  failedEntries: number;
  matched: number;
  unmatched: number;
  delivered: number;
  deliveryRetries: number;
  deadLettered: number;
  /** Events an earlier run had accepted but not settled, delivered again after a restart. */
  resumed: number;
}

/** EventBridge on the local endpoint: PutEvents with AWS's limits, the template's rules and targets. */
export class EventBridgeService implements ServiceBackend {
  private buses = new Set<string>();
  private rules: { rule: RuleModel; matches: (event: object) => boolean }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  readonly operations = [
    'PutEvents',
    'ListEventBuses',
    'DescribeEventBus',
    'ListRules',
    'DescribeRule',
    'ListTargetsByRule',
    'TestEventPattern',
    'ListArchives',
    'DescribeArchive',
  ] as const;
  /** The template's archives, by name. */
  readonly archives: ReadonlyMap<string, EventArchive>;
  readonly counters: EventBridgeCounters = { putEntries: 0, failedEntries: 0, matched: 0, unmatched: 0, delivered: 0, deliveryRetries: 0, deadLettered: 0, resumed: 0 };
  private readonly inbox: Journal<InboxRecord>;
  private readonly unsettled: { bus: string; event: EventBridgeEvent }[];
  /** The newest events, a ring: `recentNext` is where the next one goes. */
  private readonly recentRing: RecentEvent[] = [];
  private recentNext = 0;

  constructor(private readonly options: EventBridgeOptions) {
    this.prepareRules(options.buses, options.rules)();
    const archiveOptions = options.archiveDir ? { dir: options.archiveDir } : {};
    this.archives = new Map((options.archives ?? []).map((model) => [model.name, new EventArchive(model, archiveOptions)]));
    this.inbox = new Journal(options.journalFile);
    const pending = new Map<string, { bus: string; event: EventBridgeEvent }>();
    for (const record of this.inbox.load()) {
      if (record.op === 'accepted') pending.set(record.event.id, { bus: record.bus, event: record.event });
      else pending.delete(record.id);
    }
    this.unsettled = [...pending.values()];
    this.inbox.compact(this.unsettled.map(({ bus, event }) => ({ op: 'accepted', bus, event })));
  }

  /**
   * Readies new buses and rules (a template update) and returns the switch to them. Each rule's pattern
   * is compiled here, and a pattern PutRule would refuse throws naming the rule, changing nothing. After
   * the switch, events put are matched against the new rules and delivered to their targets; events
   * already matched keep the rules and targets they matched (their deliveries and retries go on).
   */
  prepareRules(buses: readonly BusModel[], rules: readonly RuleModel[]): () => void {
    const compiled = rules.map((rule) => {
      const unchanged = this.rules.find((r) => r.rule.arn === rule.arn && JSON.stringify(r.rule.pattern) === JSON.stringify(rule.pattern));
      if (unchanged) return { rule, matches: unchanged.matches };
      try {
        return { rule, matches: compilePattern(rule.pattern) };
      } catch (error) {
        throw new AwsServiceError('InvalidEventPatternException', `Rule ${rule.name}: ${(error as Error).message}`);
      }
    });
    return () => {
      this.buses = new Set(['default', ...buses.map((b) => b.name)]);
      this.rules = compiled;
    };
  }

  /** Delivers again the events an earlier run accepted but had not finished delivering (it crashed). */
  resumeUnsettled(): number {
    const resumed = this.unsettled.splice(0);
    for (const { bus, event } of resumed) this.route(bus, event, false);
    this.counters.resumed += resumed.length;
    return resumed.length;
  }

  close(): void {
    this.inbox.close();
    for (const archive of this.archives.values()) archive.close();
  }

  /** The newest events the bus received (at most `limit`, and at most the ring's size), newest first. */
  recent(limit = Number.POSITIVE_INFINITY): RecentEvent[] {
    const ring = this.recentRing;
    const newestFirst = [...ring.slice(0, this.recentNext).reverse(), ...ring.slice(this.recentNext).reverse()];
    return newestFirst.slice(0, Math.max(0, limit));
  }

  private remember(entry: RecentEvent): void {
    const size = this.options.recentEvents ?? DEFAULT_RECENT_EVENTS;
    if (size <= 0) return;
    if (this.recentRing.length < size) this.recentRing.push(entry);
    else this.recentRing[this.recentNext] = entry;
    this.recentNext = (this.recentNext + 1) % size;
  }

  async handle(operation: string, body: any): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(body?.Entries);
      case 'ListEventBuses':
        return { EventBuses: [...this.buses].map((Name) => ({ Name, Arn: arn.eventBus(this.options, Name) })) };
      case 'DescribeEventBus': {
        const name = busNameFromArn(body?.Name);
        if (!this.buses.has(name)) throw notFound(`Event bus ${name} does not exist.`);
        return { Name: name, Arn: arn.eventBus(this.options, name) };
      }
      case 'DescribeRule': {
        const { rule } = this.rule(body?.Name, body?.EventBusName);
        return {
          Name: rule.name,
          Arn: rule.arn,
          EventPattern: JSON.stringify(rule.pattern),
          State: rule.enabled ? 'ENABLED' : 'DISABLED',
          EventBusName: rule.busName,
          CreatedBy: this.options.accountId,
        };
      }
      case 'ListTargetsByRule': {
        const { rule } = this.rule(body?.Rule, body?.EventBusName);
        return {
          Targets: rule.targets.map((t) => ({
            Id: t.id,
            Arn: t.arn,
            ...(t.input !== undefined ? { Input: t.input } : {}),
            ...(t.inputPath !== undefined ? { InputPath: t.inputPath } : {}),
            RetryPolicy: { MaximumRetryAttempts: t.retryPolicy.maximumRetryAttempts, MaximumEventAgeInSeconds: t.retryPolicy.maximumEventAgeInSeconds },
            ...(t.deadLetterArn ? { DeadLetterConfig: { Arn: t.deadLetterArn } } : {}),
          })),
        };
      }
      case 'TestEventPattern':
        return { Result: testEventPattern(body?.EventPattern, body?.Event) };
      case 'ListRules': {
        const bus = busNameFromArn(body?.EventBusName);
        return {
          Rules: this.rules
            .filter(({ rule }) => rule.busName === bus)
            .map(({ rule }) => ({
              Name: rule.name,
              Arn: rule.arn,
              EventBusName: rule.busName,
              EventPattern: JSON.stringify(rule.pattern),
              State: rule.enabled ? 'ENABLED' : 'DISABLED',
            })),
        };
      }
      case 'ListArchives':
        return this.listArchives(body ?? {});
      case 'DescribeArchive': {
        const name = body?.ArchiveName;
        if (typeof name !== 'string' || name === '') {
          throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'archiveName' failed to satisfy constraint: Member must not be null");
        }
        const archive = this.archives.get(name);
        if (!archive) throw notFound(`Archive ${name} does not exist.`);
        return archive.describe();
      }
      default:
        throw notEmulated('EventBridge', operation);
    }
  }

  /** ListArchives: at most one filter (AWS's rule), pages of `Limit` (1 to 100) with a NextToken. */
  private listArchives(body: { NamePrefix?: string; EventSourceArn?: string; State?: string; Limit?: number; NextToken?: string }) {
    const { NamePrefix, EventSourceArn, State, Limit, NextToken } = body;
    if ([NamePrefix, EventSourceArn, State].filter((f) => f !== undefined).length > 1) {
      throw new AwsServiceError('ValidationException', 'At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix.');
    }
    if (State !== undefined && !ARCHIVE_STATES.includes(State)) {
      throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${State}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${ARCHIVE_STATES.join(', ')}]`);
    }
    if (Limit !== undefined && !(Number.isInteger(Limit) && Limit >= 1 && Limit <= 100)) {
      throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${Limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
    }
    if (EventSourceArn !== undefined && !this.buses.has(busNameFromArn(EventSourceArn))) throw notFound(`Event bus ${busNameFromArn(EventSourceArn)} does not exist.`);
    const start = NextToken === undefined ? 0 : Number(Buffer.from(NextToken, 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('ValidationException', 'The NextToken is not valid.');
    const matching = [...this.archives.values()].filter(
      ({ model }) =>
        (NamePrefix === undefined || model.name.startsWith(NamePrefix)) &&
        (EventSourceArn === undefined || busNameFromArn(model.eventSourceArn) === busNameFromArn(EventSourceArn)) &&
        (State === undefined || State === 'ENABLED'),
    );
    const end = start + (Limit ?? 100);
    return {
      Archives: matching.slice(start, end).map((archive) => archive.summary()),
      ...(end < matching.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
    };
  }

  private rule(name: unknown, busName: unknown) {
    if (typeof name !== 'string' || name === '') throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    const bus = busNameFromArn(busName);
    const found = this.rules.find(({ rule }) => rule.name === name && rule.busName === bus);
    if (!found) throw notFound(`Rule ${name} does not exist on EventBus ${bus}.`);
    return found;
  }

  /** Resolves when every delivery started so far has finished (or gone to its dead-letter queue). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  putEvents(entries: unknown) {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new AwsServiceError(
        'ValidationException',
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    if (entries.length > PUT_EVENTS_MAX_ENTRIES) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${PUT_EVENTS_MAX_ENTRIES}`,
      );
    }
    const total = entries.reduce((sum: number, e: PutEventsRequestEntry) => sum + entrySize(e), 0);
    if (total > PUT_EVENTS_MAX_BYTES) {
      throw new AwsServiceError('ValidationException', `Total size of the entries in the request is over the limit (${total} bytes, limit ${PUT_EVENTS_MAX_BYTES}).`);
    }
    const results = entries.map((entry: PutEventsRequestEntry) => this.putEntry(entry));
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    this.counters.putEntries += entries.length;
    this.counters.failedEntries += failed;
    return { FailedEntryCount: failed, Entries: results };
  }

  private putEntry(entry: PutEventsRequestEntry): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    const checked = checkEntry(entry);
    if ('ErrorCode' in checked) return checked;
    const bus = busNameFromArn(entry.EventBusName);
    if (!this.buses.has(bus)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: this.options.accountId,
      time: isoSeconds(entry.Time),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail: checked.detail,
    };
    // Archived as accepted, whether or not a rule matches it; a resumed delivery (after a restart) is not
    // archived again, and each entry is its own event (a resent entry has a new id, as on AWS).
    for (const archive of this.archives.values()) if (archive.model.busName === bus) archive.offer(event);
    if (this.route(bus, event, true)) this.counters.matched += 1;
    else this.counters.unmatched += 1;
    return { EventId: event.id };
  }

  /** Starts the deliveries of every matching rule's targets; false when no rule matched. */
  private route(bus: string, event: EventBridgeEvent, journal: boolean): boolean {
    const deliveries: Promise<void>[] = [];
    const recent: RecentEvent = { bus, event, receivedAt: Date.now(), rules: [], deliveries: [], ...(journal ? {} : { resumed: true }) };
    this.remember(recent);
    for (const { rule, matches } of this.rules) {
      if (rule.busName !== bus || !rule.enabled || !matches(event)) continue;
      if (journal && deliveries.length === 0) this.inbox.append({ op: 'accepted', bus, event });
      recent.rules.push(rule.name);
      for (const target of rule.targets) {
        const delivery: RecentDelivery = { rule: rule.name, targetArn: target.arn, outcome: 'delivering', attempts: 0, executionArns: [] };
        recent.deliveries.push(delivery);
        deliveries.push(this.deliverWithRetries(rule, target, event, delivery));
      }
    }
    if (deliveries.length === 0) return false;
    this.track(Promise.all(deliveries).then(() => this.inbox.append({ op: 'settled', id: event.id })));
    return true;
  }

  /** At-least-once delivery under the target's retry policy, then its dead-letter queue, as AWS does. */
  private async deliverWithRetries(rule: RuleModel, target: RuleTargetModel, event: EventBridgeEvent, delivery: RecentDelivery): Promise<void> {
    const input = targetInput(target, event);
    const deadline = Date.now() + target.retryPolicy.maximumEventAgeInSeconds * 1000;
    const started = ({ executionArn }: DeliveryReceipt) => void delivery.executionArns.push(executionArn);
    for (let attempt = 0; ; attempt++) {
      delivery.attempts = attempt + 1;
      try {
        await this.options.deliver(target, input, rule, started);
        this.counters.delivered += 1;
        delivery.outcome = 'delivered';
        return;
      } catch (error) {
        const err = error as Error;
        delivery.error = `${err.name}: ${err.message}`;
        const exhausted = attempt >= target.retryPolicy.maximumRetryAttempts || Date.now() >= deadline;
        if (!exhausted) {
          delivery.outcome = 'retrying';
          this.counters.deliveryRetries += 1;
          const delay = this.options.retryDelayMs?.(attempt) ?? Math.min(1000 * 2 ** attempt, 60_000) * Math.random();
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        delivery.outcome = target.deadLetterArn ? 'dead-lettered' : 'dropped';
        if (target.deadLetterArn) {
          this.counters.deadLettered += 1;
          this.options.deadLetter(target.deadLetterArn, JSON.stringify(event), {
            [DeadLetterAttribute.ErrorCode]: err.name,
            [DeadLetterAttribute.ErrorMessage]: err.message,
            [DeadLetterAttribute.RuleArn]: rule.arn,
            [DeadLetterAttribute.TargetArn]: target.arn,
          });
        }
        return;
      }
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }
}

const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);
const ARCHIVE_STATES = ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED'];

/** The fields TestEventPattern requires of the event, as AWS documents them. */
const TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

/** TestEventPattern: the same validation PutRule applies to the pattern, then one match. */
function testEventPattern(pattern: unknown, eventText: unknown): boolean {
  if (typeof pattern !== 'string') throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null");
  const matches = compilePattern(pattern);
  let event: unknown;
  try {
    event = typeof eventText === 'string' ? JSON.parse(eventText) : undefined;
  } catch {
    event = undefined;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event) || TEST_EVENT_FIELDS.some((field) => !(field in event))) {
    throw new AwsServiceError('ValidationException', `Parameter Event is not valid. The event must be JSON with the fields ${TEST_EVENT_FIELDS.join(', ')}.`);
  }
  return matches(event);
}

/** AWS's entry-size formula: Time counts 14 bytes, then UTF-8 bytes of Source, DetailType, Detail and each resource. */
export function entrySize(entry: PutEventsRequestEntry): number {
  if (typeof entry !== 'object' || entry === null) return 0;
  let size = entry.Time !== undefined ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (typeof text === 'string') size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** The entry's parsed detail, or the per-entry error PutEvents answers for it. */
function checkEntry(entry: PutEventsRequestEntry): { detail: object } | { ErrorCode: string; ErrorMessage: string } {
  if (typeof entry !== 'object' || entry === null) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not valid.' };
  if (!entry.Source) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
  if (!entry.DetailType) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
  }
  if (entry.Detail === undefined) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return { detail };
}

function isoSeconds(time: number | string | undefined): string {
  const date = time === undefined ? new Date() : typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The target's Input (constant JSON), its InputPath (a simple JSONPath), or else the whole event. */
function targetInput(target: RuleTargetModel, event: EventBridgeEvent): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath) {
    return target.inputPath
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
  }
  return event;
}
