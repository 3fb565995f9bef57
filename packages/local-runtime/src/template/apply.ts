import type { HttpApis } from '../apigateway/http-api';
import type { AccountScope } from '../arn';
import type { EventBridgeService } from '../eventbridge/service';
import type { LocalFunctions } from '../lambda/functions';
import { type LogStore, logGroupsOf } from '../logs';
import type { QueueStore } from '../sqs/queues';
import type { StepFunctionsService } from '../stepfunctions/service';
import { type CfnTemplate, type FunctionModel, type StackModel, type TableModel, loadStackModel } from './model';

export type ResourceKind = 'bus' | 'rule' | 'state machine' | 'function' | 'table' | 'queue' | 'HTTP API';

/** One resource a template update added, removed or changed, and what changed, in words. */
export interface ResourceChange {
  kind: ResourceKind;
  name: string;
  change: 'added' | 'removed' | 'updated';
  /** For an update: e.g. `pattern changed`, `environment changed (METRICS_NAMESPACE)`, `timeout 30 s → 10 s`. */
  details: string[];
}

/** What applying a template did. */
export interface TemplateUpdate {
  changes: ResourceChange[];
  /** What the new template asked for that the running stack does not do (a removed table keeps its items). */
  warnings: string[];
}

/** The seams a template update goes through: each service readies its part (and may refuse it), then switches. */
export interface TemplateTarget {
  scope: AccountScope;
  model(): StackModel;
  setModel(model: StackModel): void;
  eventBridge: Pick<EventBridgeService, 'prepareRules'>;
  stepFunctions: Pick<StepFunctionsService, 'prepareStateMachines'>;
  functions: Pick<LocalFunctions, 'prepareFunctions'>;
  queues: Pick<QueueStore, 'add'>;
  logs: Pick<LogStore, 'addGroups'>;
  httpApis: Pick<HttpApis, 'replace'>;
  /** Creates the tables that do not exist yet; an existing table keeps its items. */
  createTables(tables: readonly TableModel[]): Promise<string[]>;
}

/**
 * Applies templates to a running stack one at a time (a later one waits for the one before it), each
 * through {@link applyTemplate}.
 */
export function templateUpdater(target: TemplateTarget): (template: CfnTemplate) => Promise<TemplateUpdate> {
  let last: Promise<unknown> = Promise.resolve();
  return (template) => {
    const applied = last.then(() => applyTemplate(target, template));
    last = applied.catch(() => undefined);
    return applied;
  };
}

/**
 * Moves a running stack onto a new template by its difference. Everything that can fail happens first
 * and changes nothing the stack uses: reading the template, compiling the rules' patterns, building the
 * state machines' definitions, bundling new functions' code, creating new tables (nothing uses them yet).
 * If any of it throws, the running stack is as it was. Then the switch, in one turn of the event loop,
 * so no event, execution or request sees half of it:
 *
 * - rules and buses are replaced: events put from now on match the new patterns and go to the new
 *   targets; events already matched keep their rules and targets (their deliveries and retries go on);
 * - state machines: new executions run the new definition; running ones finish on the one they started with;
 * - functions: new ones start, removed ones finish what is in flight, changed settings (environment,
 *   timeout, memory, log group, asynchronous invocation: retries and destinations) apply to the next
 *   invocations;
 * - tables: new ones are created, existing ones keep their items, removed ones are kept (a warning);
 * - queues: new ones are created, removed ones are kept with their messages (a warning);
 * - HTTP APIs: requests from now on are routed by the new routes.
 */
export async function applyTemplate(target: TemplateTarget, template: CfnTemplate): Promise<TemplateUpdate> {
  const current = target.model();
  const next = loadStackModel(template, target.scope);
  const update = diffStackModels(current, next);

  const switchRules = target.eventBridge.prepareRules(next.buses, next.rules);
  const switchStateMachines = target.stepFunctions.prepareStateMachines(next.stateMachines);
  const switchFunctions = await target.functions.prepareFunctions(next.functions);
  await target.createTables(next.tables);

  target.queues.add(next.queues);
  target.logs.addGroups(logGroupsOf(next));
  switchFunctions();
  switchStateMachines();
  switchRules();
  target.httpApis.replace(next.httpApis);
  target.setModel(next);
  return update;
}

