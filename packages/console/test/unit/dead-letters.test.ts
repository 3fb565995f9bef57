import { describe, expect, it } from 'vitest';
import type { ConsoleRuntime } from '../../src/server/runtime-seam';
import { deadLetters, recentEvents } from '../../src/server/views';

// The dead-letter queue holds events (a rule's DLQ, the state machine's Catch: the event is the body, the
// error in attributes) and the metric function's failed asynchronous invocations (Lambda's invocation record).
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:MetricFunction';
const report = { version: '0', id: 'env-1', source: 'gamekeeper.report', 'detail-type': 'Report.LevelReportGenerated', time: '2026-01-01T00:00:00Z', detail: { eventId: 'ev-1', playerId: 'p1' } };
const record = {
  version: '1.0',
  timestamp: '2026-01-01T00:00:01.000Z',
  requestContext: { requestId: 'r1', functionArn: `${FUNCTION_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
  requestPayload: report,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'ProvisionedThroughputExceededException', errorMessage: 'Rate of requests exceeds the allowed throughput.' },
};

function runtimeWith(messages: { body: string; attributes: Record<string, string> }[]): ConsoleRuntime {
  return {
    url: 'http://127.0.0.1:1',
    model: { region: 'us-east-1', accountId: '000000000000', buses: [], rules: [], stateMachines: [], functions: [], tables: [], queues: [{ name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' }] },
    stepFunctions: { executions: new Map(), counters: { succeeded: 0, failed: 0, retries: 0 } },
    eventBridge: { counters: {}, recent: () => [{ bus: 'game-events', event: report, receivedAt: 1, rules: ['ReportMetricRule'], deliveries: [] }] },
    queues: { list: () => [{ name: 'DeadLetterQueue', depth: messages.length }], messages: () => messages.map((m, i) => ({ messageId: `m${i}`, sentAt: 2, receiveCount: 0, ...m })) },
    cloudWatch: { allDatapoints: () => [] },
  } as unknown as ConsoleRuntime;
}

describe('the Dead letters view', () => {
  it('shows an invocation record’s error, its function and the event it carries', () => {
    const [queue] = deadLetters(runtimeWith([{ body: JSON.stringify(record), attributes: {} }]));
    expect(queue!.messages).toEqual([
      expect.objectContaining({
        errorCode: 'ProvisionedThroughputExceededException',
        errorMessage: 'Rate of requests exceeds the allowed throughput.',
        functionArn: `${FUNCTION_ARN}:$LATEST`,
        event: JSON.stringify(report),
        body: JSON.stringify(record),
      }),
    ]);
  });

  it('shows an event dead letter as before: the error from its attributes, no function', () => {
    const [queue] = deadLetters(runtimeWith([{ body: JSON.stringify(report), attributes: { ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: 'unreachable' } }]));
    const [message] = queue!.messages;
    expect(message).toMatchObject({ errorCode: 'SDK_CLIENT_ERROR', errorMessage: 'unreachable', body: JSON.stringify(report) });
    expect(message).not.toHaveProperty('functionArn');
    expect(message).not.toHaveProperty('event');
  });

  it('joins the record to its event in the Events view', () => {
    const { events } = recentEvents(runtimeWith([{ body: JSON.stringify(record), attributes: {} }]), 10);
    expect(events[0]!.deadLetter).toEqual({ queue: 'DeadLetterQueue', messageId: 'm0', errorCode: 'ProvisionedThroughputExceededException' });
  });
});
