import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING, bundleFunction } from '../src/index.js';

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
