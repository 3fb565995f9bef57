import { readDeadLetter } from '@gamekeeper/contracts';
import { aslToGraph } from '../graph/asl-graph';
import { type LaidOutGraph, layoutGraph } from '../graph/layout';
import { type HistoryEventLike, type StateView, catchTargetsOf, stateNamesOf, stateOutcomes } from './outcomes';
import { type ConsoleExecution as Execution, type ConsoleRuntime, eventCounters, executionCounters } from './runtime-seam';

export type { ConsoleRuntime } from './runtime-seam';
export type { ExecutionSummary, RecentEventView } from '../api-types';
import type { ExecutionSummary, RecentEventView } from '../api-types';


export interface ExecutionFilter {
  status?: string;
  detailType?: string;
  player?: string;
  eventId?: string;
  offset?: number;
  limit?: number;
}

const inputMeta = new WeakMap<Execution, { detailType?: string; eventId?: string; playerId?: string }>();

function metaOf(execution: Execution) {
  let meta = inputMeta.get(execution);
  if (!meta) {
    meta = {};
    try {
      const input = JSON.parse(execution.input) as Record<string, any>;
      const detail = input?.detail;
      if (typeof input?.['detail-type'] === 'string') meta.detailType = input['detail-type'];
      if (typeof detail?.eventId === 'string') meta.eventId = detail.eventId;
      if (typeof detail?.playerId === 'string') meta.playerId = detail.playerId;
    } catch {
      // An input that is not JSON has nothing to filter on.
    }
    inputMeta.set(execution, meta);
  }
  return meta;
}

const machineName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

function summarize(e: Execution): ExecutionSummary {
  return {
    executionArn: e.executionArn,
    name: e.name,
    stateMachine: machineName(e.stateMachineArn),
    status: e.status,
    startDate: e.startDate,
    ...(e.stopDate !== undefined ? { stopDate: e.stopDate } : {}),
    ...metaOf(e),
    ...(e.error !== undefined ? { error: e.error } : {}),
  };
}

/** Retained executions, newest first, filtered, one page of them. */
export function listExecutions(runtime: ConsoleRuntime, filter: ExecutionFilter): { total: number; offset: number; executions: ExecutionSummary[] } {
  const offset = Math.max(0, filter.offset ?? 0);
  const limit = Math.min(Math.max(1, filter.limit ?? 50), 500);
  const player = filter.player?.trim();
  const eventId = filter.eventId?.trim();
  const matching: Execution[] = [];
  for (const e of runtime.stepFunctions.executions.values()) {
    if (filter.status && e.status !== filter.status) continue;
    if (filter.detailType || player || eventId) {
      const meta = metaOf(e);
      if (filter.detailType && meta.detailType !== filter.detailType) continue;
      if (player && meta.playerId !== player) continue;
      if (eventId && meta.eventId !== eventId) continue;
    }
    matching.push(e);
  }
  matching.sort((a, b) => b.startDate - a.startDate);
  return { total: matching.length, offset, executions: matching.slice(offset, offset + limit).map(summarize) };
}

export interface ExecutionDetail {
  execution: ExecutionSummary & { input: string; output?: string; cause?: string };
  events: HistoryEventLike[];
  states: Record<string, StateView>;
  /** For each Lambda task state: the function it calls and that function's log group. */
  functions: Record<string, { functionName: string; logGroupName?: string }>;
}

/** One execution: its description, history and what happened to each state. */
export function executionDetail(runtime: ConsoleRuntime, arn: string): ExecutionDetail | undefined {
  const e = runtime.stepFunctions.executions.get(arn);
  if (!e) return undefined;
  const events = e.history.events();
  const machine = runtime.model.stateMachines.find((m) => m.arn === e.stateMachineArn);
  const states = stateOutcomes(events, {
    executionStatus: e.status,
    ...(machine ? { catchTargets: catchTargetsOf(machine.definition), stateNames: stateNamesOf(machine.definition) } : {}),
  });
  return {
    execution: { ...summarize(e), input: e.input, ...(e.output !== undefined ? { output: e.output } : {}), ...(e.cause !== undefined ? { cause: e.cause } : {}) },
    events,
    states,
    functions: machine ? taskFunctions(runtime, machine.definition) : {},
  };
}

/** The function each Lambda task state calls (at any depth), and its log group from the template. */
function taskFunctions(runtime: ConsoleRuntime, definition: Record<string, any>, into: ExecutionDetail['functions'] = {}): ExecutionDetail['functions'] {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    const fn = functionOfState(state);
    if (fn) {
      const model = runtime.model.functions.find((f) => f.name === fn);
      into[name] = { functionName: fn, ...(model?.logGroupName ? { logGroupName: model.logGroupName } : {}) };
    }
    for (const branch of state.Branches ?? []) taskFunctions(runtime, branch, into);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) taskFunctions(runtime, processor, into);
  }
  return into;
}

