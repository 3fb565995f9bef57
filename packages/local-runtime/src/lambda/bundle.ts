import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleFunction } from '@gamekeeper/bundling';

/**
 * Bundles a service package's `./handler` export with the settings the CDK uses for AWS
 * (@gamekeeper/bundling), so the local runtime runs the same code shape the deployed function runs.
 */
export async function bundleHandler(servicePackage: string, outDir: string, resolveFrom: string, version = 0): Promise<{ outfile: string; inputs: string[] }> {
  // Resolve from the app that owns the template (its package depends on the service packages).
  const entry = createRequire(join(resolveFrom, 'package.json')).resolve(`${servicePackage}/handler`);
  // A new file per version: environments still starting on the previous one never read a half-written file.
  return bundleFunction({ entry, outfile: join(outDir, `${servicePackage.replace(/[@/]/g, '_')}${version ? `.${version}` : ''}.mjs`) });
}
