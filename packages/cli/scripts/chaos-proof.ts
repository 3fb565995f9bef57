import { GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { readDeadLetter } from '@gamekeeper/contracts';
import { type FaultKind, type FaultOptions, startLocalRuntime } from '@gamekeeper/local-runtime';
import { digestHex, eventDigest } from '@gamekeeper/replay-safe-store';
import { type AwsClients, awsClients } from '../src/clients';
import { scanAll } from '../src/commands/tables';
import { publishAll } from '../src/publish';
import { countDeadLetters, redriveDeadLetters } from '../src/dead-letters';
import { type SessionEvent, generateSession } from '../src/session';
import { loadGamekeeperStack } from '../src/synth';

/** The faults of the proof: every kind at 15%, and one function failing most of the time (a bad deploy). */
export const CHAOS_FAULTS: FaultOptions = {
  seed: 7,
  lambdaErrors: { '*': 0.15, metric: 0.6 },
  lambdaTimeouts: 0.15,
  dynamoThrottles: 0.15,
  duplicateDeliveries: 0.15,
  delayedDeliveries: 0.15,
  maxDelayMs: 1_000,
};

const REPLAY_WINDOW = 50;

/** The tables the proof compares item by item (the idempotency table holds timestamps of each run). */
const COMPARED_TABLES = ['CompletedLevel', 'CompletedGame'];

export interface RunFigures {
  executions: { succeeded: number; failed: number; running: number };
  retries: number;
  functionTimeouts: Record<string, number>;
  faults: Record<FaultKind, number>;
  deadLettered: number;
  redriven: number;
  redriveRounds: number;
  /** Still in the dead-letter queue after the redrive rounds (validation failures stay there on purpose). */
  stillDeadLettered: number;
  items: Record<string, number>;
  metricSeries: number;
}

export interface ChaosReport {
  events: number;
  faultFree: RunFigures;
  faulty: RunFigures;
  /** Events neither applied by the faulty run nor waiting in its dead-letter queue. */
  lost: number;
  /** Items or metric series that differ between the faulty run (after redrive) and the fault-free one. */
  mismatches: number;
  details: string[];
}

/** A seeded session of at least `count` events: several players, games, levels and game completions. */
export function chaosSession(count: number, seed = 42): SessionEvent[] {
  const events: SessionEvent[] = [];
  for (let s = seed; events.length < count; s++) {
    events.push(...generateSession({ seed: s, players: 12, games: ['space-hopper', 'cave-runner', 'sky-tower'], levelsPerGame: 6 }));
  }
  return events.slice(0, count);
}

export interface Snapshot {
  figures: RunFigures;
  /** `<table> <key>` → the item, with its applied-event list sorted (arrival order is not state). */
  items: Map<string, string>;
  /** `<namespace> <metric> <dimensions> <timestamp>` → `count/sum`. */
  metrics: Map<string, string>;
  /** The session's events (eventIds) the items remember having applied (the items keep their digests). */
  applied: Set<string>;
  deadLettered: Set<string>;
}

/**
 * Replays the same session into two fresh stacks, once without faults and once with `faults` followed by
 * redrives of the dead-letter queue, then compares them: every event accounted for, every item and every
 * metric series equal.
 */
export async function runChaos(options: { session: SessionEvent[]; faults?: FaultOptions; log?: (line: string) => void }): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  log(`fault-free run: ${options.session.length} events`);
  const clean = await replayInto(options.session, undefined, log);
  log('faulty run');
  const faulty = await replayInto(options.session, options.faults ?? CHAOS_FAULTS, log);

  const details: string[] = [];
  let lost = 0;
  for (const event of options.session) {
    const eventId = String(event.detail.eventId);
    if (!faulty.applied.has(eventId) && !faulty.deadLettered.has(eventId)) {
      lost += 1;
      if (details.length < 20) details.push(`lost: ${event.detailType} ${eventId}`);
    }
  }
  let mismatches = 0;
  for (const [kind, expected, actual] of [
    ['item', clean.items, faulty.items],
    ['metric', clean.metrics, faulty.metrics],
  ] as const) {
    for (const key of new Set([...expected.keys(), ...actual.keys()])) {
      if (expected.get(key) === actual.get(key)) continue;
      mismatches += 1;
      if (details.length < 20) details.push(`${kind} ${key}: expected ${expected.get(key) ?? 'none'}, got ${actual.get(key) ?? 'none'}`);
    }
  }
  return { events: options.session.length, faultFree: clean.figures, faulty: faulty.figures, lost, mismatches, details };
}

