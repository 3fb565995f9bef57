// What the cost of a completion depends on, read from the synthesized CloudFormation template: the
// workflow the completion rule starts (type, logging, tracing, the states on each path through it), the
// functions (memory, architecture, tracing, what their roles may do), the tables (billing mode), the
// rules that invoke a function directly, the archives. Pure: a template in, facts out.
import type { CfnTemplate } from '@gamekeeper/local-runtime';

type Resource = CfnTemplate['Resources'][string];

export interface FunctionFacts {
  logicalId: string;
  /** The service it runs (`level-store`: its package without the scope), else its logical id. */
  name: string;
  memoryMb: number;
  architecture: 'arm64' | 'x86_64';
  /** X-Ray active tracing. */
  tracing: boolean;
  /** The environment variables with literal values (references to other resources are left out). */
  environment: Record<string, string>;
  /** Every IAM action its role's inline policies allow (`dynamodb:PutItem`, ...). */
  actions: string[];
  /** The DynamoDB tables (logical ids) those policies grant anything on. */
  tables: string[];
}

/** A state the execution enters; `function` is the logical id of the function a Lambda task invokes. */
export interface StateVisit {
  state: string;
  type: string;
  function?: string;
}

/** How the states of one path follow each other in time, for the Express duration (the critical path). */
export type Timeline = { kind: 'state'; visit: StateVisit } | { kind: 'sequence'; items: Timeline[] } | { kind: 'parallel'; branches: Timeline[] };

export interface WorkflowPath {
  /** The completion detail-types that take this path (from the Choice conditions on `detail-type`). */
  detailTypes: string[];
  /** Every state entered on the way, in definition order: Standard bills each as a state transition. */
  states: StateVisit[];
  timeline: Timeline;
}

export interface WorkflowFacts {
  logicalId: string;
  type: 'EXPRESS' | 'STANDARD';
  logLevel: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  includeExecutionData: boolean;
  tracing: boolean;
  /** The successful paths (Catch handlers left out: failures are not what a completion costs). */
  paths: WorkflowPath[];
}

export interface RuleFacts {
  logicalId: string;
  sources: string[];
  detailTypes: string[];
  maxEventAgeSeconds?: number;
  retryAttempts?: number;
}

export interface CostStack {
  workflow: WorkflowFacts;
  /** The rule that starts the workflow for each completion. */
  completionRule: RuleFacts;
  /** Rules that invoke a function directly, with that function: they fire on the events the path's functions publish. */
  followOnRules: Array<RuleFacts & { function: string }>;
  functions: Record<string, FunctionFacts>;
  /** Logical id → whether the table is on-demand (PAY_PER_REQUEST). */
  tables: Record<string, { onDemand: boolean }>;
  archives: Array<{ logicalId: string; retentionDays?: number }>;
}

/** The logical id a `Ref` or `Fn::GetAtt` names, or the text of a string / `Fn::Join` with references replaced by their logical ids. */
function resolve(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve);
  const record = value as Record<string, unknown>;
  if ('Ref' in record) return String(record.Ref);
  if ('Fn::GetAtt' in record) return String((record['Fn::GetAtt'] as unknown[])[0]);
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolve(part))).join(separator);
  }
  if ('Fn::Sub' in record) return typeof record['Fn::Sub'] === 'string' ? record['Fn::Sub'] : String((record['Fn::Sub'] as unknown[])[0]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v)]));
}

/** Logical ids a value refers to anywhere inside it. */
function referencesIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value !== 'object' || value === null) return into;
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, into);
    return into;
  }
  const record = value as Record<string, unknown>;
  if ('Ref' in record) into.add(String(record.Ref));
  if ('Fn::GetAtt' in record) into.add(String((record['Fn::GetAtt'] as unknown[])[0]));
  for (const v of Object.values(record)) referencesIn(v, into);
  return into;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Reads the facts the cost model needs. Throws if no rule starts a state machine. */
