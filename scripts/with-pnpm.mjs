#!/usr/bin/env node
// Runs `pnpm <args>` with the pnpm version pinned in package.json#packageManager, installing it and the
// lockfile's dependencies first when needed, so a fresh machine needs only Node.js and npm.
// Corepack cannot verify signatures offline here, so pnpm comes from the npm registry through npx.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpm = ['--yes', packageManager];
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' };
// npm passes its own config through npm_config_* variables; pnpm would warn about each one it does not know.
for (const key of Object.keys(env)) if (key.startsWith('npm_config_')) delete env[key];

function run(args) {
  // turbo runs beside pnpm (pnpm on PATH), not under it: under `pnpm turbo`, every task's own `pnpm run`
  // inherits pnpm_config_verify_deps_before_run="false", which pnpm 10 reads as a truthy string, so each
  // of the parallel tasks checks the dependencies and they race on node_modules/.pnpm-workspace-state-v1.json.
  const command = args[0] === 'turbo' ? ['--yes', '-p', packageManager, '--', ...args] : [...pnpm, ...args];
  const result = spawnSync('npx', command, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function installIsCurrent() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, 'pnpm-lock.yaml')).mtimeMs;
}

if (!existsSync(join(root, 'pnpm-lock.yaml'))) run(['install']);
else if (!installIsCurrent()) run(['install', '--frozen-lockfile']);
run(process.argv.slice(2));
