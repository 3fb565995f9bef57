import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CfnTemplate } from '@gamekeeper/local-runtime';
import type { SynthesisFailure, SynthesisReply, SynthesisTimings } from './synthesize-app';

const require = createRequire(import.meta.url);
/** The CDK app's package directory (`infra/`). */
export const gamekeeperAppDir = dirname(require.resolve('@gamekeeper/infra/package.json'));
/** The repository root (the workspace): where `pnpm-lock.yaml` is. */
export const repoRoot = join(gamekeeperAppDir, '..');
const synthesizeScript = fileURLToPath(new URL('./synthesize-template.ts', import.meta.url));
const synthServerScript = fileURLToPath(new URL('./synth-server.ts', import.meta.url));
/** Bumped when the way the template is made changes, so older cached templates are not reused. */
const CACHE_VERSION = 'cdk-context';

export interface GamekeeperStack {
  /** The synthesized CloudFormation template, its state machine definitions already checked against ASL. */
  template: CfnTemplate;
  /** The directory the app's function packages resolve from. */
  appDir: string;
  /** Whether this came from the cache (the sources are unchanged since it was synthesized). */
  cached: boolean;
}

/** Which CDK app: the gamekeeper app (`infra/`) unless a test or a script hands in a copy of it. */
export interface AppOptions {
  /** The CDK app's package directory; its parent is the workspace root (lockfile, shared tsconfig). */
  appDir?: string;
}

/**
 * The deployed stack's CloudFormation template. Synthesized in a child process (the CDK library and
 * cdk-nag weigh ~250 MB that the runtime should not carry) and kept in `node_modules/.cache/gamekeeper`
 * under a hash of every source file the CDK app can read, so an unchanged app starts without synthesizing.
 */
export function loadGamekeeperStack(options: AppOptions = {}): GamekeeperStack {
  const appDir = options.appDir ?? gamekeeperAppDir;
  const file = cacheFile(appDir, sourcesHash(appDir));
  if (existsSync(file)) return { template: JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate, appDir, cached: true };
  const template = synthesizeInChildProcess(appDir);
  writeCache(file, template);
  return { template, appDir, cached: false };
}

function cacheFile(appDir: string, hash: string): string {
  return join(appDir, '..', 'node_modules', '.cache', 'gamekeeper', `template-${hash}.json`);
}

function writeCache(file: string, template: CfnTemplate): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed: parallel test workers may synthesize at once, and a reader never sees half a file.
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, JSON.stringify(template));
  renameSync(aside, file);
}

