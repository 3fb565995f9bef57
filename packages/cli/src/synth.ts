import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CfnTemplate } from '@gamekeeper/local-runtime';

const require = createRequire(import.meta.url);
const appDir = dirname(require.resolve('@gamekeeper/infra/package.json'));
/** The repository root (the workspace): where `pnpm-lock.yaml` is. */
export const repoRoot = join(appDir, '..');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'gamekeeper');
const synthesizeScript = fileURLToPath(new URL('./synthesize-template.ts', import.meta.url));

export interface GamekeeperStack {
  /** The synthesized CloudFormation template, its state machine definitions already checked against ASL. */
  template: CfnTemplate;
  /** The directory the app's function packages resolve from. */
  appDir: string;
  /** Whether this came from the cache (the sources are unchanged since it was synthesized). */
  cached: boolean;
}

/**
 * The deployed stack's CloudFormation template. Synthesized in a child process (the CDK library and
 * cdk-nag weigh ~250 MB that the runtime should not carry) and kept in `node_modules/.cache/gamekeeper`
 * under a hash of every source file the CDK app can read, so an unchanged app starts without synthesizing.
 */
export function loadGamekeeperStack(): GamekeeperStack {
  const file = join(cacheDir, `template-${sourcesHash()}.json`);
  if (existsSync(file)) return { template: JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate, appDir, cached: true };
  const template = synthesizeInChildProcess();
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: parallel test workers may synthesize at once, and a reader never sees half a file.
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, JSON.stringify(template));
  renameSync(aside, file);
  return { template, appDir, cached: false };
}

function synthesizeInChildProcess(): CfnTemplate {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawnSync(process.execPath, ['--import', tsx, synthesizeScript], {
    cwd: appDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`synthesizing the CDK app failed:\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as CfnTemplate;
}

/**
 * A hash of what synthesis can depend on: the lockfile, the shared TypeScript settings and every file of
 * the app's workspace packages (the app itself and, transitively, each `workspace:` dependency).
 */
function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of ['pnpm-lock.yaml', 'tsconfig.base.json']) hash.update(file).update(readFileSync(join(repoRoot, file)));
  const seen = new Set<string>();
  const visit = (packageDir: string) => {
    if (seen.has(packageDir)) return;
    seen.add(packageDir);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const file of filesUnder(packageDir)) hash.update(relative(repoRoot, file)).update(readFileSync(file));
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      // pnpm links each workspace dependency into the package's own node_modules.
      if (version.startsWith('workspace:')) visit(realpathSync(join(packageDir, 'node_modules', name)));
    }
  };
  visit(appDir);
  return hash.digest('hex').slice(0, 16);
}

/** The package's own files that code can read: its manifest and everything but tests, outputs and dependencies. */
function filesUnder(dir: string, top = dir): string[] {
  const skip = new Set(['node_modules', 'test', 'dist', 'cdk.out', '.turbo', 'coverage']);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !(dir === top && skip.has(entry.name)) && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path, top) : statSync(path).isFile() ? [path] : [];
    })
    .sort();
}
