import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** One state of an execution as a person reads it: what went in, what came out, what failed, how often it was retried. */
export interface ExecutionStep {
  name: string;
  type: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  attempts: number;
  retries: number;
}

const parse = (text: string | undefined) => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Folds GetExecutionHistory events into steps. Each task event points (previousEventId) at the
 * previous event of its own state, so following that chain back to a StateEntered event tells which
 * state it belongs to, even when parallel branches interleave.
 */
export function executionSteps(events: HistoryEvent[]): ExecutionStep[] {
  const steps: ExecutionStep[] = [];
  const stepOfEvent = new Map<number, ExecutionStep>();
  for (const event of events) {
    const type = event.type ?? '';
    const id = event.id ?? 0;
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails) {
      const step: ExecutionStep = {
        name: event.stateEnteredEventDetails.name ?? '?',
        type: type.replace(/StateEntered$/, ''),
        input: parse(event.stateEnteredEventDetails.input),
        attempts: 0,
        retries: 0,
      };
      steps.push(step);
      stepOfEvent.set(id, step);
      continue;
    }
    const step = stepOfEvent.get(event.previousEventId ?? -1);
    if (!step) continue;
    stepOfEvent.set(id, step);
    if (type === 'TaskScheduled') {
      step.attempts += 1;
      step.retries = step.attempts - 1;
    } else if (type === 'TaskFailed' && event.taskFailedEventDetails) {
      step.error = event.taskFailedEventDetails.error;
      step.cause = event.taskFailedEventDetails.cause;
    } else if (type === 'TaskSucceeded') {
      step.error = undefined;
      step.cause = undefined;
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails) {
      step.output = parse(event.stateExitedEventDetails.output);
    }
  }
  return steps;
}
