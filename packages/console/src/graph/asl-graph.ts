/**
 * The graph of a state machine, read from its Amazon States Language definition: one node per state,
 * Parallel states as boxes holding one box per branch (in the definition's order, between a fork and a
 * join), edges for Next, Choice rules (their conditions as labels), Default, Catch and the terminal End.
 * Pure data, no layout: `layout.ts` places it with elkjs.
 */

export type NodeKind =
  | 'start'
  | 'end'
  | 'fork'
  | 'join'
  | 'branch'
  | 'Task'
  | 'Choice'
  | 'Parallel'
  | 'Map'
  | 'Pass'
  | 'Wait'
  | 'Succeed'
  | 'Fail';

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'start' | 'end' | 'branch';

export interface RetrySummary {
  errors: string[];
  maxAttempts: number;
  intervalSeconds: number;
  backoffRate: number;
  maxDelaySeconds?: number;
  jitter?: string;
}

export interface CatchSummary {
  errors: string[];
  next: string;
  resultPath?: string | null;
}

export interface GraphNode {
  /** Unique in the graph: the state name for states (ASL names are unique in a state machine). */
  id: string;
  kind: NodeKind;
  label: string;
  /** The ASL state this node draws (absent for start, end, fork, join and branch boxes). */
  stateName?: string;
  /** Extra lines under the label: what a Task calls, its Retry. */
  lines: string[];
  retry: RetrySummary[];
  catches: CatchSummary[];
  /** A task that sends to a dead-letter queue: the path failures take. */
  deadLetter?: boolean;
  /** Compound nodes (Parallel, its branches, Map) hold their own nodes and edges. */
  children?: GraphNode[];
  edges?: GraphEdge[];
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
}

export interface StateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphOptions {
  /** Names of the queues that are dead-letter queues (from the rules' targets); SQS tasks sending there are marked. */
  deadLetterQueues?: Iterable<string>;
}

type Asl = { StartAt?: string; States?: Record<string, AslState> };
type AslState = Record<string, any> & { Type?: string };

export const START_ID = '(start)';
export const END_ID = '(end)';

/** The graph of a whole state machine definition. */
export function aslToGraph(definition: Record<string, unknown>, options: GraphOptions = {}): StateGraph {
  const dlq = new Set(options.deadLetterQueues ?? []);
  const asl = definition as Asl;
  const { nodes, edges, terminals } = scope(asl, dlq);
  const start: GraphNode = { id: START_ID, kind: 'start', label: 'Start', lines: [], retry: [], catches: [] };
  const end: GraphNode = { id: END_ID, kind: 'end', label: 'End', lines: [], retry: [], catches: [] };
  const all: GraphEdge[] = [...edges];
  if (asl.StartAt) all.unshift({ id: `${START_ID}->${asl.StartAt}`, source: START_ID, target: asl.StartAt, kind: 'start' });
  for (const t of terminals) all.push({ id: `${t}->${END_ID}`, source: t, target: END_ID, kind: 'end' });
  return { nodes: [start, ...nodes, end], edges: all };
}