export function readCostStack(template: CfnTemplate): CostStack {
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  const tables = Object.fromEntries(ofType('AWS::DynamoDB::Table').map(([id, r]) => [id, { onDemand: r.Properties?.BillingMode === 'PAY_PER_REQUEST' }]));
  const functions = Object.fromEntries(ofType('AWS::Lambda::Function').map(([id, r]) => [id, functionFacts(id, r, resources, new Set(Object.keys(tables)))]));

  const rules = ofType('AWS::Events::Rule').map(([id, r]) => ({ id, rule: ruleFacts(id, r), targets: list(r.Properties?.Targets as Record<string, unknown>[]).map((t) => [...referencesIn(t.Arn)][0]) }));
  const started = rules.find(({ targets }) => targets.some((t) => t !== undefined && resources[t]?.Type === 'AWS::StepFunctions::StateMachine'));
  if (!started) throw new Error('no rule in the template starts a state machine: nothing to cost');
  const machineId = started.targets.find((t) => t !== undefined && resources[t]?.Type === 'AWS::StepFunctions::StateMachine')!;

  return {
    workflow: workflowFacts(machineId, resources[machineId]!, started.rule.detailTypes),
    completionRule: started.rule,
    followOnRules: rules
      .filter((r) => r !== started)
      .flatMap(({ rule, targets }) => targets.filter((t): t is string => t !== undefined && t in functions).map((fn) => ({ ...rule, function: fn }))),
    functions,
    tables,
    archives: ofType('AWS::Events::Archive').map(([id, r]) => ({ logicalId: id, ...(typeof r.Properties?.RetentionDays === 'number' ? { retentionDays: r.Properties.RetentionDays } : {}) })),
  };
}

function ruleFacts(logicalId: string, rule: Resource): RuleFacts {
  const pattern = (rule.Properties?.EventPattern ?? {}) as Record<string, unknown>;
  const retry = (list(rule.Properties?.Targets as Record<string, unknown>[])[0]?.RetryPolicy ?? {}) as Record<string, number>;
  return {
    logicalId,
    sources: list(pattern.source as string[]),
    detailTypes: list(pattern['detail-type'] as string[]),
    ...(retry.MaximumEventAgeInSeconds !== undefined ? { maxEventAgeSeconds: retry.MaximumEventAgeInSeconds } : {}),
    ...(retry.MaximumRetryAttempts !== undefined ? { retryAttempts: retry.MaximumRetryAttempts } : {}),
  };
}

