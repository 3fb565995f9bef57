import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { awsClients } from '../clients';
import { UsageError } from '../errors';
import { executionSteps } from '../steps';

export interface ExecutionsOptions {
  endpoint: string;
  status?: string;
  limit: number;
}

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** Lists recent executions, or shows one execution's steps with input, output, error and retries. */
export async function runExecutions(execution: string | undefined, options: ExecutionsOptions): Promise<void> {
  const { sfn } = awsClients(options.endpoint);
  const status = options.status?.toUpperCase();
  if (status && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  if (!execution) {
    for (const machine of stateMachines) {
      const { executions = [] } = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: options.limit, ...(status ? { statusFilter: status as never } : {}) }),
      );
      console.log(`${machine.name} (${executions.length} shown)`);
      for (const e of executions) {
        const ms = e.stopDate && e.startDate ? `${e.stopDate.getTime() - e.startDate.getTime()} ms` : '';
        console.log(`  ${String(e.status).padEnd(9)} ${e.name}  ${e.startDate?.toISOString() ?? ''}  ${ms}`);
      }
    }
    return;
  }
  const arn = execution.startsWith('arn:')
    ? execution
    : stateMachines.map((m) => m.stateMachineArn!.replace(':stateMachine:', ':execution:') + `:${execution}`)[0];
  if (!arn) throw new UsageError('no state machine found at this endpoint');
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  console.log(`${described.name}: ${described.status}${described.error ? ` (${described.error}: ${described.cause})` : ''}`);
  for (const step of executionSteps(events)) {
    const retries = step.retries ? `, ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
    console.log(`- ${step.name} [${step.type}${retries}]`);
    if (step.type === 'Task') {
      console.log(`    input:  ${short(step.input)}`);
      if (step.output !== undefined) console.log(`    output: ${short(step.output)}`);
    }
    if (step.error) console.log(`    error:  ${step.error}: ${short(step.cause)}`);
  }
}

function short(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > max ? `${text.slice(0, max - 3)}...` : String(text);
}
