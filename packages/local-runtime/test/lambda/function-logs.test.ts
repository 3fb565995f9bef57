import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FunctionLogBatch, FunctionPool } from '../../src/lambda/function-pool';

const handlerFile = fileURLToPath(new URL('./fixtures/logging-handler.mjs', import.meta.url));
const pools: FunctionPool[] = [];
const poolLogging = (batches: FunctionLogBatch[], extra: Partial<ConstructorParameters<typeof FunctionPool>[0]> = {}) => {
  const pool = new FunctionPool({
    functionName: 'logged',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:logged',
    handlerFile,
    environment: { SERVICE: 'logged' },
    timeoutSeconds: 5,
    memoryMb: 128,
    maxConcurrency: 1,
    onOutput: () => undefined,
    onLog: (batch) => batches.push(batch),
    ...extra,
  });
  pools.push(pool);
  return pool;
};
const firstWords = (batch: FunctionLogBatch) => batch.events.map((e) => e.message.split(/[ \t]/)[0]);

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('function logs as Lambda writes them', () => {
  it('gives the init output, then each invocation framed by START, END and REPORT, in the environment stream', async () => {
    // Prepare
    const batches: FunctionLogBatch[] = [];
    const pool = poolLogging(batches);

    // Act
    await pool.invoke({ n: 1 }, { requestId: 'req-1' });
    await pool.invoke({ n: 2 }, { requestId: 'req-2' });

    // Assess
    const [init, first, second] = batches;
    expect(init).toMatchObject({ functionName: 'logged', events: [{ message: expect.stringMatching(/\tundefined\tINFO\tcold start of logged\n$/) }] });
    expect(init!.requestId).toBeUndefined();
    expect(first!.requestId).toBe('req-1');
    expect(firstWords(first!)).toEqual(['START', expect.stringMatching(/^\d{4}-/), '{"level":"INFO","message":"structured","latency":0,"service":"logged"}\n', 'END', 'REPORT']);
    expect(first!.events.at(-1)!.message).toMatch(/\tInit Duration: [\d.]+ ms\t\n$/);
    expect(second!.events.at(-1)!.message).not.toContain('Init Duration');
    expect(new Set(batches.map((b) => b.logStreamName)).size).toBe(1);
    const times = first!.events.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('logs a timeout and moves to a new environment, with a new stream', async () => {
    const batches: FunctionLogBatch[] = [];
    const pool = poolLogging(batches, { timeoutSeconds: 0.2 });
    await expect(pool.invoke({ hangMs: 5_000 }, { requestId: 'slow' })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    await pool.invoke({}, { requestId: 'next' });
    const timedOut = batches.find((b) => b.requestId === 'slow')!;
    expect(timedOut.events.map((e) => e.message)).toEqual([
      'START RequestId: slow Version: $LATEST\n',
      expect.stringMatching(/^\S+Z slow Task timed out after 0\.20 seconds\n$/),
      'END RequestId: slow\n',
      expect.stringMatching(/^REPORT RequestId: slow\t.*\tStatus: timeout\t\n$/),
    ]);
    expect(batches.find((b) => b.requestId === 'next')!.logStreamName).not.toBe(timedOut.logStreamName);
  });

  it('hands the invocation its own batch, for LogType Tail', async () => {
    const pool = poolLogging([]);
    let tail: FunctionLogBatch | undefined;
    await pool.invoke({ fail: 'Boom' }, { onLog: (batch) => (tail = batch) }).catch(() => undefined);
    expect(tail?.events.some((e) => e.message.includes('\tERROR\tInvoke Error \t{"errorType":"Boom","errorMessage":"asked to fail: Boom"'))).toBe(true);
  });
});
