// Plain JavaScript (typed by index.d.ts) so the repository's .mjs build script, the CDK app and the local
// runtime can all import it without a TypeScript loader.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

/** Template metadata on each `AWS::Lambda::Function`: the workspace package whose `./handler` is its code. */
export const SERVICE_PACKAGE_METADATA = 'gamekeeper:servicePackage';

/** The Node.js version the functions are deployed on (Lambda `nodejs22.x`). */
export const FUNCTION_NODE_TARGET = 'node22';

/**
 * How every function is bundled: one minified ESM file with a linked source map. The CDK NodejsFunction
 * maps these onto its bundling props; `npm run build` and the local runtime pass them to esbuild.
 */
export const FUNCTION_BUNDLING = Object.freeze({
  format: 'esm',
  target: FUNCTION_NODE_TARGET,
  minify: true,
  sourcemap: 'linked',
  mainFields: Object.freeze(['module', 'main']),
  // Some AWS SDK dependencies still call require(); ESM bundles need one.
  banner: "import { createRequire as __gkRequire } from 'node:module'; const require = __gkRequire(import.meta.url);",
});

/**
 * What the CDK NodejsFunction leaves out of the asset on `nodejs22.x` (its default `externalModules`):
 * the runtime provides AWS SDK v3.
 */
export const AWS_RUNTIME_EXTERNALS = Object.freeze(['@aws-sdk/*']);

/**
 * Bundles one handler entry with {@link FUNCTION_BUNDLING}. The one difference from AWS is the SDK: the
 * `nodejs22.x` runtime provides `@aws-sdk/*`, so the CDK leaves it out of the asset (its default); no
 * runtime here provides it, so this bundles it in unless `external` says otherwise (the size report and
 * budget pass {@link AWS_RUNTIME_EXTERNALS} to build the asset exactly as the CDK does).
 */
/** @param {{ entry: string; outfile: string; logLevel?: import('esbuild').LogLevel; external?: readonly string[] }} options */
export async function bundleFunction({ entry, outfile, logLevel = 'error', external = [] }) {
  mkdirSync(dirname(outfile), { recursive: true });
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: FUNCTION_BUNDLING.format,
    target: FUNCTION_BUNDLING.target,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourcemap,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    external: [...external],
    logLevel,
    metafile: true,
  });
  // What went into the bundle, so a watcher knows which functions a saved file belongs to.
  const inputs = Object.keys(metafile?.inputs ?? {}).map((input) => resolve(input));
  return { outfile, inputs, metafile };
}
