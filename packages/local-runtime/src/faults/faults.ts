import { createHash } from 'node:crypto';

/** A probability (0..1) for every function, or per function (by service name such as `metric`, or `*`). */
export type RatePerFunction = number | Record<string, number>;

/** Faults the local runtime can inject, all off by default. Rates are probabilities per attempt. */
export interface FaultOptions {
  /** Same seed, same faults for the same events (and the same sequence of DynamoDB requests). */
  seed?: number;
  /** The Lambda service fails the invocation before the handler runs (`Lambda.ServiceException`). */
  lambdaErrors?: RatePerFunction;
  /** The handler runs to the end, but the caller sees `Sandbox.Timedout`: done work, lost answer. */
  lambdaTimeouts?: RatePerFunction;
  /** DynamoDB item operations answered with `ProvisionedThroughputExceededException`. */
  dynamoThrottles?: number;
  /** EventBridge delivers the event to its target twice (at-least-once delivery). */
  duplicateDeliveries?: number;
  /** EventBridge holds the event back up to `maxDelayMs` first, so later events overtake it. */
  delayedDeliveries?: number;
  maxDelayMs?: number;
}

export type FaultKind = 'lambdaErrors' | 'lambdaTimeouts' | 'dynamoThrottles' | 'duplicateDeliveries' | 'delayedDeliveries';
export const FAULT_KINDS: FaultKind[] = ['lambdaErrors', 'lambdaTimeouts', 'dynamoThrottles', 'duplicateDeliveries', 'delayedDeliveries'];

/** What identifies a function in a per-function rate: its name, or its service package's short name. */
export interface FunctionIdentity {
  name: string;
  servicePackage?: string;
}

/** DynamoDB operations that read or write items: the ones real DynamoDB throttles under load. */
const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem']);

/**
 * Decides, deterministically from a seed, which attempts fail. Lambda and delivery faults are keyed by
 * the event (its detail) and the attempt number, so the same session meets the same faults in
 * every run whatever the interleaving; DynamoDB throttles follow the seeded sequence of requests.
 */
export class FaultInjector {
  readonly counters: Record<FaultKind, number> = { lambdaErrors: 0, lambdaTimeouts: 0, dynamoThrottles: 0, duplicateDeliveries: 0, delayedDeliveries: 0 };
  private readonly seed: number;
  private readonly occurrences = new Map<string, number>();

  constructor(private options: FaultOptions = {}) {
    this.seed = options.seed ?? 1;
    checkRates(options);
  }

  /**
   * Changes the rates of a running runtime (the seed stays): `setRates({ lambdaErrors: 0 })` turns
   * injected Lambda errors off, e.g. to show that a redrive succeeds once the fault is gone.
   */
  setRates(rates: Pick<FaultOptions, FaultKind>): void {
    const next = { ...this.options, ...rates };
    checkRates(next);
    this.options = next;
  }

  get enabled(): boolean {
    return FAULT_KINDS.some((kind) => {
      const rate = this.options[kind];
      return typeof rate === 'object' ? Object.values(rate).some((r) => r > 0) : (rate ?? 0) > 0;
    });
  }

  /** One line per enabled fault, for the banner. */
  describe(): string[] {
    if (!this.enabled) return [];
    const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
    const show = (rate: RatePerFunction | undefined) =>
      typeof rate === 'object' ? Object.entries(rate).map(([fn, r]) => `${fn} ${percent(r)}`).join(', ') : percent(rate ?? 0);
    const lines = [`seed ${this.seed}`];
    if (this.options.lambdaErrors) lines.push(`Lambda errors: ${show(this.options.lambdaErrors)}`);
    if (this.options.lambdaTimeouts) lines.push(`Lambda timeouts: ${show(this.options.lambdaTimeouts)}`);
    if (this.options.dynamoThrottles) lines.push(`DynamoDB throttling: ${show(this.options.dynamoThrottles)}`);
    if (this.options.duplicateDeliveries) lines.push(`duplicate deliveries: ${show(this.options.duplicateDeliveries)}`);
    if (this.options.delayedDeliveries) lines.push(`delayed deliveries: ${show(this.options.delayedDeliveries)} (up to ${this.maxDelayMs} ms)`);
    return lines;
  }

  /** The fault for this attempt to invoke `fn` with `payload`, if any. */
  lambdaFault(fn: FunctionIdentity, payload: unknown): 'error' | 'timeout' | undefined {
    const errors = rateFor(this.options.lambdaErrors, fn);
    const timeouts = rateFor(this.options.lambdaTimeouts, fn);
    if (errors <= 0 && timeouts <= 0) return undefined;
    const key = `${fn.name}|${eventKey(payload)}`;
    if (this.hit('lambdaErrors', key, errors)) return 'error';
    if (this.hit('lambdaTimeouts', key, timeouts)) return 'timeout';
    return undefined;
  }

  /** Whether to throttle this DynamoDB request (`X-Amz-Target` operation). */
  throttleDynamo(operation: string): boolean {
    if (!ITEM_OPERATIONS.has(operation)) return false;
    return this.hit('dynamoThrottles', 'sequence', this.options.dynamoThrottles ?? 0);
  }

  duplicateDelivery(event: unknown): boolean {
    const rate = this.options.duplicateDeliveries ?? 0;
    return rate > 0 && this.hit('duplicateDeliveries', eventKey(event), rate);
  }

  /** How long to hold this delivery back (0: not delayed). */
  deliveryDelayMs(event: unknown): number {
    if (!this.options.delayedDeliveries) return 0;
    const key = eventKey(event);
    if (!this.hit('delayedDeliveries', key, this.options.delayedDeliveries ?? 0)) return 0;
    return Math.floor(this.uniform('delay', key, 0) * this.maxDelayMs);
  }

  private get maxDelayMs(): number {
    return this.options.maxDelayMs ?? 2_000;
  }

  private hit(kind: FaultKind, key: string, rate: number): boolean {
    if (rate <= 0) return false;
    const occurrence = this.occurrences.get(`${kind}|${key}`) ?? 0;
    this.occurrences.set(`${kind}|${key}`, occurrence + 1);
    const hit = this.uniform(kind, key, occurrence) < rate;
    if (hit) this.counters[kind] += 1;
    return hit;
  }

  /** A uniform number in [0, 1) from the seed, the kind, the key and the occurrence. */
  private uniform(kind: string, key: string, occurrence: number): number {
    const digest = createHash('sha256').update(`${this.seed}|${kind}|${key}|${occurrence}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  }
}

function checkRates(options: FaultOptions): void {
  for (const kind of FAULT_KINDS) {
    const rate = options[kind];
    for (const value of typeof rate === 'object' ? Object.values(rate) : [rate ?? 0]) {
      if (!(value >= 0 && value <= 1)) throw new RangeError(`fault rate ${kind} must be between 0 and 1, got ${value}`);
    }
  }
}

function rateFor(rate: RatePerFunction | undefined, fn: FunctionIdentity): number {
  if (typeof rate !== 'object') return rate ?? 0;
  const service = fn.servicePackage?.split('/').pop();
  return rate[fn.name] ?? (service !== undefined ? rate[service] : undefined) ?? rate['*'] ?? 0;
}

/**
 * What identifies an event across runs: its detail (an EventBridge event's envelope id and time change on
 * every put; the detail is what the producer sent), or the payload itself.
 */
function eventKey(payload: unknown): string {
  const event = payload as { detail?: unknown } | null;
  return JSON.stringify(event && typeof event === 'object' && 'detail' in event ? event.detail : (payload ?? null));
}
