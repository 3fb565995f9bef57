import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { sampleEvent } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLetters, redriveDeadLetters } from '../../src/dead-letters';
import { startStack } from './stack';

// The report rule invokes the metric function asynchronously. An event the function fails on (here: every
// attempt times out) is retried twice by Lambda, then its invocation record goes to the dead-letter queue
// (the function's on-failure destination); `gamekeeper redrive` puts the event back on the bus.
let stack: Awaited<ReturnType<typeof startStack>>;
let metricFunction: string;

beforeAll(async () => {
  stack = await startStack();
  metricFunction = stack.runtime.model.functions.find((f) => f.servicePackage === '@gamekeeper/metric')!.name;
}, 120_000);
afterAll(() => stack.stop());

const invocations = () => stack.runtime.functions.counters.byFunction[metricFunction]?.invocations ?? 0;

describe('an event the metric function fails on', () => {
  it('waits in the dead-letter queue as Lambda’s invocation record, and a redrive re-delivers it and empties the queue', async () => {
    // Prepare: a level report, and a metric function whose every attempt times out.
    const report = sampleEvent<{ detail: Record<string, unknown> }>(DetailType.LevelReportGenerated);
    const detail = { ...report.detail, eventId: randomUUID(), gameId: 'onfailure-game', rating: 'A' };
    stack.runtime.faults.setRates({ lambdaTimeouts: { metric: 1 } });
    const before = invocations();

    // Act: the report goes out on the bus; its rule hands it to the metric function.
    await stack.clients.eventBridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: EVENT_BUS_NAME, Source: Source.Report, DetailType: DetailType.LevelReportGenerated, Detail: JSON.stringify(detail) }] }),
    );
    await stack.runtime.idle();

    // Assess: three attempts, then one invocation record in the queue, the event as its requestPayload.
    expect(invocations() - before).toBe(3);
    const { QueueUrls = [] } = await stack.clients.sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls).toHaveLength(1);
    const { Messages = [] } = await stack.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: QueueUrls[0], MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect(Messages).toHaveLength(1);
    const record = JSON.parse(Messages[0]!.Body!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { functionArn: expect.stringMatching(new RegExp(`:function:${metricFunction}:\\$LATEST$`)), condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { source: Source.Report, 'detail-type': DetailType.LevelReportGenerated, detail },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Sandbox.Timedout' },
    });

    // Act: the fault is gone; redrive.
    stack.runtime.faults.setRates({ lambdaTimeouts: 0 });
    const summary = await redriveDeadLetters(stack.clients, { visibilityTimeoutSeconds: 1 });
    await stack.runtime.idle();

    // Assess: the event reached the metric function again, the queue is empty, and the report is counted once.
    expect(summary).toMatchObject({ received: 1, redriven: 1, failed: 0, errors: { 'Sandbox.Timedout': 1 }, kept: {}, problems: [] });
    expect(invocations() - before).toBe(4);
    expect(await countDeadLetters(stack.clients)).toBe(0);
    expect(stack.runtime.queues.list().map((q) => q.depth)).toEqual([0]);
    const counted = stack.runtime.cloudWatch.allDatapoints().filter((d) => d.metricName === 'LevelReports' && d.dimensions.some((x) => x.Name === 'GameId' && x.Value === 'onfailure-game'));
    expect(counted.reduce((n, d) => n + d.sampleCount, 0)).toBe(1);
  }, 60_000);

  it('is redriven beside a rule’s dead letter (the event itself as the body), each to the metric function once', async () => {
    // Prepare: one event EventBridge could not deliver (the rule's DLQ: the event, the rule in its attributes),
    // one the function failed on (the invocation record).
    const report = sampleEvent<{ detail: Record<string, unknown> } & Record<string, unknown>>(DetailType.LevelReportGenerated);
    const undelivered = { ...report, id: randomUUID(), detail: { ...report.detail, eventId: randomUUID(), gameId: 'onfailure-game-2' } };
    const failedOn = { ...report, id: randomUUID(), detail: { ...report.detail, eventId: randomUUID(), gameId: 'onfailure-game-2' } };
    const [queue] = stack.runtime.model.queues;
    const rule = stack.runtime.model.rules.find((r) => r.pattern && JSON.stringify(r.pattern).includes(Source.Report))!;
    stack.runtime.queues.send(queue!.arn, JSON.stringify(undelivered), { ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: 'Lambda was unreachable', RULE_ARN: rule.arn, TARGET_ARN: rule.targets[0]!.arn });
    stack.runtime.queues.send(
      queue!.arn,
      JSON.stringify({
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: { requestId: randomUUID(), functionArn: `${rule.targets[0]!.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: failedOn,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'ProvisionedThroughputExceededException', errorMessage: 'Rate of requests exceeds the allowed throughput.' },
      }),
    );
    const before = invocations();

    // Act
    const summary = await redriveDeadLetters(stack.clients, { visibilityTimeoutSeconds: 1 });
    await stack.runtime.idle();

    // Assess
    expect(summary).toMatchObject({ received: 2, redriven: 2, failed: 0, errors: { SDK_CLIENT_ERROR: 1, ProvisionedThroughputExceededException: 1 }, kept: {} });
    expect(invocations() - before).toBe(2);
    expect(await countDeadLetters(stack.clients)).toBe(0);
    const counted = stack.runtime.cloudWatch.allDatapoints().filter((d) => d.metricName === 'LevelReports' && d.dimensions.some((x) => x.Name === 'GameId' && x.Value === 'onfailure-game-2'));
    expect(counted.reduce((n, d) => n + d.sampleCount, 0)).toBe(2);
  }, 60_000);
});
