import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '@gamekeeper/local-runtime';
import { awsClients } from '../../src/clients';
import { loadGamekeeperStack } from '../../src/synth';

/**
 * The whole gamekeeper stack in-process on a random loopback port, with real SDK clients pointed at it;
 * with `dataDir`, everything kept on disk there (as `gamekeeper start --data`).
 */
export async function startStack(options: { dataDir?: string } = {}): Promise<{ runtime: LocalRuntime; clients: ReturnType<typeof awsClients>; stop(): Promise<void> }> {
  const { template, appDir } = loadGamekeeperStack();
  const runtime = await startLocalRuntime({
    template,
    resolveFunctionsFrom: appDir,
    validateDefinitions: false,
    port: 0,
    retryIntervalMs: 0,
    functionLogFile: '/dev/null',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const clients = awsClients(runtime.url);
  return {
    runtime,
    clients,
    stop: async () => {
      for (const client of Object.values(clients)) client.destroy();
      await runtime.stop();
    },
  };
}

/** The gamekeeper command's entry point, for tests that run it as a user would. */
export const GAMEKEEPER_BIN = join(import.meta.dirname, '..', '..', 'bin', 'gamekeeper.mjs');

/** Runs the gamekeeper command as a user would, in its own process, and answers its exit code and output. */
export function gamekeeper(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [GAMEKEEPER_BIN, ...args], { env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
