import { type Dirent, type FSWatcher, existsSync, readdirSync, statSync, watch } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { type LocalRuntime, describeChanges } from '@gamekeeper/local-runtime';
import { SynthesisError, type Synthesizer } from './synth';

/** Folders whose files never change what runs: dependencies, outputs, caches, history. */
const IGNORED = new Set(['node_modules', '.git', 'dist', 'cdk.out', '.turbo', '.cache', 'coverage']);

export interface WatchOptions {
  /** How long to wait for more saves before acting on a burst (an editor writes a file in steps). */
  settleMs?: number;
  /** One line per reload (what changed, what was reloaded, how long it took), or a build error. */
  report: (line: string) => void;
  /**
   * Follows the CDK app too: a saved file of the app (its `src`, `bin`, `cdk.json`) or of a workspace
   * module it imports synthesizes it again and the runtime applies the difference.
   */
  synthesizer?: Synthesizer;
}

/** What the watcher is doing, for a caller that waits on it (tests, the timing script). */
export interface WorkspaceWatcher {
  /** Resolves once the synthesizer is warm (at once without one); never rejects. */
  ready: Promise<void>;
  /** How many batches of saves have been acted on so far. */
  readonly batches: number;
  close(): void;
}

/** Whether a saved file (relative to the repository root) may change what the runtime runs. */
export function isWatched(relativePath: string): boolean {
  const parts = relativePath.split(sep);
  return !parts.some((part) => IGNORED.has(part)) && !parts.includes('test') && !relativePath.endsWith('.md');
}

/**
 * Follows the workspace while the runtime serves.
 *
 * - A saved source file that is part of a function's code rebuilds just the functions built from it,
 *   and the next invocation runs it (in-flight invocations finish on the old code).
 * - With a synthesizer, a saved file of the CDK app synthesizes it again (in the synthesizer's warm child
 *   process) and the runtime applies the difference (`runtime.applyTemplate`): rules, state machines,
 *   functions' settings, new and removed functions, tables, queues, HTTP API routes.
 *
 * A change that does not build, synthesize or validate keeps what runs and is reported once; the next
 * good save applies. Saves are acted on one batch at a time, in order.
 */