const childEnv = () => ({ ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' });
const tsxLoader = () => pathToFileURL(require.resolve('tsx')).href;

function synthesizeInChildProcess(appDir: string): CfnTemplate {
  const child = spawnSync(process.execPath, ['--import', tsxLoader(), synthesizeScript, appDir], {
    cwd: appDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: childEnv(),
  });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`synthesizing the CDK app failed:\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as CfnTemplate;
}

/** The CDK app did not compile, synthesize or pass the ASL check; `location` is `file:line:column` when known. */
export class SynthesisError extends Error {
  override readonly name = 'SynthesisError';
  readonly stage: SynthesisFailure['stage'];
  readonly location: string | undefined;
  constructor(failure: SynthesisFailure) {
    super(failure.message);
    this.stage = failure.stage;
    this.location = failure.location;
  }

  /** What failed, then where and what: `the CDK app does not compile:\n  infra/src/x.ts:12:5: Expected ...`. */
  explain(): string {
    const what = { compile: 'the CDK app does not compile', synthesize: 'the CDK app does not synthesize', validate: 'a state machine definition is not valid ASL' }[this.stage];
    return `${what}:\n  ${this.location ? `${this.location}: ` : ''}${this.message.replaceAll('\n', '\n  ')}`;
  }
}

export interface Synthesis {
  template: CfnTemplate;
  /**
   * The files the app read when it was synthesized (absolute paths): its own sources, the workspace
   * modules it imports, `cdk.json`. Undefined for a template from the cache (not synthesized here).
   */
  inputs: string[] | undefined;
  cached: boolean;
  /** Where the child's time went (not for a template from the cache). */
  timings?: SynthesisTimings;
}

/** A CDK app synthesized again and again on demand, by one child process kept warm. */
export interface Synthesizer {
  readonly appDir: string;
  /** The template as the app's files are now: from the cache when they are unchanged, else synthesized. Throws {@link SynthesisError}. */
  synthesize(): Promise<Synthesis>;
  /** Synthesizes without the cache: the child loads the CDK (~10 s the first time) and is warm for the next change. */
  warmUp(): Promise<Synthesis>;
  close(): void;
}

/**
 * Starts a synthesizer for the CDK app: a child process (so the CDK library and cdk-nag, ~0.5 GB once
 * loaded, stay out of the runtime's process) that keeps the CDK loaded between syntheses and loads the
 * app's own modules afresh each time (`synthesize-app.ts`). A warm synthesis takes under a second where
 * a cold child process takes ten or more. Each template is cached as {@link loadGamekeeperStack} caches it.
 */
export function startSynthesizer(options: AppOptions = {}): Synthesizer {
  const appDir = options.appDir ?? gamekeeperAppDir;
  let child: ChildProcess | undefined;
  let output = '';
  let nextId = 0;
  const pending = new Map<number, { resolve(reply: SynthesisReply): void; reject(error: Error): void }>();

  const spawnChild = (): ChildProcess => {
    const started = fork(synthServerScript, [], { cwd: appDir, env: childEnv(), execArgv: ['--import', tsxLoader()], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    // Kept short: what the child printed last, for when it dies.
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8_000));
    for (const stream of [started.stdout, started.stderr]) {
      stream?.on('data', keep);
      (stream as unknown as { unref?(): void } | null)?.unref?.();
    }
    started.on('message', (reply: SynthesisReply & { id: number }) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    started.on('exit', (code, signal) => {
      if (child === started) child = undefined;
      for (const { reject } of pending.values()) reject(new Error(`the synthesizer process ended (${signal ?? `exit code ${code}`}):\n${output.trim()}`));
      pending.clear();
    });
    // The runtime's process may end without closing it (Ctrl-C): the child must not keep it alive.
    started.unref();
    started.channel?.unref();
    return started;
  };

  const request = async (): Promise<Synthesis> => {
    child ??= spawnChild();
    const id = nextId++;
    const reply = await new Promise<SynthesisReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child!.channel?.ref();
      child!.send({ id, appDir });
    }).finally(() => {
      if (pending.size === 0) child?.channel?.unref();
    });
    if (!reply.ok) throw new SynthesisError(reply.failure);
    return { template: reply.template as unknown as CfnTemplate, inputs: reply.inputs, cached: false, timings: reply.timings };
  };

  return {
    appDir,
    async synthesize() {
      const hash = sourcesHash(appDir);
      const file = cacheFile(appDir, hash);
      if (existsSync(file)) return { template: JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate, inputs: undefined, cached: true };
      const synthesis = await request();
      // Cached only if nothing changed while it synthesized: the template must be the one of those sources.
      if (sourcesHash(appDir) === hash) writeCache(file, synthesis.template);
      return synthesis;
    },
    warmUp: request,
    close() {
      child?.kill();
      child = undefined;
    },
  };
}

/**
 * A hash of what synthesis can depend on: the lockfile, the shared TypeScript settings and every file of
 * the app's workspace packages (the app itself and, transitively, each `workspace:` dependency).
 */
function sourcesHash(appDir: string): string {
  const root = join(appDir, '..');
  const hash = createHash('sha256').update(CACHE_VERSION);
  for (const file of ['pnpm-lock.yaml', 'tsconfig.base.json']) hash.update(file).update(readFileSync(join(root, file)));
  const seen = new Set<string>();
  const visit = (packageDir: string) => {
    if (seen.has(packageDir)) return;
    seen.add(packageDir);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const file of filesUnder(packageDir)) hash.update(relative(root, file)).update(readFileSync(file));
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
