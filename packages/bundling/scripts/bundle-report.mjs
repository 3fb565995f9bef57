#!/usr/bin/env node
// `npm run bundles`: what each function's bundle weighs and costs to load.
//
// For every service package with a `./handler` export it builds two bundles with the settings every
// bundler here uses (@gamekeeper/bundling FUNCTION_BUNDLING):
//   - "asset": `@aws-sdk/*` external, exactly the CDK NodejsFunction's asset on nodejs22.x (the runtime
//     provides the SDK); this is what the size budget (test/budget.test.ts) holds to;
//   - "local": the SDK bundled in, what `npm run build` writes to dist/ and the local runtime runs.
// It prints bytes per function, the packages and files that weigh most (esbuild's metafile), and cold
// import times: the median (and minimum) of several fresh `node` processes, each timing one `import()`
// (module loading and top-level code; Node's own start-up excluded), runs interleaved across bundles so a
// busy neighbour slows all of them alike. What is timed:
//   - floor: an empty module (what any first `import()` costs here: the ESM loader itself);
//   - local: the SDK-bundled file;
//   - SDK alone: a module that imports only the asset's `@aws-sdk/*` specifiers, from a directory whose
//     node_modules links the SDK packages the asset imports (the versions the workspace locks; on AWS the
//     runtime's own copy, which no bundle setting changes);
//   - asset: the asset from that directory, the SDK loaded from node_modules as part of it;
//   - asset after SDK: the asset once the SDK is already loaded in the process, i.e. what the bundle itself
//     adds; and the same with NODE_OPTIONS=--enable-source-maps, as the infra deploys it (Node then also
//     reads the source map).
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
/** @typedef {{ file: string; env: Record<string, string>; preload: string | undefined; flags: string[]; times: number[] }} Probe */
/**
 * @typedef {{
 *   fn: FunctionPackage; variant: 'asset' | 'local'; outfile: string; bytes: number; mapBytes: number;
 *   packages: { name: string; bytes: number }[]; files: { input: string; bytes: number }[];
 *   probes: Record<string, Probe>; sdkSpecifiers: string[];
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
 */
function sdkOnly(metafile, outfile) {
  const output = metafile.outputs[relative(process.cwd(), outfile)];
  const specifiers = [...new Set((output?.imports ?? []).filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))];
  const file = join(dirname(outfile), 'sdk-only.mjs');
  writeFileSync(file, specifiers.map((s) => `import ${JSON.stringify(s)};\n`).join('') || 'export {};\n');
  return { file, specifiers };
}

// Imports PRELOAD_URL (untimed) when set, then times the import of PROBE_URL.
const CHILD =
  'if (process.env.PRELOAD_URL) await import(process.env.PRELOAD_URL); const t0 = performance.now(); await import(process.env.PROBE_URL); process.stdout.write(String(performance.now() - t0));';

/**
 * One fresh `node`: milliseconds for `import()` of the probe's file, with the function's environment.
 * @param {Probe} probe
 */
