import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EventBridgeEvent, EventBridgeService } from '../../src/eventbridge/service';
import type { RuleModel } from '../../src/template/model';

const rule: RuleModel = {
  name: 'Completions',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/game-events/Completions',
  busName: 'game-events',
  enabled: true,
  pattern: { source: ['game'] },
  targets: [{ id: 't', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 } }],
};
const entry = (n: number, source = 'game') => ({ EventBusName: 'game-events', Source: source, DetailType: 'Done', Detail: JSON.stringify({ n }) });

function service(journalFile: string, deliver: (event: EventBridgeEvent) => Promise<void>) {
  return new EventBridgeService({
    buses: [{ name: 'game-events', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/game-events' }],
    rules: [rule],
    region: 'us-east-1',
    accountId: '000000000000',
    journalFile,
    deliver: (_target, input) => deliver(input as EventBridgeEvent),
    deadLetter: () => undefined,
  });
}

describe('EventBridge inbox journal (the data-folder option)', () => {
  it('delivers again, after a restart, exactly the matched events whose delivery had not finished', async () => {
    // Prepare: a run whose deliveries of events 2 and 3 never finish (the process is killed).
    const journalFile = join(mkdtempSync(join(tmpdir(), 'inbox-')), 'events.ndjson');
    const crashed = service(journalFile, async (event) => {
      if ((event.detail as { n: number }).n !== 1) await new Promise(() => undefined);
    });
    const { Entries } = crashed.putEvents([entry(1), entry(2), entry(3), entry(4, 'elsewhere')]);
    await new Promise((resolve) => setImmediate(resolve));

    // Act: a new run on the same journal.
    const delivered: EventBridgeEvent[] = [];
    const restarted = service(journalFile, async (event) => void delivered.push(event));
    const resumed = restarted.resumeUnsettled();
    await restarted.idle();

    // Assess: 2 and 3 again, with their original ids; 1 (settled) and 4 (matched nothing) not.
    expect(resumed).toBe(2);
    expect(delivered.map((e) => (e.detail as { n: number }).n).sort()).toEqual([2, 3]);
    expect(delivered.map((e) => e.id).sort()).toEqual([Entries[1], Entries[2]].map((r) => (r as { EventId: string }).EventId).sort());
    expect(restarted.counters.resumed).toBe(2);
    // Settled by the second run: a third run has nothing left to resume.
    expect(service(journalFile, async () => undefined).resumeUnsettled()).toBe(0);
  });
});
