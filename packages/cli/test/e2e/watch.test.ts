import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_PACKAGE_METADATA } from '@gamekeeper/bundling';
import { type LocalRuntime, startLocalRuntime } from '@gamekeeper/local-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWatched, watchWorkspace } from '../../src/watch';

// A workspace of its own (a service package beside an app that depends on it), so the test saves files
// without touching this repository: the watcher, the bundler and the runtime are the real ones.
const root = mkdtempSync(join(tmpdir(), 'gamekeeper-watch-'));
const service = join(root, 'services', 'greeter');
const handler = join(service, 'src', 'handler.mjs');
const greeting = join(service, 'src', 'greeting.mjs');
const template = {
  Resources: {
    GreeterFunctionAB12CD34: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'Greeter', Timeout: 10 }, Metadata: { [SERVICE_PACKAGE_METADATA]: '@watch/greeter' } },
    OtherFunctionAB12CD34: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'Other', Timeout: 10 }, Metadata: { [SERVICE_PACKAGE_METADATA]: '@watch/other' } },
  },
};
const saveGreeting = (text: string) => writeFileSync(greeting, `export const greeting = ${JSON.stringify(text)};\n`);

let runtime: LocalRuntime;
const reports: string[] = [];
let watcher: ReturnType<typeof watchWorkspace>;

beforeAll(async () => {
  for (const [name, main] of [
    ['greeter', "import { greeting } from './greeting.mjs';\nexport const handler = async () => ({ greeting });\n"],
    ['other', "export const handler = async () => ({ other: true });\n"],
  ] as const) {
    const dir = join(root, 'services', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@watch/${name}`, type: 'module', exports: { './handler': './src/handler.mjs' } }));
    writeFileSync(join(dir, 'src', 'handler.mjs'), main);
    mkdirSync(join(root, 'app', 'node_modules', '@watch'), { recursive: true });
    symlinkSync(dir, join(root, 'app', 'node_modules', '@watch', name));
  }
  writeFileSync(join(root, 'app', 'package.json'), JSON.stringify({ name: 'app' }));
  saveGreeting('hello');
  runtime = await startLocalRuntime({ template, resolveFunctionsFrom: join(root, 'app'), port: 0, functionLogFile: '/dev/null' });
  watcher = watchWorkspace(runtime, root, { report: (line) => reports.push(line) });
}, 60_000);
afterAll(async () => {
  watcher.close();
  await runtime.stop();
});

const waitForReport = async (pattern: RegExp, since = 0) => {
  for (let i = 0; i < 100 && !reports.slice(since).some((r) => pattern.test(r)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return reports.slice(since).find((r) => pattern.test(r));
};

describe('npm start follows the code', () => {
  it('ignores what cannot change what runs', () => {
    expect(isWatched(join('services', 'greeter', 'src', 'handler.ts'))).toBe(true);
    expect(isWatched(join('node_modules', '@x', 'index.js'))).toBe(false);
    expect(isWatched(join('services', 'greeter', 'test', 'unit', 'a.test.ts'))).toBe(false);
    expect(isWatched(join('infra', 'cdk.out', 'manifest.json'))).toBe(false);
    expect(isWatched('README.md')).toBe(false);
  });

  it('makes a saved source file live for the next invocation of the functions built from it, and only those', async () => {
    expect(await runtime.functions.invoke('Greeter', {})).toEqual({ greeting: 'hello' });

    saveGreeting('bonjour');
    const report = await waitForReport(/reloaded Greeter in \d+ ms/);

    expect(report).toMatch(/greeting\.mjs changed/);
    expect(report).not.toMatch(/Other/);
    expect(await runtime.functions.invoke('Greeter', {})).toEqual({ greeting: 'bonjour' });
    expect(await runtime.functions.invoke('Other', {})).toEqual({ other: true });
  });

  it('follows a file an editor or git replaces (written aside, renamed over it) save after save, and ignores the file written aside', async () => {
    const since = reports.length;
    for (const text of ['hallo', 'ciao']) {
      const mark = reports.length;
      writeFileSync(`${greeting}.tmp`, `export const greeting = ${JSON.stringify(text)};\n`);
      renameSync(`${greeting}.tmp`, greeting);
      await waitForReport(/reloaded Greeter in \d+ ms/, mark);
      expect(await runtime.functions.invoke('Greeter', {})).toEqual({ greeting: text });
    }
    expect(reports.slice(since)).toEqual([expect.stringMatching(/\(services\/greeter\/src\/greeting\.mjs changed\)$/), expect.stringMatching(/\(services\/greeter\/src\/greeting\.mjs changed\)$/)]);
    saveGreeting('bonjour');
    await waitForReport(/reloaded Greeter/, reports.length);
  });

  it('keeps the running code when a save does not build, reports it once, and applies the next good save', async () => {
    writeFileSync(handler, "import { greeting } from './greeting.mjs';\nexport const handler = async () => ({ greeting ;\n");
    const error = await waitForReport(/Greeter keeps its running code/);
    expect(error).toMatch(/handler\.mjs:2/);
    expect(await runtime.functions.invoke('Greeter', {})).toEqual({ greeting: 'bonjour' });

    writeFileSync(handler, "import { greeting } from './greeting.mjs';\nexport const handler = async () => ({ greeting, fixed: true });\n");
    await waitForReport(/reloaded Greeter in \d+ ms \(services\/greeter\/src\/handler\.mjs changed\)/);
    expect(await runtime.functions.invoke('Greeter', {})).toEqual({ greeting: 'bonjour', fixed: true });
    expect(reports.filter((r) => /keeps its running code/.test(r))).toHaveLength(1);
  });
});