/** The function a Task state invokes (by name: the last part of an ARN), if it is a Lambda task. */
function functionOfState(state: Record<string, any>): string | undefined {
  if (state.Type !== 'Task') return undefined;
  const fn = state.Parameters?.FunctionName ?? (String(state.Resource ?? '').startsWith('arn:aws:lambda:') ? state.Resource : undefined);
  if (typeof fn !== 'string') return undefined;
  // `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`, or a bare name.
  return fn.startsWith('arn:') ? fn.split(':')[6] : fn.split(':')[0];
}

/** The queues the rules dead-letter to. */
export function deadLetterQueueNames(runtime: Pick<ConsoleRuntime, 'model'>): string[] {
  const names = new Set<string>();
  for (const rule of runtime.model.rules) for (const t of rule.targets) if (t.deadLetterArn) names.add(t.deadLetterArn.split(':')[5] ?? '');
  names.delete('');
  return [...names];
}

const graphs = new WeakMap<object, Map<string, Promise<LaidOutGraph>>>();

/** A state machine's graph laid out by elkjs (computed once per state machine). */
export function stateMachineGraph(runtime: ConsoleRuntime, name: string): Promise<LaidOutGraph> | undefined {
  const machine = runtime.model.stateMachines.find((m) => m.name === name);
  if (!machine) return undefined;
  let cache = graphs.get(runtime.model);
  if (!cache) graphs.set(runtime.model, (cache = new Map()));
  let graph = cache.get(name);
  if (!graph) {
    graph = layoutGraph(aslToGraph(machine.definition, { deadLetterQueues: deadLetterQueueNames(runtime) }));
    cache.set(name, graph);
  }
  return graph;
}

/** The stack as deployed (from the template) with live counts. */
export function overview(runtime: ConsoleRuntime, tableCounts: Record<string, number | null>) {
  const { model } = runtime;
  const byStatus: Record<string, number> = { RUNNING: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
  for (const e of runtime.stepFunctions.executions.values()) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  const depth = new Map(runtime.queues.list().map((q) => [q.name, q.depth]));
  return {
    region: model.region,
    accountId: model.accountId,
    buses: model.buses.map((b) => ({ name: b.name, rules: model.rules.filter((r) => r.busName === b.name).map((r) => r.name) })),
    rules: model.rules.map((r) => ({
      name: r.name,
      busName: r.busName,
      enabled: r.enabled,
      pattern: r.pattern,
      targets: r.targets.map((t) => ({ id: t.id, arn: t.arn, name: t.arn.split(/[:/]/).pop(), deadLetter: t.deadLetterArn?.split(':')[5], retryPolicy: t.retryPolicy })),
    })),
    stateMachines: model.stateMachines.map((m) => ({ name: m.name, arn: m.arn, type: m.type, functions: functionsOf(m.definition) })),
    functions: model.functions.map((f) => ({ name: f.name, servicePackage: f.servicePackage, tables: Object.values(f.environment).filter((v) => model.tables.some((t) => t.name === v)) })),
    tables: model.tables.map((t) => ({ name: t.name, keySchema: t.keySchema, items: tableCounts[t.name] ?? null })),
    queues: model.queues.map((q) => ({ name: q.name, depth: depth.get(q.name) ?? 0, deadLetter: deadLetterQueueNames(runtime).includes(q.name) })),
    counts: {
      events: eventCounters(runtime),
      executions: { ...executionCounters(runtime), retained: runtime.stepFunctions.executions.size, byStatus },
      metrics: runtime.cloudWatch.allDatapoints().length,
    },
    reloads: runtime.reloads?.recent(10) ?? [],
  };
}

/** The functions a definition's Lambda tasks call, in order. */
function functionsOf(definition: Record<string, any>, into: string[] = []): string[] {
  for (const state of Object.values<any>(definition.States ?? {})) {
    const fn = state.Parameters?.FunctionName ?? (String(state.Resource ?? '').startsWith('arn:aws:lambda:') ? state.Resource : undefined);
    if (typeof fn === 'string') into.push(fn.split(':').pop()!);
    for (const branch of state.Branches ?? []) functionsOf(branch, into);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) functionsOf(processor, into);
  }
  return into;
}

/**
 * Every message in the dead-letter queues (read without receiving: nothing is hidden or counted). A
 * function's failed asynchronous invocation (Lambda's invocation record, no attributes) shows the record's
 * error, the function, and the event it carries as `event`.
 */
