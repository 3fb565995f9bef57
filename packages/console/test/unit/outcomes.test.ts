import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type HistoryEventLike, catchTargetsOf, stateNamesOf, stateOutcomes } from '../../src/server/outcomes';

const definition = JSON.parse(readFileSync(new URL('../fixtures/housekeeping.asl.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A history in GetExecutionHistory's shape, linking each state's events by previousEventId as AWS does. */
function history(steps: [type: string, state?: string, details?: Record<string, unknown>][]): HistoryEventLike[] {
  const last = new Map<string, number>();
  return steps.map(([type, state, details = {}], i) => {
    const id = i + 1;
    const previousEventId = (state ? last.get(state) : undefined) ?? i;
    if (state) last.set(state, id);
    const named = type.endsWith('StateEntered') ? { stateEnteredEventDetails: { name: state, input: JSON.stringify({ in: state }) } } : type.endsWith('StateExited') ? { stateExitedEventDetails: { name: state, output: JSON.stringify({ out: state }) } } : {};
    return { id, previousEventId, type, timestamp: 1_000 + id * 10, ...named, ...details };
  });
}

const options = (executionStatus: string) => ({ executionStatus, catchTargets: catchTargetsOf(definition), stateNames: stateNamesOf(definition) });

describe('stateOutcomes', () => {
  it('a level completion: the branches succeed, the game writer and the dead-letter path do not run', () => {
    // Prepare
    const events = history([
      ['ExecutionStarted'],
      ['ParallelStateEntered', 'Housekeeping'],
      ['ParallelStateStarted'],
      ['TaskStateEntered', 'GenerateReport'],
      ['TaskScheduled', 'GenerateReport'],
      ['ChoiceStateEntered', 'IsGameCompleted'],
      ['ChoiceStateExited', 'IsGameCompleted'],
      ['TaskStateEntered', 'UpdateCompletedLevel'],
      ['TaskScheduled', 'UpdateCompletedLevel'],
      ['TaskSucceeded', 'GenerateReport'],
      ['TaskStateExited', 'GenerateReport'],
      ['TaskSucceeded', 'UpdateCompletedLevel'],
      ['TaskStateExited', 'UpdateCompletedLevel'],
      ['TaskStateEntered', 'LogMetric'],
      ['TaskScheduled', 'LogMetric'],
      ['TaskFailed', 'LogMetric', { taskFailedEventDetails: { error: 'Lambda.ServiceException', cause: '{"errorMessage":"injected"}' } }],
      ['TaskScheduled', 'LogMetric'],
      ['TaskSucceeded', 'LogMetric'],
      ['TaskStateExited', 'LogMetric'],
      ['ParallelStateExited', 'Housekeeping'],
      ['ExecutionSucceeded'],
    ]);

    // Act
    const states = stateOutcomes(events, options('SUCCEEDED'));

    // Assess
    const outcome = Object.fromEntries(Object.values(states).map((s) => [s.name, s.outcome]));
    expect(outcome).toEqual({
      Housekeeping: 'succeeded',
      GenerateReport: 'succeeded',
      IsGameCompleted: 'succeeded',
      UpdateCompletedLevel: 'succeeded',
      UpdateCompletedGame: 'not-run',
      LogMetric: 'retried',
      RecordDeadLetter: 'not-run',
      HousekeepingFailed: 'not-run',
    });
    expect(states.GenerateReport).toMatchObject({ type: 'Task', input: '{"in":"GenerateReport"}', output: '{"out":"GenerateReport"}' });
    expect(states.LogMetric!.attempts).toHaveLength(2);
    expect(states.LogMetric!.attempts[0]).toMatchObject({ error: 'Lambda.ServiceException', cause: '{"errorMessage":"injected"}' });
    expect(states.LogMetric!.attempts[1]!.error).toBeUndefined();
  });

  it('a bad event: the failing task is failed, the Parallel is caught, the dead-letter path ran', () => {
    const events = history([
      ['ExecutionStarted'],
      ['ParallelStateEntered', 'Housekeeping'],
      ['TaskStateEntered', 'GenerateReport'],
      ['TaskScheduled', 'GenerateReport'],
      ['TaskFailed', 'GenerateReport', { taskFailedEventDetails: { error: 'InvalidGameEvent', cause: 'bad' } }],
      ['ParallelStateFailed'],
      ['TaskStateEntered', 'RecordDeadLetter'],
      ['TaskScheduled', 'RecordDeadLetter'],
      ['TaskSucceeded', 'RecordDeadLetter'],
      ['TaskStateExited', 'RecordDeadLetter'],
      ['FailStateEntered', 'HousekeepingFailed'],
      ['ExecutionFailed'],
    ]);
    const states = stateOutcomes(events, options('FAILED'));
    expect(states.GenerateReport).toMatchObject({ outcome: 'failed', error: 'InvalidGameEvent', cause: 'bad' });
    expect(states.Housekeeping!.outcome).toBe('caught');
    expect(states.RecordDeadLetter!.outcome).toBe('succeeded');
    expect(states.HousekeepingFailed!.outcome).toBe('failed');
    expect(states.LogMetric!.outcome).toBe('not-run');
  });

  it('a state that Step Functions exits after catching its failure is caught, not succeeded', () => {
    const events = history([
      ['ExecutionStarted'],
      ['ParallelStateEntered', 'Housekeeping'],
      ['TaskStateEntered', 'GenerateReport'],
      ['TaskScheduled', 'GenerateReport'],
      ['TaskFailed', 'GenerateReport', { taskFailedEventDetails: { error: 'InvalidGameEvent', cause: 'bad' } }],
      ['ParallelStateExited', 'Housekeeping'],
      ['TaskStateEntered', 'RecordDeadLetter'],
      ['TaskScheduled', 'RecordDeadLetter'],
      ['TaskSucceeded', 'RecordDeadLetter'],
      ['TaskStateExited', 'RecordDeadLetter'],
      ['FailStateEntered', 'HousekeepingFailed'],
      ['ExecutionFailed'],
    ]);
    const states = stateOutcomes(events, options('FAILED'));
    expect(states.Housekeeping!.outcome).toBe('caught');
    expect(states.GenerateReport!.outcome).toBe('failed');
  });

  it('a running execution: entered states are running, even between retries', () => {
    const events = history([
      ['ExecutionStarted'],
      ['ParallelStateEntered', 'Housekeeping'],
      ['TaskStateEntered', 'LogMetric'],
      ['TaskScheduled', 'LogMetric'],
      ['TaskFailed', 'LogMetric', { taskFailedEventDetails: { error: 'Sandbox.Timedout', cause: 'late' } }],
    ]);
    const states = stateOutcomes(events, options('RUNNING'));
    expect(states.LogMetric!.outcome).toBe('running');
    expect(states.Housekeeping!.outcome).toBe('running');
  });
  it('reads each attempt’s Lambda request id: the runtime’s requestId, or AWS’s SdkResponseMetadata in the output', () => {
    // Prepare
    const events = history([
      ['ExecutionStarted'],
      ['TaskStateEntered', 'LogMetric'],
      ['TaskScheduled', 'LogMetric'],
      ['TaskFailed', 'LogMetric', { taskFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'x', requestId: 'req-1' } }],
      ['TaskScheduled', 'LogMetric'],
      ['TaskSucceeded', 'LogMetric', { taskSucceededEventDetails: { output: JSON.stringify({ Payload: {}, SdkResponseMetadata: { RequestId: 'req-2' } }) } }],
      ['TaskStateExited', 'LogMetric'],
    ]);

    // Act
    const states = stateOutcomes(events, { executionStatus: 'SUCCEEDED' });

    // Assess
    expect(states.LogMetric!.attempts.map((a) => a.requestId)).toEqual(['req-1', 'req-2']);
    expect(states.LogMetric!.outcome).toBe('retried');
  });
});
