import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/faults';
import { LocalFunctions } from '../../src/lambda/functions';
import type { FunctionModel } from '../../src/template/model';

// A saved handler is live for the next invocation; what was already running finishes on the old code.
const dir = mkdtempSync(join(tmpdir(), 'code-reload-'));
const handlerFile = (name: string) => join(dir, name);
const writeHandler = (file: string, answer: string, delayMs = 0) =>
  writeFileSync(file, `export const handler = async () => { await new Promise((r) => setTimeout(r, ${delayMs})); return { answer: ${JSON.stringify(answer)} }; };\n`);
const model = (name: string): FunctionModel => ({
  logicalId: name,
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  environment: {},
  timeoutSeconds: 10,
  memoryMb: 128,
  logGroupName: `/aws/lambda/${name}`,
  logFormat: 'Text',
} as FunctionModel);

let functions: LocalFunctions | undefined;
afterEach(async () => functions?.close());

async function start(files: Record<string, string>, build: (file: string) => void = () => undefined) {
  functions = await LocalFunctions.start({
    functions: Object.keys(files).map(model),
    resolveFunctionsFrom: dir,
    bundleDir: dir,
    environment: {},
    maxConcurrency: 2,
    faults: new FaultInjector(),
    onOutput: () => undefined,
    codeOf: async (m) => {
      const file = files[m.name]!;
      build(file);
      return { outfile: file, inputs: [file] };
    },
  });
  return functions;
}

describe('code reload', () => {
  it('runs the saved code on the next invocation and reloads only the functions built from the saved file', async () => {
    const a = handlerFile('a.mjs');
    const b = handlerFile('b.mjs');
    writeHandler(a, 'a1');
    writeHandler(b, 'b1');
    const fns = await start({ A: a, B: b });
    expect(await fns.invoke('A', {})).toEqual({ answer: 'a1' });
    expect(await fns.invoke('B', {})).toEqual({ answer: 'b1' });

    writeHandler(a, 'a2');
    const reload = await fns.reloadCode([a]);

    expect(reload).toEqual({ reloaded: ['A'], failed: [] });
    expect(await fns.invoke('A', {})).toEqual({ answer: 'a2' });
    expect(await fns.invoke('B', {})).toEqual({ answer: 'b1' });
  });

  it('lets an invocation in flight finish on the old code while new ones get the new code', async () => {
    const a = handlerFile('slow.mjs');
    writeHandler(a, 'old', 300);
    const fns = await start({ Slow: a });
    await fns.invoke('Slow', {});

    const inFlight = fns.invoke('Slow', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeHandler(a, 'new', 0);
    await fns.reloadCode([a]);
    const after = await fns.invoke('Slow', {});

    expect(await inFlight).toEqual({ answer: 'old' });
    expect(after).toEqual({ answer: 'new' });
  });

  it('keeps the running code when the new code does not build, and says why', async () => {
    const a = handlerFile('broken.mjs');
    writeHandler(a, 'good');
    let broken = false;
    const fns = await start({ Broken: a }, () => {
      if (broken) throw new Error('broken.mjs:1:10: ERROR: Expected ";" but found "}"');
    });
    await fns.invoke('Broken', {});

    broken = true;
    const reload = await fns.reloadCode([a]);

    expect(reload.reloaded).toEqual([]);
    expect(reload.failed).toEqual([{ functionName: 'Broken', error: expect.stringMatching(/broken\.mjs:1:10/) }]);
    expect(await fns.invoke('Broken', {})).toEqual({ answer: 'good' });
  });
});
