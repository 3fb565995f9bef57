import { describe, expect, it } from 'vitest';
import { type DeliverToTarget, EventBridgeService } from '../../src/eventbridge/service';
import { completionsRule, gameEventsBus, scope } from './fixtures';

const rule = completionsRule({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60 });

const entry = (n: number, detailType = 'Done') => ({ Source: 'game', DetailType: detailType, Detail: JSON.stringify({ n }), EventBusName: 'game-events' });

function service(deliver: DeliverToTarget, recentEvents?: number) {
  return new EventBridgeService({ ...scope, buses: [gameEventsBus], rules: [rule], deliver, deadLetter: () => undefined, retryDelayMs: () => 0, ...(recentEvents !== undefined ? { recentEvents } : {}) });
}

describe('the recent events ring', () => {
  it('keeps the newest events, newest first, up to its size', async () => {
    // Prepare
    const bridge = service(async () => undefined, 3);

    // Act
    for (let n = 1; n <= 5; n++) bridge.putEvents([entry(n)]);
    await bridge.idle();

    // Assess
    expect(bridge.recent().map((r) => (r.event.detail as { n: number }).n)).toEqual([5, 4, 3]);
    expect(bridge.recent(2).map((r) => (r.event.detail as { n: number }).n)).toEqual([5, 4]);
    expect(bridge.recent(0)).toEqual([]);
  });

  it('records the rule each event matched, the execution its delivery started, or that it matched none', async () => {
    // Prepare
    const bridge = service(async (_target, _input, _rule, started) => started?.({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Housekeeping:e1' }));

    // Act
    bridge.putEvents([entry(1), entry(2, 'Other')]);
    await bridge.idle();

    // Assess
    const [unmatched, matched] = bridge.recent();
    expect(unmatched).toMatchObject({ bus: 'game-events', rules: [], deliveries: [] });
    expect(matched).toMatchObject({
      bus: 'game-events',
      rules: ['Completions'],
      deliveries: [{ rule: 'Completions', targetArn: rule.targets[0]!.arn, outcome: 'delivered', attempts: 1, executionArns: ['arn:aws:states:us-east-1:000000000000:execution:Housekeeping:e1'] }],
    });
    expect(matched!.receivedAt).toBeGreaterThan(0);
  });

  it('shows a delivery retrying, then dead-lettered once its retry policy is spent', async () => {
    // Prepare: the first attempt fails and holds the second until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let attempt = 0;
    const bridge = service(async () => {
      attempt += 1;
      if (attempt === 2) await held;
      throw Object.assign(new Error('no'), { name: 'Unavailable' });
    });

    // Act
    bridge.putEvents([entry(1)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = structuredClone(bridge.recent(1)[0]!.deliveries[0]);
    release();
    await bridge.idle();

    // Assess
    expect(during).toMatchObject({ outcome: 'retrying', attempts: 2, error: 'Unavailable: no' });
    expect(bridge.recent(1)[0]!.deliveries[0]).toMatchObject({ outcome: 'dead-lettered', attempts: 3, executionArns: [] });
  });
});
