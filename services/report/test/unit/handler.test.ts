import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type CompletionEvent, DetailType, InvalidGameEvent, Source } from '@gamekeeper/contracts';
import { lambdaContext, levelCompleted, loadEvent } from '@gamekeeper/testing';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildReport, EVENT_BUS_ENV, ReportPublishFailed } from '../../src/index';

// The handler's wiring with the EventBridge client mocked, so each case can script EventBridge's answer
// (a refused entry included) and read the exact PutEvents request. The report over the real wire, through
// the local runtime's PutEvents (packages/local-runtime), runs in the CLI's end-to-end tests.
const eventBridge = mockClient(EventBridgeClient);
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  // The handler reads its env and creates its clients at import time.
  process.env[EVENT_BUS_ENV] = 'test-bus';
  process.env.AWS_REGION = 'us-east-1';
  handler = (await import('../../src/handler')).handler as typeof handler;
});
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
});

const publishedEntries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const sample = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));

describe('report handler', () => {
  it.each(['three-stars', 'no-stars', 'game-completed'])('publishes exactly one report entry on the configured bus for %s', async (name) => {
    // Prepare
    const event = sample(name);

    // Act
    const report = await handler(event, lambdaContext('report'));

    // Assess
    expect(report).toEqual(buildReport(event));
    const entries = publishedEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual({
      EventBusName: 'test-bus',
      Source: Source.Report,
      DetailType: DetailType.LevelReportGenerated,
      Detail: expect.any(String),
    });
    expect(JSON.parse(entries[0]!.Detail!)).toEqual(report);
  });

  it.each<[string, unknown]>([
    ['a detail that breaks the contract', { ...levelCompleted(), detail: { score: 'lots' } }],
    ['a detail-type the workflow does not handle', { ...levelCompleted(), 'detail-type': DetailType.LevelReportGenerated }],
    ['something that is not an event', 'hello'],
  ])('rejects %s with InvalidGameEvent and publishes nothing', async (_case, rawEvent) => {
    // Act
    const outcome = handler(rawEvent, lambdaContext('report'));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvalidGameEvent);
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidGameEvent' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails with the retryable ReportPublishFailed when EventBridge refuses the report', async () => {
    // Prepare: a non-retryable refusal, so the producer gives up at once.
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }] });

    // Act
    const outcome = handler(sample('three-stars'), lambdaContext('report'));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ReportPublishFailed);
    await expect(outcome).rejects.toMatchObject({ name: 'ReportPublishFailed', message: /AccessDeniedException: not allowed/ });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
