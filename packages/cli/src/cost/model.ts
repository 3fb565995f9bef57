// The cost of a million completions, by service, from the template's facts (./template), the durations
// and sizes of a run (./defaults or flags) and the price table (./prices). Pure arithmetic.
import { readUnitsFor, writeUnitsFor } from '@gamekeeper/replay-safe-store';
import { BILLING_RULES, CUSTOM_METRIC_TIERS, type Prices } from './prices';
import type { CostStack, FunctionFacts, StateVisit, Timeline, WorkflowPath } from './template';

/** The goal: at most this much per million completions. */
export const GOAL_USD_PER_MILLION = 10;

/** DynamoDB requests one invocation of a function makes (a fact of its code, not of the template). */
export interface DynamoRequests {
  /** Strongly consistent GetItems. */
  consistentReads: number;
  /** PutItems / UpdateItems. */
  writes: number;
  /** Size of the item read and written (DynamoDB's rules): what decides the request units. */
  itemBytes: number;
}

export interface CostAssumptions {
  /** Mean duration of one invocation of each function, by function name (`report`, `level-store`, ...), in ms. */
  durationMs: Record<string, number>;
  /** Step Functions' own time per execution, added to the path's critical path for the Express duration (ms). */
  orchestrationMs: number;
  /** CloudWatch Logs bytes one invocation of each function ingests (platform lines, its own lines, EMF), by name. */
  logBytesPerInvocation: Record<string, number>;
  /** Bytes AWS adds to every invocation's logs beyond those (e.g. the REPORT line's X-Ray trace ids). */
  extraLogBytesPerInvocation: number;
  /** DynamoDB requests per invocation, by function name (none if absent). */
  dynamoRequests: Record<string, DynamoRequests>;
  /** Share of completions per detail-type (sums to 1). */
  mix: Record<string, number>;
  /** A completion event's size as put on the bus, in bytes. */
  eventBytes: number;
  /** Share of traces X-Ray records (its default rule: 5% beyond the first request each second). */
  xraySampledShare: number;
}

export type Service = 'EventBridge' | 'Step Functions' | 'Lambda' | 'DynamoDB' | 'CloudWatch Logs' | 'CloudWatch metrics' | 'X-Ray';
export const SERVICES: readonly Service[] = ['EventBridge', 'Step Functions', 'Lambda', 'DynamoDB', 'CloudWatch Logs', 'CloudWatch metrics', 'X-Ray'];

export interface CostLine {
  service: Service;
  item: string;
  /** How much of `unit` one completion uses, on average over the mix. */
  perCompletion: number;
  unit: string;
  usdPerMillion: number;
}

export interface PathSummary {
  detailType: string;
  share: number;
  /** States entered: what Standard would bill as transitions. */
  transitions: number;
  /** Function invocations, the path's and the follow-on rules'. */
  invocations: string[];
  /** The critical path plus orchestration, and what Express bills of it (rounded up to 100 ms). */
  durationMs: number;
  billedMs: number;
}

export interface CostEstimate {
  lines: CostLine[];
  byService: Record<Service, number>;
  totalPerMillion: number;
  paths: PathSummary[];
  /** Functions that may call PutMetricData: a per-request charge and a Region quota in the path. */
  metricApiCallers: string[];
  /** Whether the total is within GOAL_USD_PER_MILLION with no per-request metric API in the path. */
  goalMet: boolean;
}

const MILLION = 1e6;
const GB = 1e9;

/** The execution's duration: states one after another add up, Parallel branches take the longest. */
export function criticalPathMs(timeline: Timeline, durationOf: (visit: StateVisit) => number): number {
  if (timeline.kind === 'state') return durationOf(timeline.visit);
  const parts = (timeline.kind === 'sequence' ? timeline.items : timeline.branches).map((t) => criticalPathMs(t, durationOf));
  return timeline.kind === 'sequence' ? parts.reduce((a, b) => a + b, 0) : Math.max(0, ...parts);
}

/** Log events Step Functions writes per execution at level ALL: start and end, 2 per state, 2 more for a Parallel, 3 more per task. */
export function executionLogEvents(states: readonly StateVisit[]): number {
  return 2 + states.reduce((n, s) => n + 2 + (s.type === 'Parallel' ? 2 : 0) + (s.type === 'Task' ? 3 : 0), 0);
}
/** Bytes of one such event: with execution data it carries the state's input or output (about the event plus ~400 bytes of envelope). */
const executionLogEventBytes = (includeExecutionData: boolean, eventBytes: number) => (includeExecutionData ? eventBytes + 400 : 250);

