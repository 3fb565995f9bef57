import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionPool, LambdaFunctionError, profilingFlags } from '../../src/lambda/function-pool';

const handlerFile = fileURLToPath(new URL('./fixtures/probe-handler.mjs', import.meta.url));
const pools: FunctionPool[] = [];
const pool = (name: string, environment: Record<string, string>, extra: Partial<ConstructorParameters<typeof FunctionPool>[0]> = {}) => {
  const p = new FunctionPool({ functionName: name, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, handlerFile, environment, timeoutSeconds: 5, memoryMb: 128, maxConcurrency: 2, ...extra });
  pools.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('FunctionPool', () => {
  it('runs each function with its own environment and module state', async () => {
    // Prepare
    const hello = pool('hello', { GREETING: 'hello' });
    const bonjour = pool('bonjour', { GREETING: 'bonjour' });

    // Act
    const leaking = (await hello.invoke({ leak: true })) as Record<string, unknown>;
    const other = (await bonjour.invoke({})) as Record<string, unknown>;

    // Assess
    expect(leaking).toMatchObject({ greeting: 'hello', leaked: 'yes', marker: 'hello', functionName: 'hello', remaining: true });
    expect(other).toMatchObject({ greeting: 'bonjour', leaked: null, marker: 'bonjour', invocations: 1, functionName: 'bonjour' });
    expect(process.env.LEAKED).toBeUndefined();
  });

  it('reuses a warm environment between invocations, as Lambda does', async () => {
    const fn = pool('warm', { GREETING: 'hi' });
    await fn.invoke({});
    const second = (await fn.invoke({})) as { invocations: number };
    expect(second.invocations).toBe(2);
    expect(fn.size).toBe(1);
  });

  it('runs invocations concurrently up to the limit and queues the rest', async () => {
    const fn = pool('busy', { GREETING: 'hi' }, { maxConcurrency: 2 });
    const results = await Promise.all([1, 2, 3, 4].map(() => fn.invoke({ hangMs: 50 })));
    expect(results).toHaveLength(4);
    expect(fn.size).toBe(2);
  });

  it('shuts down the environments a burst added once they sit idle, and keeps the first one warm', async () => {
    const fn = pool('burst', { GREETING: 'hi' }, { maxConcurrency: 2, idleShutdownMs: 100 });
    await Promise.all([1, 2].map(() => fn.invoke({ hangMs: 50 })));
    expect(fn.size).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(fn.size).toBe(1);
    // The one left is the warm one: its module state has seen earlier invocations.
    const next = (await fn.invoke({})) as { invocations: number };
    expect(next.invocations).toBeGreaterThan(1);
  });

  it('never shuts down an environment in the middle of an invocation', async () => {
    const fn = pool('long', { GREETING: 'hi' }, { maxConcurrency: 2, idleShutdownMs: 50 });
    // The first ends first and arms the idle check; the second environment is still busy when it fires.
    const [, longer] = await Promise.all([fn.invoke({ hangMs: 300 }), fn.invoke({ hangMs: 600 })]);
    expect(longer).toMatchObject({ greeting: 'hi' });
    expect(fn.size).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(fn.size).toBe(1);
  });

  it('reports a thrown error with its name as the error type', async () => {
    const fn = pool('failing', { GREETING: 'hi' });
    const outcome = fn.invoke({ fail: 'InvalidGameEvent' });
    await expect(outcome).rejects.toBeInstanceOf(LambdaFunctionError);
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidGameEvent', message: 'asked to fail: InvalidGameEvent' });
  });

  it('times out a hung invocation and replaces its environment', async () => {
    const fn = pool('slow', { GREETING: 'hi' }, { timeoutSeconds: 0.2 });
    await expect(fn.invoke({ hangMs: 5_000 })).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: 'Task timed out after 0.20 seconds' });
    const after = (await fn.invoke({})) as { invocations: number };
    expect(after.invocations).toBe(1);
  });

  it('passes on the profiling flags of its process, and only those', () => {
    expect(profilingFlags(['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir=/tmp/p', '--heap-prof', '--max-old-space-size=100', '--cpu-prof-interval=50', '--cpu-profiler'])).toEqual([
      '--cpu-prof',
      '--cpu-prof-dir=/tmp/p',
      '--heap-prof',
      '--cpu-prof-interval=50',
    ]);
  });

  it('writes a CPU profile of each execution environment when the process is profiled', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cpu-prof-'));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const script = fileURLToPath(new URL('./fixtures/profiled-invocation.ts', import.meta.url));

    // Act
    const output = execFileSync(process.execPath, ['--import', tsx, '--cpu-prof', `--cpu-prof-dir=${dir}`, script], { encoding: 'utf8' });

    // Assess: Node names each thread's profile CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile; the
    // environment's thread wrote one, and it is a CPU profile
    const { threadId, pid } = JSON.parse(output) as { threadId: number; pid: number };
    expect(threadId).toBeGreaterThan(0);
    const name = new RegExp(`^CPU\\.\\d+\\.\\d+\\.${pid}\\.${threadId}\\.\\d+\\.cpuprofile$`);
    const ofEnvironment = readdirSync(dir).filter((file) => name.test(file));
    expect(ofEnvironment).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, ofEnvironment[0]!), 'utf8'))).toHaveProperty('nodes');
  });
});
