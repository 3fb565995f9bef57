/**
 * What happened to each state of one execution, read from its Step Functions history (the
 * GetExecutionHistory shape): entered or not, its input and output, every task attempt and its error,
 * and an outcome the graph colours by.
 */

export type StateOutcomeKind = 'succeeded' | 'retried' | 'failed' | 'caught' | 'running' | 'not-run';

export interface AttemptView {
  scheduledAt: number;
  endedAt?: number;
  error?: string;
  cause?: string;
  /** The Lambda request id of this attempt (its function's log lines carry it), when the runtime recorded one. */
  requestId?: string;
}

export interface StateView {
  name: string;
  type?: string;
  outcome: StateOutcomeKind;
  enteredAt?: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  attempts: AttemptView[];
}

/** A history event as the runtime records it and GetExecutionHistory returns it (timestamps in ms here). */
export interface HistoryEventLike {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: string]: unknown;
}

interface Detail {
  name?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  requestId?: string;
}

/** The Lambda request id of a task's end event: the local runtime's `requestId`, or AWS's SdkResponseMetadata in the output. */
function requestIdOf(details: Detail): string | undefined {
  if (typeof details.requestId === 'string') return details.requestId;
  if (typeof details.output !== 'string' || !details.output.includes('SdkResponseMetadata')) return undefined;
  try {
    const id = (JSON.parse(details.output) as { SdkResponseMetadata?: { RequestId?: unknown } }).SdkResponseMetadata?.RequestId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Outcome of every state named in `catchTargets`' keys or met in the history. `catchTargets` maps a state
 * name to the states its Catch can go to (a failed state whose catch target ran was caught).
 */
export function stateOutcomes(
  events: readonly HistoryEventLike[],
  options: { executionStatus: string; catchTargets?: Record<string, string[]>; stateNames?: string[] } = { executionStatus: 'RUNNING' },
): Record<string, StateView> {
  const states: Record<string, StateView> = {};
  const stateOfEvent = new Map<number, string>();
  const view = (name: string) => (states[name] ??= { name, outcome: 'not-run', attempts: [] });
  for (const name of options.stateNames ?? []) view(name);

  for (const event of events) {
    const entered = event.stateEnteredEventDetails as Detail | undefined;
    const exited = event.stateExitedEventDetails as Detail | undefined;
    // An event of a state points at that state's previous event; Entered/Exited carry the name.
    const name = entered?.name ?? exited?.name ?? stateOfEvent.get(event.previousEventId);
    if (name === undefined) continue;
    stateOfEvent.set(event.id, name);
    const state = view(name);
    if (entered) {
      state.type = event.type.replace(/StateEntered$/, '');
      state.enteredAt = event.timestamp;
      state.input = entered.input;
      state.outcome = 'running';
    } else if (exited) {
      state.exitedAt = event.timestamp;
      state.output = exited.output;
      state.outcome = state.attempts.length > 1 ? 'retried' : 'succeeded';
    } else if (event.type === 'TaskScheduled') {
      state.attempts.push({ scheduledAt: event.timestamp });
    } else if (event.type === 'TaskSucceeded') {
      const last = state.attempts[state.attempts.length - 1];
      const requestId = requestIdOf((event.taskSucceededEventDetails ?? {}) as Detail);
      if (last) Object.assign(last, { endedAt: event.timestamp }, requestId ? { requestId } : {});
    } else if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') {
      const details = (event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? {}) as Detail;
      const last = state.attempts[state.attempts.length - 1];
      const requestId = requestIdOf(details);
      if (last) Object.assign(last, { endedAt: event.timestamp, error: details.error, cause: details.cause }, requestId ? { requestId } : {});
      state.error = details.error;
      state.cause = details.cause;
    }
  }

  const ended = options.executionStatus !== 'RUNNING';
  for (const state of Object.values(states)) {
    if (state.enteredAt === undefined) continue;
    // Caught: one of its Catch targets ran after it was entered (Step Functions also exits a state it
    // caught a failure of, so having exited does not mean it succeeded).
    const catchTargets = options.catchTargets?.[state.name] ?? [];
    const caught = catchTargets.some((target) => (states[target]?.enteredAt ?? -1) >= state.enteredAt!);
    if (caught) state.outcome = 'caught';
    else if (state.outcome === 'running' && ended) state.outcome = 'failed';
  }
  return states;
}

/** For each state with a Catch, the states it may go to (at any depth of Parallel and Map). */
export function catchTargetsOf(definition: Record<string, any>, into: Record<string, string[]> = {}): Record<string, string[]> {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    const targets = ((state.Catch ?? []) as { Next?: string }[]).map((c) => c.Next).filter((n): n is string => typeof n === 'string');
    if (targets.length > 0) into[name] = targets;
    for (const branch of state.Branches ?? []) catchTargetsOf(branch, into);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) catchTargetsOf(processor, into);
  }
  return into;
}

/** Every state name at any depth. */
export function stateNamesOf(definition: Record<string, any>, into: string[] = []): string[] {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    into.push(name);
    for (const branch of state.Branches ?? []) stateNamesOf(branch, into);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) stateNamesOf(processor, into);
  }
  return into;
}
