// A temporary copy of the CDK app (infra/) and of the services (the CDK wants every function's entry under
// the app's project root), wired to the repository's other packages and dependencies, with the local runtime running the copy's template and the watcher following the copy:
// what the watch tests and `npm run watch-timing` edit. Nothing in the repository is touched.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DetailType } from '@gamekeeper/contracts';
import { type Execution, type LocalRuntime, startLocalRuntime } from '@gamekeeper/local-runtime';
import { type Producer, createProducer } from '@gamekeeper/producer';
import { awsClients } from '../src/clients';
import { type Synthesizer, repoRoot, startSynthesizer } from '../src/synth';
import { type WorkspaceWatcher, watchWorkspace } from '../src/watch';

/** The services the copy has its own copies of (the other workspace packages resolve from the repository). */
export const COPIED_SERVICES = ['report', 'level-store', 'game-store', 'metric'];
const SKIPPED = /(^|\/)(node_modules|cdk\.out|\.turbo|coverage|dist)(\/|$)/;

export interface WorkspaceCopy {
  root: string;
  appDir: string;
  /** A file of the copy by its path in the repository, e.g. `infra/src/gamekeeper-stack.ts`. */
  path(file: string): string;
  /** Replaces `from` (which must be there) with `to` in a file of the copy: one save, as an editor writes it. */
  edit(file: string, from: string, to: string): void;
  /** Puts a file of the copy back as it was copied. */
  restore(file: string): void;
  remove(): void;
}

/** Copies infra/ and services/ to a temporary workspace whose other packages and dependencies are the repository's. */
export function copyWorkspace(): WorkspaceCopy {
  const root = mkdtempSync(join(tmpdir(), 'gamekeeper-watched-'));
  for (const file of ['pnpm-lock.yaml', 'tsconfig.base.json']) cpSync(join(repoRoot, file), join(root, file));
  const copyPackage = (dir: string) => cpSync(join(repoRoot, dir), join(root, dir), { recursive: true, filter: (source) => !SKIPPED.test(relative(repoRoot, source)) });
  copyPackage('infra');
  for (const service of COPIED_SERVICES) {
    copyPackage(join('services', service));
    // A copied service resolves its dependencies from the repository ...
    symlinkSync(join(repoRoot, 'services', service, 'node_modules'), join(root, 'services', service, 'node_modules'));
  }
  // ... and so does the copied app, but for the copied services.
  const modules = join(repoRoot, 'infra', 'node_modules');
  mkdirSync(join(root, 'infra', 'node_modules', '@gamekeeper'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@gamekeeper' && entry !== '.cache') symlinkSync(join(modules, entry), join(root, 'infra', 'node_modules', entry));
  }
  for (const name of readdirSync(join(modules, '@gamekeeper'))) {
    const target = COPIED_SERVICES.includes(name) ? join(root, 'services', name) : realpathSync(join(modules, '@gamekeeper', name));
    symlinkSync(target, join(root, 'infra', 'node_modules', '@gamekeeper', name));
  }
  const path = (file: string) => join(root, file);
  return {
    root,
    appDir: path('infra'),
    path,
    edit(file, from, to) {
      const text = readFileSync(path(file), 'utf8');
      if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)} to replace`);
      writeFileSync(path(file), text.replace(from, to));
    },
    restore(file) {
      writeFileSync(path(file), readFileSync(join(repoRoot, file)));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface WatchedCopy {
  copy: WorkspaceCopy;
  runtime: LocalRuntime;
  clients: ReturnType<typeof awsClients>;
  producer: Producer;
  synthesizer: Synthesizer;
  watcher: WorkspaceWatcher;
  /** Every line the watcher reported, in order, and when (epoch ms). */
  reports: string[];
  reportedAt: number[];
  /** Resolves with the first report after the `since`-th that matches (throws after `timeoutMs`). */
  waitForReport(pattern: RegExp, since: number, timeoutMs?: number): Promise<string>;
  /** Publishes one completion through the producer and answers the execution it started, once it ended. */
  run(detailType: DetailType, detail: { eventId: string }): Promise<Execution>;
  /** The names of the rules the event (by its eventId) matched, once the bus has it. */
  rulesMatched(eventId: string): string[] | undefined;
  stop(): Promise<void>;
}

/** The copy's template on a local runtime (on a random port), with the watcher and a warm synthesizer. */
export async function startWatchedCopy(options: { settleMs?: number } = {}): Promise<WatchedCopy> {
  const copy = copyWorkspace();
  const synthesizer = startSynthesizer({ appDir: copy.appDir });
  const { template } = await synthesizer.warmUp();
  const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: copy.appDir, validateDefinitions: false, port: 0, retryIntervalMs: 0, functionLogFile: '/dev/null' });
  const reports: string[] = [];
  const reportedAt: number[] = [];
  const report = (line: string) => {
    reports.push(line);
    reportedAt.push(Date.now());
  };
  const watcher = watchWorkspace(runtime, copy.root, { synthesizer, report, ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}) });
  await watcher.ready;
  const clients = awsClients(runtime.url);
  const producer = createProducer({ client: clients.eventBridge });
  const eventIds = new Map<string, string | undefined>();
  const executionFor = (eventId: string) => {
    for (const execution of runtime.stepFunctions.executions.values()) {
      if (!eventIds.has(execution.executionArn)) eventIds.set(execution.executionArn, (JSON.parse(execution.input) as { detail?: { eventId?: string } }).detail?.eventId);
      if (eventIds.get(execution.executionArn) === eventId) return execution;
    }
    return undefined;
  };
  const rulesMatched = (eventId: string) => runtime.eventBridge.recent().find((r) => (r.event.detail as { eventId?: string }).eventId === eventId)?.rules;
  return {
    copy,
    runtime,
    clients,
    producer,
    synthesizer,
    watcher,
    reports,
    reportedAt,
    async waitForReport(pattern, since, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = reports.slice(since).find((line) => pattern.test(line));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no report matching ${pattern} in ${timeoutMs} ms; reports since: ${JSON.stringify(reports.slice(since))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async run(detailType, detail) {
      const [result] = await producer.publish([{ detailType, detail }]);
      if (result?.status !== 'sent') throw new Error(`the producer did not send the event: ${JSON.stringify(result)}`);
      for (let waited = 0; ; waited += 5) {
        const execution = executionFor(detail.eventId);
        if (execution) {
          await execution.done;
          return execution;
        }
        if (waited > 10_000) throw new Error(`no execution for event ${detail.eventId} (rules matched: ${JSON.stringify(rulesMatched(detail.eventId))})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    rulesMatched,
    async stop() {
      watcher.close();
      synthesizer.close();
      for (const client of Object.values(clients)) client.destroy();
      await runtime.stop();
      copy.remove();
    },
  };
}