/** Replays the session into a fresh in-process stack (with faults, then redrives) and snapshots the result. */
export async function replayInto(session: SessionEvent[], faults: FaultOptions | undefined, log: (line: string) => void = () => undefined): Promise<Snapshot> {
  const { template, appDir } = loadGamekeeperStack();
  // Short retry intervals (the proof is about outcomes, not waiting out real backoff), but long enough
  // that a duplicate delivery's retries outlast the first delivery's idempotency record in progress.
  const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: appDir, validateDefinitions: false, port: 0, retryIntervalMs: 100, functionLogFile: '/dev/null', ...(faults ? { faults } : {}) });
  const clients = awsClients(runtime.url);
  try {
    // In windows of 50, each processed before the next, like a backend's steady stream: a flood of 1,000
    // at once would leave executions queued for Lambda past the tasks' 60 s timeout (work for no proof).
    let sent = 0;
    for (let i = 0; i < session.length; i += REPLAY_WINDOW) {
      const published = await publishAll(clients.eventBridge, session.slice(i, i + REPLAY_WINDOW));
      if (published.sent !== published.total) throw new Error(`events were not published: ${published.problems.slice(0, 3).join('; ')}`);
      sent += published.sent;
      await runtime.idle();
      if (sent % 250 === 0 || sent === session.length) log(`  published and processed ${sent}/${session.length}`);
    }
    let deadLettered = 0;
    let redriven = 0;
    let rounds = 0;
    // Redrive until the queue holds only what would fail again (or a few rounds: a fault can strike a redrive too).
    for (let waiting = await countDeadLetters(clients); waiting > 0 && rounds < 6; waiting = await countDeadLetters(clients)) {
      rounds += 1;
      const result = await redriveDeadLetters(clients, { visibilityTimeoutSeconds: 1 });
      deadLettered += result.redriven;
      redriven += result.redriven;
      log(`  redrive round ${rounds}: ${result.redriven} redriven (${Object.entries(result.errors).map(([e, n]) => `${e} ${n}`).join(', ')})`);
      await runtime.idle();
      if (result.redriven === 0) break;
    }
    const remaining = runtime.queues.list().flatMap((q) => runtime.queues.messages(q.arn));
    const summary = await runtime.summary();
    const snapshot = await snapshotOf(clients, session);
    return {
      ...snapshot,
      // A rule's or the Catch's dead letter is the event; the metric function's failed invocation, Lambda's record around it.
      deadLettered: new Set(remaining.map((m) => String((readDeadLetter(m.body).event as { detail?: { eventId?: unknown } } | undefined)?.detail?.eventId))),
      figures: {
        executions: summary.executions,
        retries: summary.retries,
        functionTimeouts: summary.functionTimeouts,
        faults: summary.faults,
        deadLettered: deadLettered + remaining.length,
        redriven,
        redriveRounds: rounds,
        stillDeadLettered: remaining.length,
        items: Object.fromEntries(COMPARED_TABLES.map((t) => [t, [...snapshot.items.keys()].filter((k) => k.startsWith(`${t} `)).length])),
        metricSeries: snapshot.metrics.size,
      },
    };
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await runtime.stop();
  }
}

/**
 * What a run left behind, read through the SDK like any client would: the compared tables item by item,
 * and every metric series as per-minute SampleCount/Sum over the session's time span.
 */
export async function snapshotOf(clients: AwsClients, session: SessionEvent[]): Promise<Omit<Snapshot, 'figures' | 'deadLettered'>> {
  const items = new Map<string, string>();
  const applied = new Set<string>();
  // Items keep 8-byte digests of the applied event ids; the session says which event each one is.
  const eventIdByDigest = new Map(session.map((e) => [digestHex(eventDigest(String(e.detail.eventId))), String(e.detail.eventId)]));
  const { TableNames = [] } = await clients.dynamodb.send(new ListTablesCommand({}));
  for (const tableName of TableNames) {
    const logical = COMPARED_TABLES.find((name) => tableName.includes(name));
    if (!logical) continue;
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const keyNames = (Table?.KeySchema ?? []).map((k) => k.AttributeName!);
    for (const item of await scanAll(clients.documents, tableName)) {
      // The replay-safe store keeps 8-byte digests of the applied event ids (as binary values).
      const digests = ((item.appliedEventDigests as Uint8Array[] | undefined) ?? []).map(digestHex);
      for (const digest of digests) {
        const eventId = eventIdByDigest.get(digest);
        if (eventId !== undefined) applied.add(eventId);
      }
      items.set(`${logical} ${keyNames.map((k) => String(item[k])).join('/')}`, JSON.stringify(sortKeys({ ...item, appliedEventDigests: [...digests].sort() })));
    }
  }
  const times = session.map((e) => Date.parse(String(e.detail.completedAt)));
  const StartTime = new Date(Math.min(...times) - 3_600_000);
  const EndTime = new Date(Math.max(...times) + 3_600_000);
  const metrics = new Map<string, string>();
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudWatch.send(new ListMetricsCommand({ NextToken }));
    for (const metric of page.Metrics ?? []) {
      const { Datapoints = [] } = await clients.cloudWatch.send(
        new GetMetricStatisticsCommand({ Namespace: metric.Namespace, MetricName: metric.MetricName, Dimensions: metric.Dimensions, StartTime, EndTime, Period: 60, Statistics: ['SampleCount', 'Sum'] }),
      );
      const dimensions = [...(metric.Dimensions ?? [])].sort((a, b) => a.Name!.localeCompare(b.Name!)).map((d) => `${d.Name}=${d.Value}`).join(',');
      for (const point of Datapoints) metrics.set(`${metric.Namespace} ${metric.MetricName} ${dimensions} ${point.Timestamp?.toISOString()}`, `${point.SampleCount}/${point.Sum}`);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return { items, applied, metrics };
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

/** The figures as `npm run chaos` prints them; the last two lines must read 0. */
export function formatChaosReport(report: ChaosReport): string[] {
  const run = (name: string, f: RunFigures) => [
    `${name}:`,
    `  executions: ${f.executions.succeeded} succeeded, ${f.executions.failed} failed, ${f.executions.running} running`,
    `  faults injected: ${Object.entries(f.faults).map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
    `  task retries: ${f.retries}; functions that really timed out: ${Object.keys(f.functionTimeouts).length === 0 ? 'none' : JSON.stringify(f.functionTimeouts)}`,
    `  dead-lettered: ${f.deadLettered}, redriven: ${f.redriven} in ${f.redriveRounds} rounds, still dead-lettered: ${f.stillDeadLettered}`,
    `  items: ${Object.entries(f.items).map(([t, n]) => `${t} ${n}`).join(', ')}; metric series: ${f.metricSeries}`,
  ];
  return [`events: ${report.events}`, ...run('fault-free run', report.faultFree), ...run('faulty run', report.faulty), ...report.details.map((d) => `  ${d}`), `lost: ${report.lost}`, `mismatches: ${report.mismatches}`];
}
