import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/faults';

const metric = { name: 'MetricFunction', servicePackage: '@gamekeeper/metric' };
const report = { name: 'ReportFunction', servicePackage: '@gamekeeper/report' };
const event = (n: number) => ({ id: `envelope-${Math.random()}`, detail: { eventId: `event-${n}` } });

describe('FaultInjector', () => {
  it('injects nothing and reports nothing when no rate is set', () => {
    const faults = new FaultInjector();
    expect(faults.enabled).toBe(false);
    expect(faults.describe()).toEqual([]);
    for (let n = 0; n < 100; n++) expect(faults.lambdaFault(metric, event(n))).toBeUndefined();
    expect(faults.throttleDynamo('PutItem')).toBe(false);
  });

  it('strikes at about the configured rate', () => {
    const faults = new FaultInjector({ seed: 3, duplicateDeliveries: 0.2 });
    let hits = 0;
    for (let n = 0; n < 5000; n++) if (faults.duplicateDelivery(event(n))) hits += 1;
    expect(hits / 5000).toBeGreaterThan(0.17);
    expect(hits / 5000).toBeLessThan(0.23);
    expect(faults.counters.duplicateDeliveries).toBe(hits);
  });

  it('repeats the same faults for the same seed and events, whatever their envelope ids and order', () => {
    const decisions = (seed: number, order: number[]) => {
      const faults = new FaultInjector({ seed, lambdaErrors: 0.3, lambdaTimeouts: 0.3 });
      const byEvent = new Map<number, string[]>();
      for (const n of order) byEvent.set(n, [0, 1, 2].map(() => faults.lambdaFault(metric, event(n)) ?? 'ok'));
      return [...byEvent].sort(([a], [b]) => a - b);
    };
    const forward = Array.from({ length: 50 }, (_, n) => n);
    expect(decisions(9, forward)).toEqual(decisions(9, [...forward].reverse()));
    expect(decisions(9, forward)).not.toEqual(decisions(10, forward));
  });

  it('draws afresh for each attempt at the same event, so retries can succeed', () => {
    const faults = new FaultInjector({ seed: 1, lambdaErrors: 0.5 });
    const attempts = Array.from({ length: 40 }, () => faults.lambdaFault(metric, event(1)));
    expect(attempts).toContain('error');
    expect(attempts).toContain(undefined);
  });

  it('takes rates per function by service name, with * for the rest', () => {
    const faults = new FaultInjector({ seed: 2, lambdaErrors: { metric: 1, '*': 0 } });
    expect(faults.lambdaFault(metric, event(1))).toBe('error');
    expect(faults.lambdaFault(report, event(1))).toBeUndefined();
    expect(faults.describe()).toEqual(['seed 2', 'Lambda errors: metric 100%, * 0%']);
  });

  it('throttles only DynamoDB item operations, never table management', () => {
    const faults = new FaultInjector({ dynamoThrottles: 1 });
    expect(faults.throttleDynamo('GetItem')).toBe(true);
    expect(faults.throttleDynamo('PutItem')).toBe(true);
    expect(faults.throttleDynamo('CreateTable')).toBe(false);
    expect(faults.throttleDynamo('Scan')).toBe(false);
  });

  it('delays a delivery by at most maxDelayMs', () => {
    const faults = new FaultInjector({ delayedDeliveries: 1, maxDelayMs: 300 });
    const delays = Array.from({ length: 50 }, (_, n) => faults.deliveryDelayMs(event(n)));
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => new FaultInjector({ dynamoThrottles: 1.5 })).toThrow(/between 0 and 1/);
    expect(() => new FaultInjector({ lambdaErrors: { metric: -0.1 } })).toThrow(/between 0 and 1/);
  });
});