/** The nodes and edges of one scope (the machine, a branch, a Map's processor) and its terminal states. */
function scope(asl: Asl, dlq: Set<string>): { nodes: GraphNode[]; edges: GraphEdge[]; terminals: string[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const terminals: string[] = [];
  const states = Object.entries(asl.States ?? {});
  // The start state first: the layout keeps the model's order, so the graph reads top-down from it.
  states.sort(([a], [b]) => Number(b === asl.StartAt) - Number(a === asl.StartAt));
  for (const [name, state] of states) {
    nodes.push(stateNode(name, state, dlq));
    const edge = (target: string, kind: EdgeKind, label?: string) =>
      edges.push({ id: `${name}->${target}#${edges.length}`, source: name, target, kind, ...(label !== undefined ? { label } : {}) });
    if (state.Type === 'Choice') {
      for (const rule of (state.Choices ?? []) as AslState[]) if (rule.Next) edge(rule.Next, 'choice', describeCondition(rule));
      if (state.Default) edge(state.Default, 'default', 'Default');
    } else if (typeof state.Next === 'string') {
      edge(state.Next, 'next');
    }
    for (const c of (state.Catch ?? []) as AslState[]) if (c.Next) edge(c.Next, 'catch', `Catch ${shortErrors(c.ErrorEquals)}`);
    if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') terminals.push(name);
  }
  return { nodes, edges, terminals };
}

function stateNode(name: string, state: AslState, dlq: Set<string>): GraphNode {
  const kind = (['Task', 'Choice', 'Parallel', 'Map', 'Pass', 'Wait', 'Succeed', 'Fail'].includes(state.Type ?? '') ? state.Type : 'Pass') as NodeKind;
  const retry = ((state.Retry ?? []) as AslState[]).map(retrySummary);
  const catches = ((state.Catch ?? []) as AslState[]).map((c) => ({ errors: [...(c.ErrorEquals ?? [])], next: String(c.Next), ...(c.ResultPath !== undefined ? { resultPath: c.ResultPath } : {}) }));
  const node: GraphNode = { id: name, kind, label: name, stateName: name, lines: [], retry, catches };
  if (kind === 'Task') {
    const target = taskTarget(state);
    node.lines.push(target.text);
    if (target.queue && dlq.has(target.queue)) node.deadLetter = true;
  }
  if (kind === 'Wait') node.lines.push(waitText(state));
  if (kind === 'Fail' && (state.Error || state.ErrorPath)) node.lines.push(`Error: ${state.Error ?? state.ErrorPath}`);
  for (const r of retry) node.lines.push(`↻ Retry ×${r.maxAttempts} on ${r.errors.length === 1 ? r.errors[0] : `${r.errors.length} errors`}`);
  if (kind === 'Parallel') {
    const fork = `${name} (fork)`;
    const join = `${name} (join)`;
    node.children = [
      { id: fork, kind: 'fork', label: '', lines: [], retry: [], catches: [] },
      ...((state.Branches ?? []) as Asl[]).map((branch, i) => branchNode(`${name} [branch ${i + 1}]`, `Branch ${i + 1}`, branch, dlq)),
      { id: join, kind: 'join', label: '', lines: [], retry: [], catches: [] },
    ];
    const branches = node.children.filter((c) => c.kind === 'branch');
    node.edges = branches.flatMap((b) => [
      { id: `${fork}->${b.id}`, source: fork, target: b.id, kind: 'branch' as const },
      { id: `${b.id}->${join}`, source: b.id, target: join, kind: 'branch' as const },
    ]);
  }
  if (kind === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as Asl | undefined;
    if (processor) {
      const inner = branchNode(`${name} [items]`, 'Each item', processor, dlq);
      node.children = [inner];
      node.edges = [];
    }
  }
  return node;
}

function branchNode(id: string, label: string, asl: Asl, dlq: Set<string>): GraphNode {
  const { nodes, edges } = scope(asl, dlq);
  return { id, kind: 'branch', label, lines: [], retry: [], catches: [], children: nodes, edges };
}

function retrySummary(r: AslState): RetrySummary {
  return {
    errors: [...(r.ErrorEquals ?? [])],
    maxAttempts: r.MaxAttempts ?? 3,
    intervalSeconds: r.IntervalSeconds ?? 1,
    backoffRate: r.BackoffRate ?? 2,
    ...(r.MaxDelaySeconds !== undefined ? { maxDelaySeconds: r.MaxDelaySeconds } : {}),
    ...(r.JitterStrategy !== undefined ? { jitter: r.JitterStrategy } : {}),
  };
}

/** What a Task calls, readably: the Lambda function's name, or `service:action → queue`. */
export function taskTarget(state: AslState): { text: string; queue?: string } {
  const resource = String(state.Resource ?? '');
  const params = (state.Parameters ?? state.Arguments ?? {}) as Record<string, unknown>;
  if (/^arn:aws:states:::lambda:invoke/.test(resource)) {
    const fn = String(params.FunctionName ?? params['FunctionName.$'] ?? 'function');
    return { text: `λ ${lastSegment(fn)}` };
  }
  if (resource.startsWith('arn:aws:lambda:')) return { text: `λ ${lastSegment(resource)}` };
  const sdk = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+):([A-Za-z0-9]+)/.exec(resource);
  if (sdk) {
    const queueUrl = params.QueueUrl;
    const queue = typeof queueUrl === 'string' ? queueUrl.slice(queueUrl.lastIndexOf('/') + 1) : undefined;
    return { text: `${sdk[1]}:${sdk[2]}${queue ? ` → ${queue}` : ''}`, ...(queue ? { queue } : {}) };
  }
  return { text: lastSegment(resource) };
}

