import { awsClients } from '../clients';
import { progress } from '../progress';
import { publishAll } from '../publish';
import { readSessionFile } from '../session';
import { countExecutions, waitForExecutions } from '../wait';

export interface ReplayOptions {
  endpoint: string;
  wait: boolean;
}

/** Publishes a session file through the producer with progress, then waits for the executions it started. */
export async function runReplay(file: string, options: ReplayOptions): Promise<void> {
  const events = readSessionFile(file);
  const clients = awsClients(options.endpoint);
  const baseline = options.wait ? await countExecutions(clients.sfn) : undefined;
  const bar = progress('publishing', events.length);
  const summary = await publishAll(clients.eventBridge, events, { onProgress: bar.update });
  bar.stop();
  console.log(`published ${summary.sent}/${summary.total} events (${summary.rejected} rejected, ${summary.failed} failed)`);
  for (const problem of summary.problems.slice(0, 10)) console.log(`  - ${problem}`);
  if (options.wait && summary.sent > 0) {
    const outcome = await waitForExecutions(clients.sfn, summary.sent, { ...(baseline ? { baseline } : {}) });
    console.log(`executions: ${outcome.succeeded} succeeded, ${outcome.failed} failed, ${outcome.running} running`);
  }
  if (summary.rejected + summary.failed > 0) process.exitCode = 1;
}
