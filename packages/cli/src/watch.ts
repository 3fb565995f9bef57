import { type FSWatcher, existsSync, watch } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { LocalRuntime } from '@gamekeeper/local-runtime';

/** Folders whose files never change what runs: dependencies, outputs, caches, history. */
const IGNORED = new Set(['node_modules', '.git', 'dist', 'cdk.out', '.turbo', '.cache', 'coverage']);

export interface WatchOptions {
  /** How long to wait for more saves before acting on a burst (an editor writes a file in steps). */
  settleMs?: number;
  /** One line per reload (what changed, what was reloaded, how long it took), or a build error. */
  report: (line: string) => void;
}

/** Whether a saved file (relative to the repository root) may change what the runtime runs. */
export function isWatched(relativePath: string): boolean {
  const parts = relativePath.split(sep);
  return !parts.some((part) => IGNORED.has(part)) && !parts.includes('test') && !relativePath.endsWith('.md');
}

/**
 * Follows the workspace while the runtime serves: a saved source file that is part of a function's code
 * rebuilds just the functions built from it, and the next invocation runs it (in-flight invocations
 * finish on the old code). A change that does not build keeps the running code and is reported once.
 */
export function watchFunctionCode(runtime: LocalRuntime, repoRoot: string, options: WatchOptions): { close(): void } {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const lastError = new Map<string, string>();
  const flush = () => {
    const files = [...pending];
    pending.clear();
    running = running.then(async () => {
      const started = Date.now();
      const { reloaded, failed } = await runtime.functions.reloadCode(files);
      const names = files.map((file) => file.slice(repoRoot.length + 1)).join(', ');
      if (reloaded.length > 0) options.report(`reloaded ${reloaded.join(', ')} in ${Date.now() - started} ms (${names} changed)`);
      for (const { functionName, error } of failed) {
        // Once per distinct error: an editor saving the same broken file again adds nothing.
        if (lastError.get(functionName) === error) continue;
        lastError.set(functionName, error);
        options.report(`${functionName} keeps its running code: its new code does not build:\n${error}`);
      }
      for (const name of reloaded) lastError.delete(name);
    });
  };
  // Only the source folders of the packages the functions are built from: watching the whole repository
  // would walk every dependency (seconds at start, ~100 MB of watches).
  const watchers: FSWatcher[] = sourceFolders(runtime, repoRoot).map((folder) =>
    watch(folder, { recursive: true }, (_event, filename) => {
      if (!filename) return;
      const file = join(folder, filename);
      if (!isWatched(file.slice(repoRoot.length + 1))) return;
      pending.add(file);
      clearTimeout(timer);
      timer = setTimeout(flush, options.settleMs ?? 50);
    }),
  );
  return { close: () => watchers.forEach((w) => w.close()) };
}

/** The `src` folder (or the folder) of every workspace package a function's code comes from. */
function sourceFolders(runtime: LocalRuntime, repoRoot: string): string[] {
  const folders = new Set<string>();
  for (const { inputs } of runtime.functions.list()) {
    for (const input of inputs) {
      if (!input.startsWith(repoRoot) || input.includes(`${sep}node_modules${sep}`)) continue;
      let dir = dirname(input);
      while (dir.length > repoRoot.length && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
      if (dir.length > repoRoot.length) folders.add(existsSync(join(dir, 'src')) ? join(dir, 'src') : dir);
    }
  }
  return [...folders];
}
