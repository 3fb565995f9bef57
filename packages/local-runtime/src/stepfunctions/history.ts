/** An entry of aws-local-stepfunctions' execution event log (the package does not export its type). */
type EngineEvent = { type: string; timestamp: number } & Record<string, any>;

interface Draft {
  timestamp: number;
  type: string;
  /** The state the event belongs to (not serialized): links it to that state's previous event, as AWS does. */
  stateName?: string;
  [details: string]: unknown;
}

/** One Step Functions history event in the GetExecutionHistory shape (timestamp in epoch ms). */
export type HistoryEvent = Draft & { id: number; previousEventId: number };

const json = (value: unknown) => JSON.stringify(value ?? null);

/** Collects an execution's history in AWS's event vocabulary from the engine's event log and task calls. */
export class HistoryRecorder {
  /** Events from the engine's log (read asynchronously, so they arrive late but in order). */
  private readonly engine: Draft[] = [];
  /** Events the task integration records as they happen, in order. */
  private readonly tasks: Draft[] = [];
  private readonly parallelStarted = new Set<string>();

  /** A task integration event (TaskScheduled, TaskFailed, ...). */
  record(draft: Draft): void {
    this.tasks.push(draft);
  }

  private recordEngine(draft: Draft): void {
    this.engine.push(draft);
  }

  fromEngine(event: object): void {
    const e = event as EngineEvent;
    switch (e.type) {
      case 'ExecutionStarted':
        return this.recordEngine({ timestamp: e.timestamp, type: 'ExecutionStarted', executionStartedEventDetails: { input: json(e.input), inputDetails: { truncated: false } } });
      case 'ExecutionSucceeded':
        return this.recordEngine({ timestamp: e.timestamp, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(e.output), outputDetails: { truncated: false } } });
      case 'ExecutionFailed':
        return this.recordEngine({ timestamp: e.timestamp, type: 'ExecutionFailed', executionFailedEventDetails: { error: e.Error, cause: e.Cause } });
      case 'StateEntered':
        return this.recordEngine({ timestamp: e.timestamp, type: `${e.state.type}StateEntered`, stateName: e.state.name, stateEnteredEventDetails: { name: e.state.name, input: json(e.state.input), inputDetails: { truncated: false } } });
      case 'StateExited':
        return this.recordEngine({ timestamp: e.timestamp, type: `${e.state.type}StateExited`, stateName: e.state.name, stateExitedEventDetails: { name: e.state.name, output: json(e.state.output), outputDetails: { truncated: false } } });
      case 'ParallelBranchStarted':
        if (this.parallelStarted.has(e.parentState.name)) return;
        this.parallelStarted.add(e.parentState.name);
        return this.recordEngine({ timestamp: e.timestamp, type: 'ParallelStateStarted' });
      case 'ParallelBranchFailed':
        return this.recordEngine({ timestamp: e.timestamp, type: 'ParallelStateFailed', parallelStateFailedEventDetails: { error: e.Error, cause: e.Cause } });
      default:
        // StateRetried/StateCaught/StateFailed have no event of their own in AWS's history: a retry shows as
        // another TaskScheduled after a TaskFailed, which the task integration records.
        return;
    }
  }

  /** Task attempts after the first (retries): TaskScheduled events beyond one per state. */
  retries(): number {
    const scheduled = this.tasks.filter((draft) => draft.type === 'TaskScheduled');
    return scheduled.length - new Set(scheduled.map((draft) => draft.stateName)).size;
  }

  /**
   * Events in time order (ties keep the order they happened in), numbered from 1. An event of a state
   * points at that state's previous event (TaskScheduled → TaskStateEntered, a retry's TaskScheduled →
   * the TaskFailed before it), so parallel branches can be told apart as in AWS's history.
   */
  events(): HistoryEvent[] {
    const lastOfState = new Map<string, number>();
    // Parallel branches forward their events to the parent log late, so order the engine's by time first.
    const engine = this.engine.map((draft, index) => ({ draft, index })).sort((a, b) => a.draft.timestamp - b.draft.timestamp || a.index - b.index);
    return mergeInOrder(engine.map(({ draft }) => draft), this.tasks).map((draft, i) => {
        const { stateName, ...event } = draft;
        const id = i + 1;
        const previousEventId = (stateName !== undefined ? lastOfState.get(stateName) : undefined) ?? i;
        if (stateName !== undefined) lastOfState.set(stateName, id);
        return { ...event, id, previousEventId };
      });
  }
}

/** Engine events that open something happen before task events of the same millisecond; the rest after. */
const opensSomething = (draft: Draft) => /(Started|Entered)$/.test(draft.type);

function mergeInOrder(engine: Draft[], tasks: Draft[]): Draft[] {
  const merged: Draft[] = [];
  let e = 0;
  let t = 0;
  while (e < engine.length || t < tasks.length) {
    const a = engine[e];
    const b = tasks[t];
    const engineFirst = a !== undefined && (b === undefined || a.timestamp < b.timestamp || (a.timestamp === b.timestamp && opensSomething(a)));
    if (engineFirst) merged.push(engine[e++]!);
    else merged.push(tasks[t++]!);
  }
  return afterTheirStateEntered(merged);
}

/** Millisecond ties can still put a task event before its state's Entered event: hold it until then. */
function afterTheirStateEntered(events: Draft[]): Draft[] {
  const entered = new Set<string>();
  const held = new Map<string, Draft[]>();
  const ordered: Draft[] = [];
  for (const event of events) {
    const state = event.stateName;
    if (state !== undefined && event.type.endsWith('StateEntered')) {
      entered.add(state);
      ordered.push(event, ...(held.get(state) ?? []));
      held.delete(state);
    } else if (state !== undefined && event.type.startsWith('Task') && !event.type.endsWith('StateExited') && !entered.has(state)) {
      held.set(state, [...(held.get(state) ?? []), event]);
    } else {
      ordered.push(event);
    }
  }
  for (const rest of held.values()) ordered.push(...rest);
  return ordered;
}
