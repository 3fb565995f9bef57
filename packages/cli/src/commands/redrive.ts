import { awsClients } from '../clients';
import { progress } from '../progress';
import { countDeadLetters, redriveDeadLetters } from '../dead-letters';

export interface RedriveCommandOptions {
  endpoint: string;
  all: boolean;
}

/** `gamekeeper redrive`: sends every dead letter through again, with progress and a summary. */
export async function runRedrive(options: RedriveCommandOptions): Promise<void> {
  const clients = awsClients(options.endpoint);
  const bar = progress('redriving', await countDeadLetters(clients));
  const summary = await redriveDeadLetters(clients, { all: options.all, onProgress: bar.update });
  bar.stop();
  console.log(`dead letters: ${summary.received} received, ${summary.redriven} redriven, ${summary.failed} could not be re-sent`);
  for (const [error, count] of Object.entries(summary.errors)) console.log(`  failed with ${error}: ${count}`);
  for (const [error, count] of Object.entries(summary.kept)) {
    console.log(`  kept ${count} (${error})${error === 'InvalidGameEvent' ? ': they would fail the same way; fix them, or --all once the code accepts them' : ''}`);
  }
  for (const problem of summary.problems.slice(0, 10)) console.log(`  - ${problem}`);
  for (const client of Object.values(clients)) client.destroy();
  if (summary.failed > 0) process.exitCode = 1;
}
