import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleFunction } from '@gamekeeper/bundling';

/**
 * Bundles a service package's `./handler` export with the settings the CDK uses for AWS
 * (@gamekeeper/bundling), so the local runtime runs the same code shape the deployed function runs.
 */
export async function bundleHandler(servicePackage: string, outDir: string, resolveFrom: string): Promise<string> {
  // Resolve from the app that owns the template (its package depends on the service packages).
  const entry = createRequire(join(resolveFrom, 'package.json')).resolve(`${servicePackage}/handler`);
  return bundleFunction({ entry, outfile: join(outDir, `${servicePackage.replace(/[@/]/g, '_')}.mjs`) });
}
