import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/faults';

describe('FaultInjector.setRates', () => {
  it('turns a fault off on a running injector, keeps the others, and refuses a rate out of range', () => {
    // Prepare
    const faults = new FaultInjector({ seed: 7, lambdaErrors: { metric: 1 }, duplicateDeliveries: 1 });
    const metric = { name: 'Metric', servicePackage: '@gamekeeper/metric' };
    expect(faults.lambdaFault(metric, { detail: { n: 1 } })).toBe('error');

    // Act
    faults.setRates({ lambdaErrors: 0 });

    // Assess
    expect(faults.lambdaFault(metric, { detail: { n: 1 } })).toBeUndefined();
    expect(faults.duplicateDelivery({ detail: { n: 1 } })).toBe(true);
    expect(() => faults.setRates({ dynamoThrottles: 2 })).toThrow(RangeError);
    expect(faults.throttleDynamo('GetItem')).toBe(false);
  });
});
