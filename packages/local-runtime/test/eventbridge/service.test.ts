import type { AddressInfo } from 'node:net';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  ListTargetsByRuleCommand,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeServer } from '../../src/edge/server';
import { EventBridgeService } from '../../src/eventbridge/service';
import { completionsRule, gameEventsBus, scope } from './fixtures';

const rule = completionsRule({ maximumRetryAttempts: 12, maximumEventAgeInSeconds: 21_600 });
const event = { id: '1', account: '000000000000', source: 'game', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], 'detail-type': 'Done', detail: {} };

let client: EventBridgeClient;
const server = createEdgeServer({ services: [] });

beforeAll(async () => {
  const service = new EventBridgeService({ ...scope, buses: [gameEventsBus], rules: [rule], deliver: async () => undefined, deadLetter: () => undefined });
  server.addServices([{ name: 'EventBridge', targetPrefix: 'AWSEvents', jsonVersion: '1.1', backend: service }]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new EventBridgeClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('EventBridge read APIs and TestEventPattern, through the real SDK client', () => {
  it('describes a bus by name or ARN, and refuses one that does not exist', async () => {
    expect(await client.send(new DescribeEventBusCommand({ Name: 'game-events' }))).toMatchObject({ Name: 'game-events', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/game-events' });
    expect(await client.send(new DescribeEventBusCommand({}))).toMatchObject({ Name: 'default' });
    await expect(client.send(new DescribeEventBusCommand({ Name: 'nope' }))).rejects.toThrow(ResourceNotFoundException);
  });

  it('describes a rule and lists its targets with their retry policy and dead-letter queue', async () => {
    const described = await client.send(new DescribeRuleCommand({ Name: 'Completions', EventBusName: 'game-events' }));
    expect(described).toMatchObject({ Name: 'Completions', Arn: rule.arn, State: 'ENABLED', EventBusName: 'game-events' });
    expect(JSON.parse(described.EventPattern!)).toEqual(rule.pattern);
    const { Targets } = await client.send(new ListTargetsByRuleCommand({ Rule: 'Completions', EventBusName: 'game-events' }));
    expect(Targets).toEqual([
      { Id: 'Target0', Arn: rule.targets[0]!.arn, RetryPolicy: { MaximumRetryAttempts: 12, MaximumEventAgeInSeconds: 21_600 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:Dlq' } },
    ]);
    await expect(client.send(new DescribeRuleCommand({ Name: 'Completions' }))).rejects.toThrow(/Rule Completions does not exist on EventBus default/);
  });

  it('tests a pattern against an event with the matcher the rules use', async () => {
    const pattern = JSON.stringify(rule.pattern);
    expect((await client.send(new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify(event) }))).Result).toBe(true);
    expect((await client.send(new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify({ ...event, source: 'other' }) }))).Result).toBe(false);
  });

  it('refuses an invalid pattern as PutRule would, and an event without the required fields', async () => {
    const refused = client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: [{ prefix: 1 }] }), Event: JSON.stringify(event) }));
    await expect(refused).rejects.toThrow(InvalidEventPatternException);
    await expect(refused).rejects.toThrow(/Event pattern is not valid/);
    const { id: _id, ...withoutId } = event;
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"source":["game"]}', Event: JSON.stringify(withoutId) }))).rejects.toThrow(/Parameter Event is not valid/);
  });
});
