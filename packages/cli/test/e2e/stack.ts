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
