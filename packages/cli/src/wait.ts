import { ListExecutionsCommand, ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface ExecutionCounts {
  succeeded: number;
  failed: number;
  running: number;
}

/** Counts executions of every state machine (all pages). */
export async function countExecutions(sfn: SFNClient): Promise<ExecutionCounts> {
  const counts = { succeeded: 0, failed: 0, running: 0 };
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  for (const machine of stateMachines) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: 1000, nextToken }));
      for (const e of page.executions ?? []) {
        if (e.status === 'SUCCEEDED') counts.succeeded += 1;
        else if (e.status === 'RUNNING') counts.running += 1;
        else counts.failed += 1;
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return counts;
}

/** Polls until no execution is running and at least `expected` more have ended than at the start, or the timeout passes. */
export async function waitForExecutions(sfn: SFNClient, expected: number, { timeoutMs = 120_000, baseline }: { timeoutMs?: number; baseline?: ExecutionCounts } = {}) {
  const start = baseline ?? { succeeded: 0, failed: 0, running: 0 };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await countExecutions(sfn);
    const ended = counts.succeeded + counts.failed - start.succeeded - start.failed;
    if ((counts.running === 0 && ended >= expected) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