function functionFacts(logicalId: string, fn: Resource, resources: CfnTemplate['Resources'], tableIds: Set<string>): FunctionFacts {
  const p = fn.Properties ?? {};
  const servicePackage = fn.Metadata?.['gamekeeper:servicePackage'];
  const roleId = [...referencesIn(p.Role)][0];
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && roleId !== undefined && referencesIn(r.Properties?.Roles).has(roleId))
    .flatMap((r) => list((r.Properties?.PolicyDocument as { Statement?: unknown })?.Statement as Record<string, unknown>[]))
    .filter((s) => s.Effect === 'Allow');
  const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  return {
    logicalId,
    name: typeof servicePackage === 'string' ? servicePackage.replace(/^@[^/]+\//, '') : logicalId,
    memoryMb: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
    architecture: list(p.Architectures as string[])[0] === 'arm64' ? 'arm64' : 'x86_64',
    tracing: (p.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active',
    environment: Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string')),
    actions: [...new Set(statements.flatMap((s) => list(s.Action as string[])))].sort(),
    tables: [...new Set(statements.flatMap((s) => [...referencesIn(s.Resource)].filter((id) => tableIds.has(id))))].sort(),
  };
}

function workflowFacts(logicalId: string, machine: Resource, ruleDetailTypes: string[]): WorkflowFacts {
  const p = machine.Properties ?? {};
  const definition = JSON.parse(String(resolve(p.DefinitionString ?? JSON.stringify(p.Definition ?? {})))) as Definition;
  const logging = (p.LoggingConfiguration ?? {}) as { Level?: string; IncludeExecutionData?: boolean };
  return {
    logicalId,
    type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    logLevel: (['ALL', 'ERROR', 'FATAL'].includes(String(logging.Level)) ? logging.Level : 'OFF') as WorkflowFacts['logLevel'],
    includeExecutionData: logging.IncludeExecutionData === true,
    tracing: (p.TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true,
    paths: pathsOf(definition).map((path) => ({
      detailTypes: detailTypesOf(path.decisions, ruleDetailTypes),
      states: path.visits,
      timeline: path.timeline,
    })),
  };
}

// ---------- the paths through an ASL definition ----------

interface Definition {
  StartAt: string;
  States: Record<string, AslState>;
}
interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Branches?: Definition[];
  Choices?: Array<{ Next: string; Variable?: string; StringEquals?: string }>;
  Default?: string;
}
/** A Choice taken: on `detail-type` equal to `equals`, or its Default (`equals` absent) ruling out `others`. */
interface Decision {
  variable?: string;
  equals?: string;
  others: string[];
}
interface Walk {
  visits: StateVisit[];
  timeline: Timeline;
  decisions: Decision[];
}

const DETAIL_TYPE_VARIABLES = new Set(["$['detail-type']", '$.detail-type']);

/** Every way through the definition from its StartAt (each Choice forks; Parallel branches combine). */
function pathsOf(definition: Definition): Walk[] {
  const walk = (name: string | undefined, seen: Set<string>): Walk[] => {
    if (name === undefined) return [{ visits: [], timeline: { kind: 'sequence', items: [] }, decisions: [] }];
    if (seen.has(name)) throw new Error(`state ${name} loops back: the cost model takes acyclic workflows only`);
    const state = definition.States[name];
    if (!state) throw new Error(`state ${name} is not defined`);
    const next = (after: Walk[], visits: StateVisit[], timeline: Timeline, decisions: Decision[] = []) =>
      after.map((rest) => ({ visits: [...visits, ...rest.visits], timeline: { kind: 'sequence' as const, items: [timeline, rest.timeline] }, decisions: [...decisions, ...rest.decisions] }));
    const onward = new Set([...seen, name]);
    const then = () => walk(state.End ? undefined : state.Next, onward);

    if (state.Type === 'Choice') {
      const equalsValues = (state.Choices ?? []).map((c) => c.StringEquals).filter((v): v is string => v !== undefined);
      const visit: StateVisit = { state: name, type: 'Choice' };
      return [
        ...(state.Choices ?? []).flatMap((choice) =>
          next(walk(choice.Next, onward), [visit], { kind: 'state', visit }, [{ ...(choice.Variable ? { variable: choice.Variable } : {}), ...(choice.StringEquals ? { equals: choice.StringEquals } : {}), others: [] }]),
        ),
        ...(state.Default ? next(walk(state.Default, onward), [visit], { kind: 'state', visit }, [{ ...(state.Choices?.[0]?.Variable ? { variable: state.Choices[0].Variable } : {}), others: equalsValues }]) : []),
      ];
    }
    if (state.Type === 'Parallel') {
      const visit: StateVisit = { state: name, type: 'Parallel' };
      const combinations = (state.Branches ?? []).map(pathsOf).reduce<Walk[][]>((acc, branch) => acc.flatMap((combo) => branch.map((b) => [...combo, b])), [[]]);
      return combinations.flatMap((combo) =>
        next(
          then(),
          [visit, ...combo.flatMap((b) => b.visits)],
          { kind: 'sequence', items: [{ kind: 'state', visit }, { kind: 'parallel', branches: combo.map((b) => b.timeline) }] },
          combo.flatMap((b) => b.decisions),
        ),
      );
    }
    const visit: StateVisit = { state: name, type: state.Type, ...taskFunction(state) };
    if (state.Type === 'Succeed' || state.Type === 'Fail') return [{ visits: [visit], timeline: { kind: 'state', visit }, decisions: [] }];
    return next(then(), [visit], { kind: 'state', visit });
  };
  return walk(definition.StartAt, new Set());
}

/** The function a Lambda task invokes: `lambda:invoke` with `FunctionName`, or the function itself as the Resource. */
function taskFunction(state: AslState): { function?: string } {
  if (state.Type !== 'Task') return {};
  const name = state.Resource?.endsWith(':lambda:invoke') ? state.Parameters?.FunctionName : state.Resource;
  return typeof name === 'string' ? { function: name } : {};
}

/** The rule's detail-types a path's Choice decisions on `detail-type` leave. */
function detailTypesOf(decisions: Decision[], ruleDetailTypes: string[]): string[] {
  return decisions
    .filter((d) => d.variable !== undefined && DETAIL_TYPE_VARIABLES.has(d.variable))
    .reduce((types, d) => (d.equals !== undefined ? types.filter((t) => t === d.equals) : types.filter((t) => !d.others.includes(t))), ruleDetailTypes);
}
