#!/usr/bin/env node
// `npm run bundles`: what each function's bundle weighs and costs to load.
//
// For every service package with a `./handler` export it builds two bundles with the settings every
// bundler here uses (@gamekeeper/bundling FUNCTION_BUNDLING):
//   - "asset": `@aws-sdk/*` external, exactly the CDK NodejsFunction's asset on nodejs22.x (the runtime
//     provides the SDK); this is what the size budget (test/budget.test.ts) holds to;
//   - "local": the SDK bundled in, what `npm run build` writes to dist/ and the local runtime runs.
// It prints bytes per function, the packages and files that weigh most (esbuild's metafile), and the cold
// import time of each bundle: the median of several fresh `node` processes, each timing one `import()` of
// the bundle (module loading and top-level code; Node's own start-up excluded). For the asset the SDK must
// be resolvable, so it runs from a directory whose node_modules links the SDK packages the bundle imports
// (the versions the workspace locks; on AWS the runtime's own copy). Loading the SDK from node_modules is
// most of that time and no bundle setting changes it, so the SDK alone (a module that only imports the
// asset's `@aws-sdk/*` specifiers, from the same directory) is timed beside it.
//
// Usage: npm run bundles [-- --runs 9] [--top 8] [--only level-store] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { AWS_RUNTIME_EXTERNALS, bundleFunction } from '../src/index.js';

/** @typedef {import('esbuild').Metafile} Metafile */
/** @typedef {{ name: string; packageName: string; entry: string; config: string | undefined }} FunctionPackage */
/** @typedef {{ file: string; specifiers: string[]; times: number[] }} SdkOnly */
/**
 * @typedef {{
 *   fn: FunctionPackage; variant: 'asset' | 'local'; outfile: string; env: Record<string, string>; sdk: SdkOnly | undefined;
 *   bytes: number; packages: { name: string; bytes: number }[]; files: { input: string; bytes: number }[]; times: number[];
 * }} Bundle
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The functions: every package under services/ whose package.json exports `./handler` (the entry the CDK
 * bundles) and, when it has one, `./config` (the env var names the infra sets).
 * @returns {FunctionPackage[]}
 */
export function functionPackages(root = REPO_ROOT) {
  const dir = join(root, 'services');
  /** @type {FunctionPackage[]} */
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const manifest = join(dir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const handler = pkg.exports?.['./handler'];
    const config = pkg.exports?.['./config'];
    if (handler) found.push({ name, packageName: pkg.name, entry: join(dir, name, handler), config: config ? join(dir, name, config) : undefined });
  }
  return found;
}

/**
 * The package a metafile input (relative to the working directory) belongs to: the last
 * `node_modules/<name>` in its path, or its workspace folder (`packages/contracts`).
 * @param {string} input
 */
export function packageOf(input, root = REPO_ROOT) {
  const path = resolve(input);
  const parts = path.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0 && at + 1 < parts.length) {
    const first = parts[at + 1] ?? '';
    return first.startsWith('@') ? `${first}/${parts[at + 2]}` : first;
  }
  return relative(root, path).split(sep).slice(0, 2).join('/');
}

/**
 * A metafile input as a reader wants it: `zod/v4/core/schemas.js`, `packages/contracts/src/fields.ts`.
 * @param {string} input
 */
const shortPath = (input) => {
  const path = resolve(input);
  const marker = `${sep}node_modules${sep}`;
  const at = path.lastIndexOf(marker);
  return at >= 0 ? path.slice(at + marker.length) : relative(REPO_ROOT, path);
};

/**
 * The env vars a handler reads at import time: every `*_ENV` its `./config` exports, set to a placeholder.
 * @param {FunctionPackage} fn
 * @param {string} workDir
 * @returns {Promise<Record<string, string>>}
 */
async function configEnv(fn, workDir) {
  if (!fn.config) return {};
  const outfile = join(workDir, `${fn.name}.config.mjs`);
  await build({ entryPoints: [fn.config], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
  const config = await import(pathToFileURL(outfile).href);
  return Object.fromEntries(
    Object.entries(config)
      .filter(([name, value]) => name.endsWith('_ENV') && typeof value === 'string')
      .map(([, variable]) => [variable, `bundle-report-${fn.name}`]),
  );
}

/**
 * Links each external `@aws-sdk/*` package the bundle imports, as its importer resolves it, into `dir/node_modules`.
 * @param {Metafile} metafile
 * @param {string} dir
 */
function linkExternals(metafile, dir) {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const { path, external } of imports) {
      if (!external || !path.startsWith('@aws-sdk/')) continue;
      const name = path.split('/').slice(0, 2).join('/');
      const link = join(dir, 'node_modules', name);
      if (existsSync(link)) continue;
      let found;
      for (let from = dirname(resolve(input)); !found; from = dirname(from)) {
        if (existsSync(join(from, 'node_modules', name))) found = realpathSync(join(from, 'node_modules', name));
        if (dirname(from) === from) break;
      }
      if (!found) throw new Error(`${input} imports ${path}, which does not resolve from there`);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(found, link, 'dir');
    }
  }
}

/**
 * Bytes per package and per file of the bundle's JavaScript output, heaviest first.
 * @param {Metafile} metafile
 * @param {string} outfile
 */