/** The cost of one million completions of the mix. */
export function estimateCost(stack: CostStack, assumptions: CostAssumptions, prices: Prices): CostEstimate {
  const lines = new Map<string, CostLine>();
  const add = (service: Service, item: string, unit: string, share: number, quantity: number, usdPerUnit: number) => {
    const key = `${service}\u0000${item}`;
    const line = lines.get(key) ?? { service, item, perCompletion: 0, unit, usdPerMillion: 0 };
    line.perCompletion += share * quantity;
    line.usdPerMillion += share * quantity * usdPerUnit * MILLION;
    lines.set(key, line);
  };
  const fn = (logicalId: string): FunctionFacts => {
    const facts = stack.functions[logicalId];
    if (!facts) throw new Error(`the workflow invokes ${logicalId}, which is not a function of the template`);
    return facts;
  };
  const durationOf = (f: FunctionFacts) => {
    const ms = assumptions.durationMs[f.name];
    if (ms === undefined) throw new Error(`no duration for function ${f.name} (give --duration-ms ${f.name}=<ms>)`);
    return ms;
  };
  const { workflow } = stack;
  const metricApiCallers = new Set<string>();
  const paths: PathSummary[] = [];

  for (const [detailType, share] of Object.entries(assumptions.mix)) {
    if (share === 0) continue;
    const path = workflow.paths.find((p) => p.detailTypes.includes(detailType));
    if (!path) throw new Error(`no path of ${workflow.logicalId} takes ${detailType}`);
    const invoked = invocationsOf(stack, path);

    // EventBridge: the completion, and every event a function on the path publishes; each under 64 KB.
    const chunks = Math.max(1, Math.ceil(assumptions.eventBytes / BILLING_RULES.eventBridgeChunkBytes));
    add('EventBridge', 'completion event put on the bus', 'event', share, chunks, prices.eventBridgeCustomEvent.usd);
    const published = invoked.filter((id) => fn(id).actions.includes('events:PutEvents')).length;
    if (published > 0) add('EventBridge', 'events the functions publish (the report)', 'event', share, published * chunks, prices.eventBridgeCustomEvent.usd);
    if (stack.archives.length > 0) add('EventBridge', 'archive (completions kept for the Rebuild)', 'GB', share, (stack.archives.length * assumptions.eventBytes) / GB, prices.eventBridgeArchiveGb.usd);

    // Step Functions.
    const durationMs = assumptions.orchestrationMs + criticalPathMs(path.timeline, (visit) => (visit.function ? durationOf(fn(visit.function)) : 0));
    const step = BILLING_RULES.expressDurationStepMs;
    const billedMs = Math.ceil(durationMs / step) * step;
    if (workflow.type === 'EXPRESS') {
      add('Step Functions', 'Express executions', 'execution', share, 1, prices.expressRequest.usd);
      add('Step Functions', `Express duration (${BILLING_RULES.expressMemoryMb} MB, per 100 ms)`, 'GB-second', share, (billedMs / 1000) * (BILLING_RULES.expressMemoryMb / 1024), prices.expressGbSecond.usd);
    } else {
      add('Step Functions', 'Standard state transitions', 'transition', share, path.states.length, prices.standardTransition.usd);
    }

    // Lambda, DynamoDB, logs and metric API calls per invocation.
    for (const id of invoked) {
      const f = fn(id);
      add('Lambda', 'requests', 'invocation', share, 1, prices.lambdaRequest.usd);
      const gbSeconds = (Math.ceil(durationOf(f) / BILLING_RULES.lambdaDurationStepMs) * BILLING_RULES.lambdaDurationStepMs / 1000) * (f.memoryMb / 1024);
      add('Lambda', `duration (${f.architecture})`, 'GB-second', share, gbSeconds, (f.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond).usd);

      const requests = assumptions.dynamoRequests[f.name];
      if (requests && f.tables.some((t) => stack.tables[t]?.onDemand)) {
        if (requests.consistentReads > 0) add('DynamoDB', `reads (${f.name})`, 'read request unit', share, requests.consistentReads * readUnitsFor(requests.itemBytes), prices.dynamoReadRequestUnit.usd);
        if (requests.writes > 0) add('DynamoDB', `writes (${f.name})`, 'write request unit', share, requests.writes * writeUnitsFor(requests.itemBytes), prices.dynamoWriteRequestUnit.usd);
      }

      const logBytes = assumptions.logBytesPerInvocation[f.name];
      if (logBytes === undefined) throw new Error(`no log size for function ${f.name}`);
      add('CloudWatch Logs', 'function logs (incl. EMF lines)', 'GB', share, (logBytes + assumptions.extraLogBytesPerInvocation) / GB, prices.logsIngestionGb.usd);

      if (f.actions.some((a) => a === 'cloudwatch:PutMetricData' || a === 'cloudwatch:*')) {
        metricApiCallers.add(f.name);
        add('CloudWatch metrics', `PutMetricData (${f.name}, one call per invocation)`, 'request', share, 1, prices.putMetricDataRequest.usd);
      }
    }
    if (workflow.logLevel === 'ALL') {
      const bytes = executionLogEvents(path.states) * executionLogEventBytes(workflow.includeExecutionData, assumptions.eventBytes);
      add('CloudWatch Logs', `state machine logs (ALL${workflow.includeExecutionData ? ', with execution data' : ''})`, 'GB', share, bytes / GB, prices.logsIngestionGb.usd);
    } else {
      add('CloudWatch Logs', `state machine logs (${workflow.logLevel}: none on success)`, 'GB', share, 0, prices.logsIngestionGb.usd);
    }
    add('CloudWatch metrics', 'EMF metrics (log lines: no API request)', 'request', share, 0, prices.putMetricDataRequest.usd);

    // X-Ray: one trace per completion. The functions the execution invokes join its trace, and so does a
    // function a rule invokes on an event they publish: in Lambda the AWS SDK sends the trace header with
    // PutEvents (its recursion-detection middleware) and EventBridge passes it on to the target.
    const traces = workflow.tracing || invoked.some((id) => fn(id).tracing) ? 1 : 0;
    if (traces > 0) add('X-Ray', `traces recorded (${Math.round(assumptions.xraySampledShare * 100)}% sampled)`, 'trace', share, traces * assumptions.xraySampledShare, prices.xrayTraceRecorded.usd);

    paths.push({ detailType, share, transitions: path.states.length, invocations: invoked.map((id) => fn(id).name), durationMs, billedMs });
  }

  const all = [...lines.values()];
  const byService = Object.fromEntries(SERVICES.map((s) => [s, all.filter((l) => l.service === s).reduce((sum, l) => sum + l.usdPerMillion, 0)])) as Record<Service, number>;
  const totalPerMillion = Object.values(byService).reduce((a, b) => a + b, 0);
  return { lines: all, byService, totalPerMillion, paths, metricApiCallers: [...metricApiCallers], goalMet: totalPerMillion <= GOAL_USD_PER_MILLION && metricApiCallers.size === 0 };
}