export function watchWorkspace(runtime: LocalRuntime, repoRoot: string, options: WatchOptions): WorkspaceWatcher {
  const { synthesizer } = options;
  const pending = new Set<string>();
  const infraPending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  let batches = 0;
  const lastError = new Map<string, string>();
  /** The files the CDK app read when it was last synthesized (beyond everything under its own folder). */
  let infraInputs = new Set<string>();
  const watchers = new Map<string, { close(): void }>();
  const rel = (file: string) => relative(repoRoot, file);
  // Printed, and recorded in the runtime for whoever shows recent reloads (the browser console).
  const report = (line: string, ok = true) => {
    options.report(line);
    runtime.reloads.record(line, ok);
  };
  const reportOnce = (key: string, line: string) => {
    // Once per distinct error: an editor saving the same broken file again adds nothing.
    if (lastError.get(key) === line) return;
    lastError.set(key, line);
    report(line, false);
  };

  const isInfra = (file: string) => synthesizer !== undefined && (infraInputs.has(file) || (file.startsWith(synthesizer.appDir + sep) && isWatched(rel(file))));

  const reloadFunctions = async (files: string[]) => {
    const started = Date.now();
    const { reloaded, failed } = await runtime.functions.reloadCode(files);
    // The saved files that are part of the reloaded functions' code (a batch may hold infra files too).
    const code = new Set(runtime.functions.list().filter((f) => reloaded.includes(f.model.name)).flatMap((f) => f.inputs));
    const theirs = files.filter((file) => code.has(file));
    const names = (theirs.length > 0 ? theirs : files).map(rel).join(', ');
    if (reloaded.length > 0) report(`reloaded ${reloaded.join(', ')} in ${Date.now() - started} ms (${names} changed)`);
    for (const { functionName, error } of failed) reportOnce(functionName, `${functionName} keeps its running code: its new code does not build:\n${error}`);
    for (const name of reloaded) lastError.delete(name);
  };

  const applyInfra = async () => {
    if (!synthesizer || infraPending.size === 0) return;
    const files = [...infraPending].map(rel).join(', ');
    infraPending.clear();
    const started = Date.now();
    try {
      const synthesis = await synthesizer.synthesize();
      if (synthesis.inputs) infraInputs = new Set(synthesis.inputs);
      const synthesized = Date.now();
      const update = await runtime.applyTemplate(synthesis.template);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const changed = describeChanges(update.changes);
      const how = synthesis.cached ? 'template from the cache' : `synthesized in ${seconds(synthesized - started)}`;
      report(`infra: ${changed || 'nothing that runs changed'} in ${seconds(Date.now() - started)} (${files} changed; ${how}, applied in ${seconds(Date.now() - synthesized)})`);
      for (const warning of update.warnings) report(`infra: warning: ${warning}`);
      lastError.delete('infra');
      follow();
    } catch (error) {
      reportOnce('infra', `infra: the running stack stays as it was: ${describeInfraError(error)}`);
    }
  };

  const flush = () => {
    // A file gone by now and never an input is an editor's or a tool's temporary file (`sed -i`, swap files).
    const known = new Set([...infraInputs, ...runtime.functions.list().flatMap((f) => f.inputs)]);
    const files = [...pending].filter((file) => known.has(file) || existsSync(file));
    pending.clear();
    if (files.length === 0) return;
    for (const file of files) if (isInfra(file)) infraPending.add(file);
    running = running.then(async () => {
      await reloadFunctions(files);
      await applyInfra();
      batches += 1;
    });
  };

  const onSave = (file: string) => {
    if (!isWatched(rel(file))) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, options.settleMs ?? 50);
  };

  /** Watches every folder that matters now (an infra update may add a function from another package). */
  const follow = () => {
    const folders = new Map<string, boolean>(sourceFolders(runtime.functions.list().flatMap((f) => f.inputs), repoRoot).map((folder) => [folder, true]));
    if (synthesizer) {
      // The app's own folder for cdk.json and package.json, its sources, and the modules it imported.
      folders.set(synthesizer.appDir, false);
      for (const sub of ['src', 'bin']) if (existsSync(join(synthesizer.appDir, sub))) folders.set(join(synthesizer.appDir, sub), true);
      for (const folder of sourceFolders([...infraInputs], repoRoot)) folders.set(folder, true);
    }
    for (const [folder, recursive] of folders) {
      const key = `${folder}${recursive ? '/**' : ''}`;
      if (!watchers.has(key) && existsSync(folder)) watchers.set(key, watchFolder(folder, recursive, onSave));
    }
  };

  follow();
  // The synthesizer's first synthesis loads the CDK (seconds); done now, the first infra save is fast.
  const ready = synthesizer
    ? synthesizer.warmUp().then(
        (synthesis) => {
          infraInputs = new Set(synthesis.inputs ?? []);
          follow();
        },
        // The app as it is now does not synthesize: said once; the save that fixes it applies.
        (error: unknown) => reportOnce('infra', `infra: ${describeInfraError(error)}`),
      )
    : Promise.resolve();
  return {
    ready,
    get batches() {
      return batches;
    },
    close() {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/**
 * Calls `onChange` with the path of every file created, changed, replaced or removed under `folder` (in
 * its subfolders too when `recursive`, but for dependencies, outputs and tests). Each folder is watched on
 * its own: Node 20's recursive watch on Linux watches files, and loses a file that an editor or git
 * replaces (a new inode) instead of writing it in place.
 */
function watchFolder(folder: string, recursive: boolean, onChange: (file: string) => void): { close(): void } {
  const folders = new Map<string, FSWatcher>();
  const followed = (name: string) => !IGNORED.has(name) && name !== 'test';
  /** Watches `dir` (and, when recursive, its subfolders); `created`: a folder that appeared, whose files are news. */
  const add = (dir: string, created = false) => {
    if (folders.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return;
        const path = join(dir, name.toString());
        if (isFolder(path)) {
          if (recursive && followed(name.toString())) add(path, true);
        } else if (folders.has(path)) {
          // A folder removed: a new one of that name is a new folder.
          folders.get(path)!.close();
          folders.delete(path);
        } else {
          onChange(path);
        }
      });
    } catch {
      return; // gone already
    }
    // A removed folder ends its watcher.
    watcher.on('error', () => {
      watcher.close();
      folders.delete(dir);
    });
    folders.set(dir, watcher);
    if (!recursive && !created) return;
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // gone meanwhile: its watcher's error ends it
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (recursive && followed(entry.name)) add(join(dir, entry.name), created);
      } else if (created) {
        onChange(join(dir, entry.name));
      }
    }
  };
  add(folder);
  return {
    close() {
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
    },
  };
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** What went wrong with an infra change, in words: the stage, then where and what. */
function describeInfraError(error: unknown): string {
  if (error instanceof SynthesisError) return error.explain();
  return `the runtime cannot apply the new template:\n  ${error instanceof Error ? error.message : String(error)}`;
}

/** The `src` folder (or the folder) of every workspace package the given files belong to. */
function sourceFolders(files: readonly string[], repoRoot: string): string[] {
  const folders = new Set<string>();
  for (const input of files) {
    if (!input.startsWith(repoRoot) || input.includes(`${sep}node_modules${sep}`)) continue;
    let dir = dirname(input);
    while (dir.length > repoRoot.length && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
    if (dir.length > repoRoot.length) folders.add(existsSync(join(dir, 'src')) ? join(dir, 'src') : dir);
  }
  return [...folders];
}
