import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DetailType, Source } from '@gamekeeper/contracts';
import { lambdaContext, levelCompleted } from '@gamekeeper/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_BUS_ENV } from '../../src/index';

// The handler's wiring with the EventBridge client mocked; the real local EventBridge is exercised
// end to end by the CLI's tests.
const eventBridge = mockClient(EventBridgeClient);
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

beforeAll(async () => {
  process.env[EVENT_BUS_ENV] = 'test-bus';
  process.env.AWS_REGION = 'us-east-1';
  handler = (await import('../../src/handler')).handler as typeof handler;
});
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
});

describe('report handler', () => {
  it('publishes exactly one report event on the configured bus', async () => {
    const event = levelCompleted({ stars: 2 });
    const report = await handler(event, lambdaContext('report'));
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ EventBusName: 'test-bus', Source: Source.Report, DetailType: DetailType.LevelReportGenerated });
    expect(JSON.parse(entries[0]!.Detail!)).toEqual(report);
  });

  it('rejects invalid input with InvalidGameEvent and publishes nothing', async () => {
    await expect(handler({ ...levelCompleted(), detail: { score: 'lots' } }, lambdaContext('report'))).rejects.toMatchObject({ name: 'InvalidGameEvent' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
