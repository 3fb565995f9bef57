import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { CfnTemplate } from '@gamekeeper/local-runtime';
import { synthesizeGamekeeperTemplate } from '@gamekeeper/infra';

/**
 * The deployed stack's CloudFormation template, synthesized in-process from the CDK app (no bundling:
 * the local runtime bundles each function from its own package), and the directory the app's
 * function packages resolve from.
 */
export function loadGamekeeperStack(): { template: CfnTemplate; appDir: string } {
  const template = synthesizeGamekeeperTemplate() as CfnTemplate;
  const appDir = dirname(createRequire(import.meta.url).resolve('@gamekeeper/infra/package.json'));
  return { template, appDir };
}