export function weights(metafile, outfile) {
  const output = metafile.outputs[relative(process.cwd(), outfile)];
  const files = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput }));
  /** @type {Map<string, number>} */
  const byPackage = new Map();
  for (const { input, bytes } of files) byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytes);
  return {
    packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    files: files.sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * A module beside the asset that imports only the SDK specifiers the asset imports, to time the SDK alone.
 * @param {Metafile} metafile
 * @param {string} outfile
 * @returns {SdkOnly | undefined}
 */
function sdkOnly(metafile, outfile) {
  const output = metafile.outputs[relative(process.cwd(), outfile)];
  const specifiers = [...new Set((output?.imports ?? []).filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))];
  if (specifiers.length === 0) return undefined;
  const file = join(dirname(outfile), 'sdk-only.mjs');
  writeFileSync(file, specifiers.map((s) => `import ${JSON.stringify(s)};\n`).join(''));
  return { file, specifiers, times: [] };
}

const CHILD = 'const t0 = performance.now(); await import(process.env.BUNDLE_REPORT_URL); process.stdout.write(String(performance.now() - t0));';

/**
 * One fresh `node`: milliseconds for `import()` of `file`, with the function's environment.
 * @param {string} file
 * @param {Record<string, string>} functionEnv
 */
function importOnce(file, functionEnv) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...functionEnv, BUNDLE_REPORT_URL: pathToFileURL(file).href };
  delete env.NODE_OPTIONS;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: dirname(file), env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing ${file} failed:\n${child.stderr}`);
  return Number(child.stdout);
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
/** @param {number[]} values */
const min = (values) => Math.min(...values);
/** @param {number} bytes */
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
/** @param {string | number} text @param {number} width */
const pad = (text, width) => String(text).padEnd(width);
/** @param {string | number} text @param {number} width */
const lpad = (text, width) => String(text).padStart(width);

async function main() {
  const { values: options } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      top: { type: 'string', default: '8' },
      only: { type: 'string', multiple: true },
      keep: { type: 'boolean', default: false },
    },
  });
  const runs = Number(options.runs);
  const top = Number(options.top);
  const workDir = mkdtempSync(join(tmpdir(), 'gamekeeper-bundles-'));
  const fns = functionPackages().filter((fn) => !options.only || options.only.includes(fn.name));
  /** @type {Bundle[]} */
  const bundles = [];
  for (const fn of fns) {
    const env = await configEnv(fn, workDir);
    for (const variant of /** @type {const} */ (['asset', 'local'])) {
      const dir = join(workDir, fn.name, variant);
      const outfile = join(dir, 'index.mjs');
      const { metafile } = await bundleFunction({ entry: fn.entry, outfile, external: variant === 'asset' ? AWS_RUNTIME_EXTERNALS : [] });
      if (variant === 'asset') linkExternals(metafile, dir);
      const sdk = variant === 'asset' ? sdkOnly(metafile, outfile) : undefined;
      bundles.push({ fn, variant, outfile, env, sdk, bytes: statSync(outfile).size, ...weights(metafile, outfile), times: [] });
    }
  }

  // Runs interleaved across bundles, so a busy neighbour slows them all alike rather than one.
  for (const bundle of bundles) importOnce(bundle.outfile, bundle.env); // warms the file cache; not counted
  for (let run = 0; run < runs; run++) {
    for (const bundle of bundles) {
      bundle.times.push(importOnce(bundle.outfile, bundle.env));
      if (bundle.sdk) bundle.sdk.times.push(importOnce(bundle.sdk.file, bundle.env));
    }
  }

  for (const bundle of bundles) {
    const label = bundle.variant === 'asset' ? 'asset, @aws-sdk/* external (CDK, nodejs22.x)' : 'local, SDK bundled (npm run build, local runtime)';
    console.log(`\n${bundle.fn.packageName}: ${label}`);
    console.log(`  ${kb(bundle.bytes)} (${bundle.bytes} bytes), cold import ${median(bundle.times).toFixed(1)} ms (median of ${runs}; min ${min(bundle.times).toFixed(1)})`);
    if (bundle.sdk) console.log(`  the SDK alone from node_modules (${bundle.sdk.specifiers.join(', ')}): ${median(bundle.sdk.times).toFixed(1)} ms`);
    console.log('  heaviest packages:');
    for (const { name, bytes } of bundle.packages.slice(0, top)) console.log(`    ${lpad(kb(bytes), 10)}  ${lpad(((bytes / bundle.bytes) * 100).toFixed(1), 5)}%  ${name}`);
    console.log('  heaviest files:');
    for (const { input, bytes } of bundle.files.slice(0, top)) console.log(`    ${lpad(kb(bytes), 10)}  ${shortPath(input)}`);
  }

  console.log(`\nSummary: bytes of the .mjs; cold import = median (min) of ${runs} fresh node processes, import() only; SDK = the asset's @aws-sdk/* imports alone`);
  const header = `${pad('function', 26)}${lpad('asset bytes', 12)}${lpad('asset import', 16)}${lpad('SDK alone', 16)}${lpad('local bytes', 13)}${lpad('local import', 16)}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  /** @param {number[]} times */
  const ms = (times) => `${median(times).toFixed(0)} (${min(times).toFixed(0)}) ms`;
  for (const fn of fns) {
    const asset = bundles.find((b) => b.fn === fn && b.variant === 'asset');
    const local = bundles.find((b) => b.fn === fn && b.variant === 'local');
    if (!asset || !local) continue;
    console.log(
      `${pad(fn.packageName, 26)}${lpad(asset.bytes, 12)}${lpad(ms(asset.times), 16)}${lpad(asset.sdk ? ms(asset.sdk.times) : '-', 16)}${lpad(local.bytes, 13)}${lpad(ms(local.times), 16)}`,
    );
  }
  if (options.keep) console.log(`\nbundles kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