function importOnce(probe) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...probe.env, PROBE_URL: pathToFileURL(probe.file).href };
  delete env.NODE_OPTIONS;
  if (probe.preload) env.PRELOAD_URL = pathToFileURL(probe.preload).href;
  const child = spawnSync(process.execPath, [...probe.flags, '--input-type=module', '-e', CHILD], { cwd: dirname(probe.file), env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing ${probe.file} failed:\n${child.stderr}`);
  return Number(child.stdout);
}

/**
 * @param {string} file
 * @param {{ env?: Record<string, string>; preload?: string; flags?: string[] }} [options]
 * @returns {Probe}
 */
const probe = (file, { env = {}, preload, flags = [] } = {}) => ({ file, env, preload, flags, times: [] });

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
      /** @type {Record<string, Probe>} */
      const probes = {};
      let sdkSpecifiers = /** @type {string[]} */ ([]);
      if (variant === 'asset') {
        linkExternals(metafile, dir);
        const sdk = sdkOnly(metafile, outfile);
        sdkSpecifiers = sdk.specifiers;
        probes.sdk = probe(sdk.file, { env });
        probes.asset = probe(outfile, { env });
        probes.own = probe(outfile, { env, preload: sdk.file });
        probes.ownMaps = probe(outfile, { env, preload: sdk.file, flags: ['--enable-source-maps'] });
      } else {
        probes.local = probe(outfile, { env });
      }
      const bytes = statSync(outfile).size;
      const mapBytes = statSync(`${outfile}.map`).size;
      bundles.push({ fn, variant, outfile, bytes, mapBytes, ...weights(metafile, outfile), probes, sdkSpecifiers });
    }
  }
  const emptyModule = join(workDir, 'empty.mjs');
  writeFileSync(emptyModule, 'export {};\n');
  const floor = probe(emptyModule);

  const probes = [floor, ...bundles.flatMap((b) => Object.values(b.probes))];
  for (const p of probes) importOnce(p); // warms the file cache; not counted
  for (let run = 0; run < runs; run++) for (const p of probes) p.times.push(importOnce(p));

  /** @param {Probe | undefined} p */
  const ms = (p) => (p ? `${median(p.times).toFixed(0)} (${min(p.times).toFixed(0)}) ms` : '-');
  for (const bundle of bundles) {
    const { probes: t } = bundle;
    if (bundle.variant === 'asset') {
      console.log(`\n${bundle.fn.packageName}: asset, @aws-sdk/* external (as the CDK builds it for nodejs22.x)`);
      console.log(`  ${kb(bundle.bytes)} (${bundle.bytes} bytes; source map ${kb(bundle.mapBytes)})`);
      console.log(`  cold import, median (min) of ${runs}: ${ms(t.asset)} with the SDK from node_modules; the SDK alone ${ms(t.sdk)} (${bundle.sdkSpecifiers.join(', ') || 'none'})`);
      console.log(`  the bundle itself, SDK already loaded: ${ms(t.own)}; with --enable-source-maps (as deployed): ${ms(t.ownMaps)}`);
    } else {
      console.log(`\n${bundle.fn.packageName}: local, SDK bundled in (npm run build's dist/handler.mjs, the local runtime)`);
      console.log(`  ${kb(bundle.bytes)} (${bundle.bytes} bytes; source map ${kb(bundle.mapBytes)})`);
      console.log(`  cold import, median (min) of ${runs}: ${ms(t.local)}`);
    }
    console.log('  heaviest packages:');
    for (const { name, bytes } of bundle.packages.slice(0, top)) console.log(`    ${lpad(kb(bytes), 10)}  ${lpad(((bytes / bundle.bytes) * 100).toFixed(1), 5)}%  ${name}`);
    console.log('  heaviest files:');
    for (const { input, bytes } of bundle.files.slice(0, top)) console.log(`    ${lpad(kb(bytes), 10)}  ${shortPath(input)}`);
  }

  console.log(`\nSummary: bytes of the .mjs; cold import times are the median (min) of ${runs} fresh node processes, import() only.`);
  console.log(`An empty module's import (the floor here): ${ms(floor)}.`);
  const columns = /** @type {const} */ ([
    ['function', 24],
    ['asset bytes', 12],
    ['asset import', 16],
    ['SDK alone', 16],
    ['asset after SDK', 18],
    ['+source maps', 16],
    ['local bytes', 13],
    ['local import', 16],
  ]);
  const header = columns.map(([title, width], i) => (i === 0 ? pad(title, width) : lpad(title, width))).join('');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const fn of fns) {
    const asset = bundles.find((b) => b.fn === fn && b.variant === 'asset');
    const local = bundles.find((b) => b.fn === fn && b.variant === 'local');
    if (!asset || !local) continue;
    const cells = [fn.packageName, asset.bytes, ms(asset.probes.asset), ms(asset.probes.sdk), ms(asset.probes.own), ms(asset.probes.ownMaps), local.bytes, ms(local.probes.local)];
    console.log(cells.map((cell, i) => (i === 0 ? pad(cell, columns[i]?.[1] ?? 0) : lpad(cell, columns[i]?.[1] ?? 0))).join(''));
  }
  if (options.keep) console.log(`\nbundles kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
