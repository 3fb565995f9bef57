import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUNDLER_IDENTITY, bundleFunction, functionBundler } from '@gamekeeper/bundling';

/** A file's size and modification time. */
interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/** A bundle, what it was built from and with (each input as it was), and the bundle file as written. */
interface BundleManifest {
  entry: string;
  outfile: string;
  /** {@link BUNDLER_IDENTITY} when it was built: another esbuild or other settings build other code. */
  bundler: string;
  /** The bundle itself as written: a bundle edited or replaced since is built again. */
  output: FileStamp;
  inputs: FileStamp[];
}

/**
 * Bundles a service package's `./handler` export with the settings the CDK uses for AWS
 * (@gamekeeper/bundling), so the local runtime runs the same code shape the deployed function runs.
 * The start-up bundle (version 0) is kept in the app's `node_modules/.cache` and reused while none of its
 * inputs changed (esbuild's own input list, checked by size and modification time), nor the bundle file
 * itself, nor esbuild's version or the bundling settings: a start then skips esbuild entirely. Reloads (version > 0) always build, into `outDir`, with an esbuild context kept per
 * function (a rebuild re-reads only the files that changed: about a third of a full build);
 * {@link disposeBundlers} lets them go.
 */
export async function bundleHandler(servicePackage: string, outDir: string, resolveFrom: string, version = 0): Promise<{ outfile: string; inputs: string[] }> {
  // Resolve from the app that owns the template (its package depends on the service packages).
  const entry = createRequire(join(resolveFrom, 'package.json')).resolve(`${servicePackage}/handler`);
  const name = servicePackage.replace(/[@/]/g, '_');
  if (version > 0) {
    const staging = join(outDir, `${name}.next.mjs`);
    const key = `${entry}\0${staging}`;
    let bundler = bundlers.get(key);
    // Silent: a build error is thrown, and the watcher reports it once.
    if (!bundler) bundlers.set(key, (bundler = functionBundler({ entry, outfile: staging, logLevel: 'silent' })));
    const { inputs } = await bundler.rebuild();
    // A new file per version: environments still starting on the previous one never read a half-written file.
    const outfile = join(outDir, `${name}.${version}.mjs`);
    copyFileSync(`${staging}.map`, `${outfile}.map`);
    writeFileSync(outfile, readFileSync(staging, 'utf8').replace(/\/\/# sourceMappingURL=[^\n]*\s*$/, `//# sourceMappingURL=${name}.${version}.mjs.map\n`));
    return { outfile, inputs };
  }
  const cacheDir = join(resolveFrom, 'node_modules', '.cache', 'gamekeeper-functions');
  const manifestFile = join(cacheDir, `${name}.json`);
  const cached = readManifest(manifestFile);
  if (cached && cached.entry === entry && cached.bundler === BUNDLER_IDENTITY && existsSync(cached.outfile) && unchanged(cached.output) && cached.inputs.every(unchanged)) {
    return { outfile: cached.outfile, inputs: cached.inputs.map((input) => input.path) };
  }
  // Built aside and renamed into place: another runtime may be starting from the same cache right now.
  mkdirSync(cacheDir, { recursive: true });
  const aside = join(cacheDir, `${name}.${process.pid}.${Date.now()}.mjs`);
  const { inputs } = await bundleFunction({ entry, outfile: aside });
  const outfile = join(cacheDir, `${name}.mjs`);
  renameSync(`${aside}.map`, `${outfile}.map`);
  // The bundle names its map; keep the name it will be found under.
  writeFileSync(aside, readFileSync(aside, 'utf8').replace(/\/\/# sourceMappingURL=[^\n]*\s*$/, `//# sourceMappingURL=${name}.mjs.map\n`));
  renameSync(aside, outfile);
  const manifest: BundleManifest = { entry, outfile, bundler: BUNDLER_IDENTITY, output: { path: outfile, ...stamp(outfile) }, inputs: inputs.map((path) => ({ path, ...stamp(path) })) };
  writeFileSync(`${manifestFile}.${process.pid}`, JSON.stringify(manifest));
  renameSync(`${manifestFile}.${process.pid}`, manifestFile);
  return { outfile, inputs };
}

/** The reload bundlers, by entry and staging file (each runtime bundles into its own folder). */
const bundlers = new Map<string, ReturnType<typeof functionBundler>>();

/** Lets go of the reload bundlers (esbuild contexts) of the bundles written into `outDir`. */
export async function disposeBundlers(outDir: string): Promise<void> {
  const mine = [...bundlers].filter(([key]) => key.split('\0')[1]!.startsWith(join(outDir, '/')));
  for (const [key] of mine) bundlers.delete(key);
  await Promise.all(mine.map(([, bundler]) => bundler.dispose()));
}

function readManifest(file: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}

function stamp(path: string): { size: number; mtimeMs: number } {
  const { size, mtimeMs } = statSync(path);
  return { size, mtimeMs };
}

function unchanged(input: FileStamp | undefined): boolean {
  if (!input) return false;
  try {
    const now = stamp(input.path);
    return now.size === input.size && now.mtimeMs === input.mtimeMs;
  } catch {
    return false;
  }
}
