// Runs only in the synthesizer's child processes (synthesize-template.ts once, synth-server.ts on
// demand): loads the CDK app's modules, synthesizes it without bundling (the local runtime bundles each
// function from its package) with cdk.json's context as `cdk synth` passes it, and checks every state
// machine definition against the ASL specification as CreateStateMachine would.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { checkStateMachineDefinitions } from '@gamekeeper/local-runtime/check-definitions';

/** Why a synthesis failed: the app's code does not compile, its synthesis throws, or a definition is not valid ASL. */
export interface SynthesisFailure {
  stage: 'compile' | 'synthesize' | 'validate';
  message: string;
  /** `file:line:column` (relative to the workspace root) where the error is, when known. */
  location?: string;
}
/** Where a synthesis' time went (ms): loading the app's modules, the CDK's synthesis (with cdk-nag), the ASL check. */
export interface SynthesisTimings {
  loadMs: number;
  synthMs: number;
  checkMs: number;
}
export type SynthesisReply = { ok: true; template: Record<string, unknown>; inputs: string[]; timings: SynthesisTimings } | { ok: false; failure: SynthesisFailure };

const VERSION_PARAM = 'gk-synth';
let generation = 0;
/** Definitions this process already found valid: a synthesis checks only new or changed ones. */
const validDefinitions = new Set<string>();
let loads: { port: MessageChannel['port1']; files: Map<string, Set<string>> } | undefined;

/** The module hooks that version the workspace's modules (see synth-hooks.mjs), registered once. */
function followLoads() {
  if (loads) return loads;
  const { port1, port2 } = new MessageChannel();
  const files = new Map<string, Set<string>>();
  port1.on('message', (message: { version?: string; file?: string }) => {
    if (message.version && message.file) files.get(message.version)?.add(message.file);
  });
  port1.unref();
  register(new URL('./synth-hooks.mjs', import.meta.url), { data: { port: port2, param: VERSION_PARAM }, transferList: [port2] });
  return (loads = { port: port1, files });
}

/** Every file message the hooks posted before now has arrived. */
async function flushed(port: MessageChannel['port1'], token: string): Promise<void> {
  port.ref();
  await new Promise<void>((done) => {
    const onMessage = (message: { flushed?: string }) => {
      if (message.flushed !== token) return;
      port.off('message', onMessage);
      done();
    };
    port.on('message', onMessage);
    port.postMessage({ flush: token });
  });
  port.unref();
}

/** The app's entry module: its package's `exports['.']`. */
function entryOf(appDir: string): string {
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { exports?: string | Record<string, string | Record<string, string>> };
  const main = typeof manifest.exports === 'string' ? manifest.exports : manifest.exports?.['.'];
  const file = typeof main === 'string' ? main : (main?.import ?? main?.default ?? './src/index.ts');
  return resolve(appDir, file);
}

/**
 * Synthesizes the app in `appDir` as its files are now. Each call imports the app's entry under a new
 * version, so its modules and the workspace modules they import are read afresh, while the CDK library
 * stays loaded: a second synthesis costs a fraction of the first.
 */
export async function synthesizeApp(appDir: string): Promise<{ template: Record<string, unknown>; inputs: string[]; timings: SynthesisTimings }> {
  const { port, files } = followLoads();
  const version = String(++generation);
  files.set(version, new Set());
  const entry = entryOf(appDir);
  const cdkJson = join(appDir, 'cdk.json');
  try {
    // cdk.json's context, as the CDK CLI hands it to the app.
    const context = existsSync(cdkJson) ? (readJson(cdkJson) as { context?: unknown }).context : undefined;
    if (context) process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
    else delete process.env.CDK_CONTEXT_JSON;
    const started = performance.now();
    const app = (await import(`${pathToFileURL(entry).href}?${VERSION_PARAM}=${version}`)) as { synthesizeGamekeeperTemplate(): Record<string, unknown> };
    const loaded = performance.now();
    const template = app.synthesizeGamekeeperTemplate();
    const synthesized = performance.now();
    checkStateMachineDefinitions(template as never, validDefinitions);
    const timings = { loadMs: Math.round(loaded - started), synthMs: Math.round(synthesized - loaded), checkMs: Math.round(performance.now() - synthesized) };
    return { template, inputs: [entry, ...(files.get(version) ?? []), join(appDir, 'package.json'), ...(existsSync(cdkJson) ? [cdkJson] : [])], timings };
  } finally {
    await flushed(port, version);
    files.delete(version);
  }
}

/** A JSON file's content; a syntax error says the file, line and column. */
function readJson(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const before = text.slice(0, position).split('\n');
    throw new JsonFileError(`${file}:${before.length}:${before.at(-1)!.length + 1}`, (error as Error).message);
  }
}

class JsonFileError extends Error {
  override readonly name = 'JsonFileError';
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failed synthesis as the watcher reports it: what failed, and where, with paths relative to the workspace. */
export function describeFailure(error: unknown, appDir: string): SynthesisFailure {
  const root = join(appDir, '..');
  const err = error instanceof Error ? error : new Error(String(error));
  const tidy = (text: string) => text.replace(new RegExp(`\\?${VERSION_PARAM}=\\d+`, 'g'), '').replaceAll(`${pathToFileURL(root).href}/`, '').replaceAll(`${root}/`, '');
  if (err instanceof JsonFileError) return { stage: 'compile', message: err.message, location: tidy(err.location) };
  // esbuild (through tsx) names the file, line and column of a syntax error in its message.
  const compile = /^(\/[^\n]*?):(\d+):(\d+): ERROR: (.*)$/m.exec(err.message);
  if (compile || err.name === 'SyntaxError' || err.name === 'TransformError' || (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
    return { stage: 'compile', message: tidy(compile ? `${compile[4]}` : err.message), ...(compile ? { location: tidy(`${compile[1]}:${compile[2]}:${compile[3]}`) } : locationOf(err, root, tidy)) };
  }
  if (/^State machine .*: invalid definition/.test(err.message)) return { stage: 'validate', message: tidy(err.message) };
  return { stage: 'synthesize', message: tidy(`${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`), ...locationOf(err, root, tidy) };
}

/** The first frame of the stack in the workspace's own code (not a dependency, not the synthesizer). */
function locationOf(error: Error, root: string, tidy: (text: string) => string): { location?: string } {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const frame = /\(?((?:file:\/\/)?\/[^():]+?)(?:\?[^:)]*)?:(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!frame) continue;
    const file = frame[1]!.startsWith('file:') ? fileURLToPath(frame[1]!) : frame[1]!;
    if (file.includes('/node_modules/') || file.startsWith(here) || relative(root, file).startsWith('..')) continue;
    return { location: tidy(`${file}:${frame[2]}:${frame[3]}`) };
  }
  return {};
}