function lastSegment(arnOrName: string): string {
  const parts = arnOrName.split(/[:/]/);
  return parts[parts.length - 1] || arnOrName;
}

function waitText(state: AslState): string {
  if (state.Seconds !== undefined) return `${state.Seconds} s`;
  if (state.SecondsPath) return `seconds from ${state.SecondsPath}`;
  if (state.Timestamp) return `until ${state.Timestamp}`;
  if (state.TimestampPath) return `until ${state.TimestampPath}`;
  return '';
}

function shortErrors(errors: unknown): string {
  const list = Array.isArray(errors) ? errors.map(String) : [];
  if (list.length === 0) return '(none)';
  if (list.length <= 2) return list.join(', ');
  return `${list.slice(0, 2).join(', ')} +${list.length - 2}`;
}

const COMPARATORS: Record<string, string> = {
  StringEquals: '==',
  StringLessThan: '<',
  StringGreaterThan: '>',
  StringLessThanEquals: '<=',
  StringGreaterThanEquals: '>=',
  StringMatches: 'matches',
  NumericEquals: '==',
  NumericLessThan: '<',
  NumericGreaterThan: '>',
  NumericLessThanEquals: '<=',
  NumericGreaterThanEquals: '>=',
  BooleanEquals: '==',
  TimestampEquals: '==',
  TimestampLessThan: '<',
  TimestampGreaterThan: '>',
  TimestampLessThanEquals: '<=',
  TimestampGreaterThanEquals: '>=',
};
const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];

/** A Choice rule as one line of text, e.g. `$['detail-type'] == "GameBackend.GameCompleted"`. */
export function describeCondition(rule: AslState): string {
  if (typeof rule.Condition === 'string') return rule.Condition; // JSONata
  if (Array.isArray(rule.And)) return rule.And.map((r: AslState) => wrap(describeCondition(r))).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r: AslState) => wrap(describeCondition(r))).join(' or ');
  if (rule.Not) return `not ${wrap(describeCondition(rule.Not))}`;
  const variable = String(rule.Variable ?? '?');
  for (const [key, op] of Object.entries(COMPARATORS)) {
    if (key in rule) return `${variable} ${op} ${JSON.stringify(rule[key])}`;
    if (`${key}Path` in rule) return `${variable} ${op} ${rule[`${key}Path`]}`;
  }
  for (const test of TYPE_TESTS) if (test in rule) return `${variable} ${rule[test] ? test : `not ${test}`}`;
  return variable;
}

const wrap = (text: string) => (/ (and|or) /.test(text) ? `(${text})` : text);

/** Every node at any depth, parents before their children. */
export function allNodes(graph: { nodes: GraphNode[] }): GraphNode[] {
  const out: GraphNode[] = [];
  const visit = (node: GraphNode) => {
    out.push(node);
    for (const child of node.children ?? []) visit(child);
  };
  for (const node of graph.nodes) visit(node);
  return out;
}

/** Every edge at any depth. */
export function allEdges(graph: StateGraph): GraphEdge[] {
  return [...graph.edges, ...allNodes(graph).flatMap((n) => n.edges ?? [])];
}
