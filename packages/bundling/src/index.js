// Plain JavaScript (typed by index.d.ts) so the repository's .mjs build script, the CDK app and the local
// runtime can all import it without a TypeScript loader.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build, context, version as esbuildVersion } from 'esbuild';

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
 * Names everything besides the sources that decides what a bundle contains: esbuild's version and
 * {@link FUNCTION_BUNDLING}. A bundle cached under another identity is stale.
 */
export const BUNDLER_IDENTITY = `esbuild ${esbuildVersion} ${JSON.stringify(FUNCTION_BUNDLING)}`;

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
  const { metafile } = await build(buildOptions(entry, outfile, logLevel, external));
  return { outfile, inputs: inputsOf(metafile), metafile };
}

/**
 * The same bundle, built again and again (a watcher's reloads): esbuild keeps what it parsed, so a
 * rebuild re-reads only the files that changed. `rebuild()` throws the build's errors and stays usable.
 * @param {{ entry: string; outfile: string; logLevel?: import('esbuild').LogLevel }} options
 */
export function functionBundler({ entry, outfile, logLevel = 'error' }) {
  /** @type {Promise<import('esbuild').BuildContext> | undefined} */
  let ctx;
  /** @type {Promise<unknown>} */
  let last = Promise.resolve();
  return {
    rebuild() {
      const built = last.then(async () => {
        mkdirSync(dirname(outfile), { recursive: true });
        ctx ??= context(buildOptions(entry, outfile, logLevel));
        const built = await ctx.catch((error) => {
          ctx = undefined;
          throw error;
        });
        const { metafile } = await built.rebuild();
        return { outfile, inputs: inputsOf(metafile) };
      });
      last = built.catch(() => undefined);
      return built;
    },
    async dispose() {
      await last;
      await (await ctx?.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * @param {string} entry
 * @param {string} outfile
 * @param {import('esbuild').LogLevel} logLevel
 * @param {readonly string[]} [external] what the bundle leaves out (nothing: the local runtime provides no SDK)
 * @returns {import('esbuild').BuildOptions & { metafile: true }}
 */
function buildOptions(entry, outfile, logLevel, external = []) {
  return {
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
  };
}

/**
 * What went into the bundle, so a watcher knows which functions a saved file belongs to.
 * @param {import('esbuild').Metafile | undefined} metafile
 */
function inputsOf(metafile) {
  return Object.keys(metafile?.inputs ?? {}).map((input) => resolve(input));
}