/** What differs between two stack models, resource by resource, in words. */
export function diffStackModels(before: StackModel, after: StackModel): TemplateUpdate {
  const update: TemplateUpdate = { changes: [], warnings: [] };
  const compare = <T>(kind: ResourceKind, from: readonly T[], to: readonly T[], key: (item: T) => string, name: (item: T) => string, details: (a: T, b: T) => string[]) => {
    const old = new Map(from.map((item) => [key(item), item]));
    const now = new Map(to.map((item) => [key(item), item]));
    for (const [id, item] of now) {
      const was = old.get(id);
      if (!was) update.changes.push({ kind, name: name(item), change: 'added', details: [] });
      else if (!same(was, item)) update.changes.push({ kind, name: name(item), change: 'updated', details: details(was, item) });
    }
    for (const [id, item] of old) if (!now.has(id)) update.changes.push({ kind, name: name(item), change: 'removed', details: [] });
  };

  compare('bus', before.buses, after.buses, (b) => b.name, (b) => b.name, () => ['changed']);
  compare('rule', before.rules, after.rules, (r) => r.arn, (r) => r.name, (a, b) => [
    ...(same(a.pattern, b.pattern) ? [] : ['pattern changed']),
    ...(same(a.targets, b.targets) ? [] : ['targets changed']),
    ...(a.enabled === b.enabled ? [] : [b.enabled ? 'enabled' : 'disabled']),
  ]);
  compare('state machine', before.stateMachines, after.stateMachines, (s) => s.arn, (s) => s.name, (a, b) => {
    const details = [...(same(a.definition, b.definition) ? [] : ['updated']), ...(a.type === b.type ? [] : [`type ${a.type} → ${b.type}`])];
    return details.length > 0 ? details : ['settings changed'];
  });
  compare('function', before.functions, after.functions, (f) => f.name, (f) => f.name, functionDetails);
  compare('table', before.tables, after.tables, (t) => t.name, (t) => t.name, () => ['key schema changed']);
  compare('queue', before.queues, after.queues, (q) => q.name, (q) => q.name, () => ['changed']);
  compare('HTTP API', before.httpApis, after.httpApis, (a) => a.id, (a) => a.name, (a, b) => [
    ...(same(a.routes, b.routes) ? [] : ['routes changed']),
    ...(same(a.throttle, b.throttle) ? [] : ['throttling changed']),
  ]);

  for (const change of update.changes) {
    if (change.kind === 'table' && change.change === 'removed') update.warnings.push(`table ${change.name} is no longer in the template: it is kept, with its items, while the runtime runs`);
    if (change.kind === 'table' && change.change === 'updated') update.warnings.push(`table ${change.name}: its key schema changed; the running table keeps its items and its old keys (a new table needs a new name, or a restart without --data)`);
    if (change.kind === 'queue' && change.change === 'removed') update.warnings.push(`queue ${change.name} is no longer in the template: it is kept, with its messages, while the runtime runs`);
  }
  return update;
}

function functionDetails(a: FunctionModel, b: FunctionModel): string[] {
  const details: string[] = [];
  const keys = [...new Set([...Object.keys(a.environment), ...Object.keys(b.environment)])].filter((k) => a.environment[k] !== b.environment[k]).sort();
  if (keys.length > 0) details.push(`environment changed (${keys.join(', ')})`);
  if (a.timeoutSeconds !== b.timeoutSeconds) details.push(`timeout ${a.timeoutSeconds} s → ${b.timeoutSeconds} s`);
  if (a.memoryMb !== b.memoryMb) details.push(`memory ${a.memoryMb} → ${b.memoryMb} MB`);
  if (a.servicePackage !== b.servicePackage) details.push(`code ${a.servicePackage ?? 'none'} → ${b.servicePackage ?? 'none'}`);
  if (a.logGroupName !== b.logGroupName || a.logFormat !== b.logFormat) details.push('logging changed');
  if (!same(a.asyncInvoke, b.asyncInvoke)) details.push('asynchronous invocation changed (retries, event age, destinations)');
  const described = new Set(['environment', 'timeoutSeconds', 'memoryMb', 'servicePackage', 'logGroupName', 'logFormat', 'asyncInvoke']);
  const others = (Object.keys({ ...a, ...b }) as (keyof FunctionModel)[]).filter((k) => !described.has(k) && !same(a[k], b[k]));
  if (others.length > 0) details.push(`settings changed (${others.join(', ')})`);
  return details;
}

/** The changes in one line: `rule HousekeepingRule pattern changed, state machine Housekeeping updated`; empty when none. */
export function describeChanges(changes: readonly ResourceChange[]): string {
  return changes
    .map(({ kind, name, change, details }) => {
      if (change === 'added') return `${kind} ${name} ${kind === 'table' || kind === 'queue' ? 'created' : 'added'}`;
      if (change === 'removed') return `${kind} ${name} removed${kind === 'table' || kind === 'queue' ? ' from the template (kept)' : ''}`;
      return `${kind} ${name} ${details.join(', ')}`;
    })
    .join(', ');
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
