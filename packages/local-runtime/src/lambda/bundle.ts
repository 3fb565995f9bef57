import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleFunction } from '@gamekeeper/bundling';

/** A bundle and what it was built from (each input with the size and modification time it had). */
interface BundleManifest {
  entry: string;
  outfile: string;
  inputs: { path: string; size: number; mtimeMs: number }[];
}

/**
 * Bundles a service package's `./handler` export with the settings the CDK uses for AWS
 * (@gamekeeper/bundling), so the local runtime runs the same code shape the deployed function runs.
 * The start-up bundle (version 0) is kept in the app's `node_modules/.cache` and reused while none of its
 * inputs changed (esbuild's own input list, checked by size and modification time): a start then skips
 * esbuild entirely. Reloads (version > 0) always build, into `outDir`.
 */
export async function bundleHandler(servicePackage: string, outDir: string, resolveFrom: string, version = 0): Promise<{ outfile: string; inputs: string[] }> {
  // Resolve from the app that owns the template (its package depends on the service packages).
  const entry = createRequire(join(resolveFrom, 'package.json')).resolve(`${servicePackage}/handler`);
  const name = servicePackage.replace(/[@/]/g, '_');
  if (version > 0) {
    // A new file per version: environments still starting on the previous one never read a half-written file.
    return bundleFunction({ entry, outfile: join(outDir, `${name}.${version}.mjs`) });
  }
  const cacheDir = join(resolveFrom, 'node_modules', '.cache', 'gamekeeper-functions');
  const manifestFile = join(cacheDir, `${name}.json`);
  const cached = readManifest(manifestFile);
  if (cached && cached.entry === entry && existsSync(cached.outfile) && cached.inputs.every(unchanged)) {
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
  const manifest: BundleManifest = { entry, outfile, inputs: inputs.map((path) => ({ path, ...stamp(path) })) };
  writeFileSync(`${manifestFile}.${process.pid}`, JSON.stringify(manifest));
  renameSync(`${manifestFile}.${process.pid}`, manifestFile);
  return { outfile, inputs };
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

function unchanged(input: BundleManifest['inputs'][number]): boolean {
  try {
    const now = stamp(input.path);
    return now.size === input.size && now.mtimeMs === input.mtimeMs;
  } catch {
    return false;
  }
}
