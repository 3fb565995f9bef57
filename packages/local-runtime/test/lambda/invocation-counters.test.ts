import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from './fixtures/local-stack';

// The fixture's pools run at most 2 environments per function; what callers have outstanding is more.
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack.close();
});

describe('invocation counters', () => {
  it('count invocations in flight (running or waiting for an environment) and their peak, per function and in total', async () => {
    const { functions } = stack;
    const before = functions.counters.total.invocations;

    const running = [
      ...Array.from({ length: 5 }, () => functions.invoke('LevelStoreFunction', { hangMs: 150 })),
      functions.invoke('ReportFunction', { hangMs: 150 }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(functions.counters.byFunction.LevelStoreFunction).toMatchObject({ inFlight: 5 });
    expect(functions.counters.total.inFlight).toBe(6);
    await Promise.all(running);

    expect(functions.counters.byFunction.LevelStoreFunction).toMatchObject({ inFlight: 0, peakInFlight: 5 });
    expect(functions.counters.byFunction.ReportFunction).toMatchObject({ inFlight: 0, peakInFlight: 1 });
    expect(functions.counters.total).toMatchObject({ invocations: before + 6, inFlight: 0, peakInFlight: 6 });
  });

  it('count a failed invocation and let it go out of flight', async () => {
    const { functions } = stack;
    const before = functions.counters.byFunction.LevelStoreFunction?.invocations ?? 0;
    await expect(functions.invoke('LevelStoreFunction', { fail: 'Boom' })).rejects.toMatchObject({ name: 'Boom' });
    expect(functions.counters.byFunction.LevelStoreFunction).toMatchObject({ invocations: before + 1, inFlight: 0 });
  });

  it('measure the peak afresh after resetPeaks', async () => {
    const { functions } = stack;
    functions.resetPeaks();
    expect(functions.counters.total.peakInFlight).toBe(0);
    await Promise.all([functions.invoke('LevelStoreFunction', {}), functions.invoke('LevelStoreFunction', {})]);
    expect(functions.counters.byFunction.LevelStoreFunction!.peakInFlight).toBe(2);
    expect(functions.counters.byFunction.ReportFunction!.peakInFlight).toBe(0);
  });
});
