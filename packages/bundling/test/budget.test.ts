import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionPackages, weights } from '../scripts/bundle-report.mjs';
import { AWS_RUNTIME_EXTERNALS, bundleFunction } from '../src/index.js';

/**
 * Each function's asset as the CDK builds it for nodejs22.x (FUNCTION_BUNDLING, `@aws-sdk/*` external):
 * at most this many bytes of minified JavaScript (the source map not counted). Bytes are deterministic for
 * a lockfile; load time is not, so it is only printed by `npm run bundles`, never tested.
 */
const BUDGET_BYTES = 150 * 1024;

const functions = functionPackages();
const dir = mkdtempSync(join(tmpdir(), 'bundle-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('function assets stay within the size budget', () => {
  it('covers every function package', () => {
    expect(functions.map((fn) => fn.packageName)).toEqual(['@gamekeeper/game-store', '@gamekeeper/level-store', '@gamekeeper/metric', '@gamekeeper/report']);
  });

  it.each(functions.map((fn) => [fn.packageName, fn] as const))(`%s is at most ${BUDGET_BYTES / 1024} KB with the SDK external`, async (_name, fn) => {
    const { outfile, metafile } = await bundleFunction({ entry: fn.entry, outfile: join(dir, fn.name, 'index.mjs'), external: AWS_RUNTIME_EXTERNALS });
    const inputs = Object.keys(metafile.inputs);
    // The runtime provides the SDK; a bundled one would make this budget measure something else.
    expect(inputs.filter((input) => input.includes('node_modules/@aws-sdk/'))).toEqual([]);
    // Classic zod's `z` namespace is not tree-shakable (~440 KB): the contracts use zod/mini.
    expect(inputs.filter((input) => input.includes('node_modules/zod/v4/classic/')), 'classic zod in the bundle: write schemas with zod/mini').toEqual([]);

    const bytes = statSync(outfile).size;
    const heaviest = weights(metafile, outfile)
      .packages.slice(0, 6)
      .map(({ name, bytes: b }) => `${name} ${(b / 1024).toFixed(1)} KB`)
      .join(', ');
    expect(bytes, `${fn.packageName}: ${(bytes / 1024).toFixed(1)} KB; heaviest: ${heaviest} (npm run bundles tells more)`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