export function deadLetters(runtime: ConsoleRuntime) {
  return runtime.model.queues.map((q) => ({
    queue: q.name,
    messages: runtime.queues.messages(q.name).map((m) => {
      const { record, event, errorType, errorMessage } = readDeadLetter(m.body);
      return {
        messageId: m.messageId,
        sentAt: m.sentAt,
        receiveCount: m.receiveCount,
        errorCode: m.attributes.ERROR_CODE ?? errorType,
        errorMessage: m.attributes.ERROR_MESSAGE ?? errorMessage,
        executionArn: m.attributes.EXECUTION_ARN,
        ...(record ? { functionArn: record.requestContext.functionArn, event: JSON.stringify(event) } : {}),
        attributes: m.attributes,
        body: m.body,
      };
    }),
  }));
}

/** Datapoints grouped into one series per namespace, metric and dimension set, oldest first. */
export function metricSeries(runtime: ConsoleRuntime) {
  const series = new Map<string, { namespace: string; metricName: string; dimensions: { Name: string; Value: string }[]; unit?: string; points: [number, number, number][] }>();
  for (const d of runtime.cloudWatch.allDatapoints()) {
    const dims = [...d.dimensions].sort((a, b) => a.Name.localeCompare(b.Name));
    const key = JSON.stringify([d.namespace, d.metricName, dims]);
    let s = series.get(key);
    if (!s) series.set(key, (s = { namespace: d.namespace, metricName: d.metricName, dimensions: dims, ...(d.unit ? { unit: d.unit } : {}), points: [] }));
    s.points.push([d.timestamp, d.sum, d.sampleCount]);
  }
  for (const s of series.values()) s.points.sort((a, b) => a[0] - b[0]);
  return [...series.values()];
}

/** What changes as the runtime works, cheap to compute: the page refreshes what it shows when it changes. */
export function liveSnapshot(runtime: ConsoleRuntime) {
  let running = 0;
  let newest = 0;
  for (const e of runtime.stepFunctions.executions.values()) {
    if (e.status === 'RUNNING') running += 1;
    if (e.startDate > newest) newest = e.startDate;
  }
  return {
    events: eventCounters(runtime),
    executions: { ...executionCounters(runtime), running, retained: runtime.stepFunctions.executions.size, newest },
    deadLetters: Object.fromEntries(runtime.queues.list().map((q) => [q.name, q.depth])),
    metrics: runtime.cloudWatch.allDatapoints().length,
  };
}


/** The newest events on the bus (at most `limit`), newest first, joined with their executions and dead letters. */
export function recentEvents(runtime: ConsoleRuntime, limit: number): { available: boolean; events: RecentEventView[] } {
  if (!runtime.eventBridge.recent) return { available: false, events: [] };
  const recent = runtime.eventBridge.recent(Math.min(Math.max(1, limit), 500));
  // Dead letters by the execution that failed (Catch) and by the envelope id of the event they carry.
  const byExecution = new Map<string, { queue: string; messageId: string; errorCode?: string }>();
  const byEventId = new Map<string, { queue: string; messageId: string; errorCode?: string }>();
  for (const q of runtime.model.queues) {
    for (const m of runtime.queues.messages(q.name)) {
      const { event, errorType } = readDeadLetter(m.body);
      const errorCode = m.attributes.ERROR_CODE ?? errorType;
      const letter = { queue: q.name, messageId: m.messageId, ...(errorCode ? { errorCode } : {}) };
      if (m.attributes.EXECUTION_ARN) byExecution.set(m.attributes.EXECUTION_ARN, letter);
      const id = (event as { id?: unknown } | null | undefined)?.id;
      if (typeof id === 'string') byEventId.set(id, letter);
    }
  }
  const executions = runtime.stepFunctions.executions;
  return {
    available: true,
    events: recent.map((r) => {
      const detail = (r.event.detail ?? {}) as Record<string, unknown>;
      const deliveries = r.deliveries.map((d) => ({
        rule: d.rule,
        target: d.targetArn.split(/[:/]/).pop() ?? d.targetArn,
        outcome: d.outcome,
        attempts: d.attempts,
        ...(d.error ? { error: d.error } : {}),
        executions: d.executionArns.map((arn) => {
          const status = executions.get(arn)?.status;
          return { executionArn: arn, name: arn.slice(arn.lastIndexOf(':') + 1), ...(status ? { status } : {}) };
        }),
      }));
      const deadLetter = byEventId.get(r.event.id) ?? deliveries.flatMap((d) => d.executions).map((e) => byExecution.get(e.executionArn)).find((l) => l !== undefined);
      return {
        id: r.event.id,
        bus: r.bus,
        receivedAt: r.receivedAt,
        source: r.event.source,
        detailType: r.event['detail-type'],
        ...(typeof detail.eventId === 'string' ? { eventId: detail.eventId } : {}),
        ...(typeof detail.playerId === 'string' ? { playerId: detail.playerId } : {}),
        rules: [...r.rules],
        ...(r.resumed ? { resumed: true } : {}),
        deliveries,
        ...(deadLetter ? { deadLetter } : {}),
        event: JSON.stringify(r.event),
      };
    }),
  };
}

