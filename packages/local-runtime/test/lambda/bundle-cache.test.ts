import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHandler } from '../../src/lambda/bundle';

/** An app folder whose node_modules holds one service package with a `./handler` export. */
function appWithService(greeting: string) {
  const app = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  const pkg = join(app, 'node_modules', 'probe-service');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'probe-service': '*' } }));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'probe-service', type: 'module', exports: { './handler': './handler.mjs' } }));
  const source = join(pkg, 'handler.mjs');
  const write = (text: string) => writeFileSync(source, `export const handler = async () => ${JSON.stringify(text)};\n`);
  write(greeting);
  return { app, write, manifest: join(app, 'node_modules', '.cache', 'gamekeeper-functions', 'probe-service.json') };
}
const build = (app: string) => bundleHandler('probe-service', join(app, 'out'), app);
const builtAt = (file: string) => statSync(file).mtimeMs;

describe('the start-up bundle cache', () => {
  it('reuses a bundle while nothing it was built from changed', async () => {
    const { app } = appWithService('hello');
    const first = await build(app);
    const again = await build(app);
    expect(again.outfile).toBe(first.outfile);
    expect(builtAt(again.outfile)).toBe(builtAt(first.outfile));
    expect(readFileSync(again.outfile, 'utf8')).toContain('hello');
  });

  it('builds again when a source changed', async () => {
    const { app, write } = appWithService('hello');
    await build(app);
    write('hello, changed');
    expect(readFileSync((await build(app)).outfile, 'utf8')).toContain('hello, changed');
  });

  it('builds again when the bundle file itself was edited or replaced', async () => {
    const { app } = appWithService('hello');
    const { outfile } = await build(app);
    writeFileSync(outfile, 'export * from "/somewhere/else.mjs";\n');
    expect(readFileSync((await build(app)).outfile, 'utf8')).toContain('hello');
  });

  it('builds again when it was built by another esbuild or with other settings', async () => {
    const { app, manifest } = appWithService('hello');
    const { outfile } = await build(app);
    const before = builtAt(outfile);
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), bundler: 'esbuild 0.0.1 {}' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await build(app);
    expect(builtAt(outfile)).toBeGreaterThan(before);
    expect(JSON.parse(readFileSync(manifest, 'utf8')).bundler).not.toBe('esbuild 0.0.1 {}');
  });
});
