import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionSteps } from '../../src/steps';

// A history as GetExecutionHistory returns it: parallel branches interleaved, each task event linked to
// its own state's previous event.
let id = 0;
const ev = (previousEventId: number, type: string, details: Partial<HistoryEvent> = {}): HistoryEvent =>
  ({ id: ++id, previousEventId, type, timestamp: new Date(), ...details }) as HistoryEvent;
const history: HistoryEvent[] = [
  ev(0, 'ExecutionStarted'),
  ev(1, 'ParallelStateEntered', { stateEnteredEventDetails: { name: 'Housekeeping', input: '{}' } }),
  ev(2, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'Report', input: '{"a":1}' } }), // 3
  ev(2, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'Level', input: '{"b":2}' } }), // 4
  ev(3, 'TaskScheduled'), // 5 Report
  ev(4, 'TaskScheduled'), // 6 Level
  ev(6, 'TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'ConcurrentUpdateConflict', cause: 'busy' } }), // 7 Level
  ev(5, 'TaskSucceeded'), // 8 Report
  ev(7, 'TaskScheduled'), // 9 Level retry
  ev(8, 'TaskStateExited', { stateExitedEventDetails: { name: 'Report', output: '{"rating":"A"}' } }), // 10
  ev(9, 'TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'ConcurrentUpdateConflict', cause: 'still busy' } }), // 11
  ev(11, 'TaskScheduled'), // 12
  ev(12, 'TaskSucceeded'), // 13
  ev(13, 'TaskStateExited', { stateExitedEventDetails: { name: 'Level', output: '{"outcome":"applied"}' } }),
];

describe('executionSteps', () => {
  it('attributes interleaved task events to their own state and counts retries', () => {
    const steps = executionSteps(history);
    expect(steps.map((s) => [s.name, s.type, s.attempts, s.retries])).toEqual([
      ['Housekeeping', 'Parallel', 0, 0],
      ['Report', 'Task', 1, 0],
      ['Level', 'Task', 3, 2],
    ]);
    expect(steps[1]).toMatchObject({ input: { a: 1 }, output: { rating: 'A' } });
    expect(steps[2]).toMatchObject({ input: { b: 2 }, output: { outcome: 'applied' } });
    expect(steps[2]?.error).toBeUndefined();
  });

  it('keeps the error of a step whose last attempt failed', () => {
    const failed = history.slice(0, 11);
    const level = executionSteps(failed).find((s) => s.name === 'Level');
    expect(level).toMatchObject({ attempts: 2, retries: 1, error: 'ConcurrentUpdateConflict', cause: 'still busy' });
    expect(level?.output).toBeUndefined();
  });
});
