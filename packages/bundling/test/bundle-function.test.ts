import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING, bundleFunction, functionBundler } from '../src/index.js';

describe('bundleFunction', () => {
  it('writes one minified ESM file with a linked source map and a require() for CommonJS dependencies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundling-'));
    const entry = join(dir, 'handler.ts');
    writeFileSync(entry, "import { createHash } from 'node:crypto';\nexport const handler = async (event: { text: string }) => ({ digest: createHash('sha256').update(event.text).digest('hex'), hasRequire: typeof require });\n");
    const { outfile, inputs } = await bundleFunction({ entry, outfile: join(dir, 'out', 'handler.mjs') });
    expect(inputs).toEqual([entry]);

    const code = readFileSync(outfile, 'utf8');
    expect(code.startsWith(FUNCTION_BUNDLING.banner)).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=handler\.mjs\.map\s*$/);
    expect(JSON.parse(readFileSync(`${outfile}.map`, 'utf8')).sources.some((s: string) => s.endsWith('handler.ts'))).toBe(true);
    const { handler } = await import(pathToFileURL(outfile).href);
    await expect(handler({ text: 'x' })).resolves.toEqual({ digest: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881', hasRequire: 'function' });
  });
});

describe('functionBundler', () => {
  it('builds the same bundle again with what changed, reports a build error and builds again after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundling-'));
    const entry = join(dir, 'handler.ts');
    const answer = join(dir, 'answer.ts');
    writeFileSync(entry, "import { answer } from './answer';\nexport const handler = async () => answer;\n");
    writeFileSync(answer, 'export const answer: number = 1;\n');
    const bundler = functionBundler({ entry, outfile: join(dir, 'out', 'handler.mjs'), logLevel: 'silent' });
    const load = async (file: string, version: number) => (await import(`${pathToFileURL(file).href}?v=${version}`)).handler();
    try {
      const first = await bundler.rebuild();
      expect(first.inputs.sort()).toEqual([answer, entry].sort());
      expect(await load(first.outfile, 1)).toBe(1);

      writeFileSync(answer, 'export const answer: number = ;\n');
      await expect(bundler.rebuild()).rejects.toThrow(/answer\.ts:1:30/);

      writeFileSync(answer, 'export const answer: number = 2;\n');
      expect(await load((await bundler.rebuild()).outfile, 2)).toBe(2);
    } finally {
      await bundler.dispose();
    }
  });
});
