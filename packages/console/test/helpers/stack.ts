import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { synthesizeGamekeeperTemplate } from '@gamekeeper/infra';
import { type CfnTemplate, startLocalRuntime } from '@gamekeeper/local-runtime';
import { type ConsoleHandler, createConsole } from '../../src/index';
// The CLI's own redrive (what `gamekeeper redrive` runs, and what `gamekeeper start` passes to the console).
// Imported by path: the CLI depends on this package, so this package cannot depend on the CLI.
import { awsClients } from '../../../cli/src/clients';
import { redriveDeadLetters } from '../../../cli/src/dead-letters';

type Runtime = Awaited<ReturnType<typeof startLocalRuntime>>;

export interface ConsoleStack {
  runtime: Runtime;
  /** Where the console answers: the runtime's own port, so the page and the AWS APIs share one origin. */
  consoleUrl: string;
  handler: ConsoleHandler;
  stop(): Promise<void>;
}

/**
 * The whole gamekeeper stack in-process, started as packages/cli/test/e2e/stack.ts starts it (the CDK
 * app synthesized in-process, functions resolved from the infra package), with the console mounted at
 * /console on the runtime's port.
 */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const template = synthesizeGamekeeperTemplate() as CfnTemplate;
  const appDir = dirname(createRequire(import.meta.url).resolve('@gamekeeper/infra/package.json'));
  const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: appDir, port: 0, retryIntervalMs: 0, functionLogFile: '/dev/null' });
  const clients = awsClients(runtime.url);
  const handler = createConsole(runtime, { redrive: (options) => redriveDeadLetters(clients, options) });
  runtime.mount('/console', handler);
  return {
    runtime,
    consoleUrl: `${runtime.url}/console/`,
    handler,
    stop: async () => {
      handler.close();
      await runtime.stop();
    },
  };
}
