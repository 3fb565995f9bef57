import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a service package's `./handler` export the way the CDK NodejsFunction does for AWS
 * (one ESM file), so the local runtime runs the same code shape the deployed function runs.
 */
export async function bundleHandler(servicePackage: string, outDir: string, resolveFrom: string): Promise<string> {
  // Resolve from the app that owns the template (its package depends on the service packages).
  const require = createRequire(join(resolveFrom, 'package.json'));
  const entry = require.resolve(`${servicePackage}/handler`);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${servicePackage.replace(/[@/]/g, '_')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // A linked source map keeps stack traces readable without every worker parsing an inline one.
    sourcemap: 'linked',
    minify: true,
    logLevel: 'error',
    banner: { js: "import { createRequire as __gkRequire } from 'node:module'; const require = __gkRequire(import.meta.url);" },
  });
  return outfile;
}