/**
 * The functions one completion on this path invokes: each task's, then each follow-on rule's function:
 * once per completion if the rule matches completions too (same source and detail-type), otherwise
 * once per event the path's functions publish (a rule on another source fires on those).
 */
export function invocationsOf(stack: CostStack, path: WorkflowPath): string[] {
  const tasks = path.states.flatMap((s) => (s.function ? [s.function] : []));
  const published = tasks.filter((id) => stack.functions[id]?.actions.includes('events:PutEvents')).length;
  const onCompletions = (r: CostStack['followOnRules'][number]) =>
    r.sources.some((s) => stack.completionRule.sources.includes(s)) && (r.detailTypes.length === 0 || r.detailTypes.some((d) => path.detailTypes.includes(d)));
  return [...tasks, ...stack.followOnRules.flatMap((r) => Array.from({ length: onCompletions(r) ? 1 : published }, () => r.function))];
}

/** CloudWatch's monthly charge for this many custom metrics, tier by tier. */
export function customMetricsMonthlyUsd(metrics: number): number {
  let charged = 0;
  let usd = 0;
  for (const tier of CUSTOM_METRIC_TIERS) {
    const inTier = Math.max(0, Math.min(metrics, tier.upTo) - charged);
    usd += inTier * tier.usd;
    charged += inTier;
  }
  return usd;
}

/** Custom metrics (name + dimension values) the completions of N games with M levels each create. */
export interface MetricSeriesProfile {
  perGame: number;
  perGameAndLevel: number;
}
export const customMetricCount = (profile: MetricSeriesProfile, games: number, levels: number) => profile.perGame * games + profile.perGameAndLevel * games * levels;
