import { awsClients } from '../clients';
import { UsageError } from '../errors';
import { progress } from '../progress';
import {
  MAX_EXECUTION_INPUT_BYTES,
  type RebuildSource,
  type RebuildSummary,
  type SourcedEvent,
  archivesOf,
  findRebuildStateMachine,
  readRebuildSource,
  rebuild,
  startSyncExecution,
} from '../rebuild';

export interface RebuildOptions {
  from?: string;
  data?: string;
  endpoint: string;
  stateMachine?: string;
  batchSize: number;
  json: boolean;
}

/** Failures and malformed lines printed one per line; the rest are counted (all of them with --json). */
const LISTED = 50;

/**
 * `gamekeeper rebuild`: sends completion events (a file, or a data folder's event archives of the
 * housekeeping bus, as the local runtime keeps the template's `AWS::Events::Archive`) through the
 * Rebuild state machine in batches under the 256 KiB input limit, with progress and a summary. Exit code 1
 * when a line was malformed or an event was not written.
 */
export async function runRebuild(options: RebuildOptions): Promise<void> {
  if (Boolean(options.from) === Boolean(options.data)) throw new UsageError('give the events with exactly one of --from <file.ndjson> or --data <dir>');
  if (!(options.batchSize >= 1)) throw new UsageError(`--batch-size must be at least 1, got ${options.batchSize}`);
  const source = readRebuildSource(options.from ?? archivesOf(options.data!));
  const { sfn } = awsClients(options.endpoint);
  try {
    const stateMachineArn = await findRebuildStateMachine(sfn, options.stateMachine);
    const bar = options.json ? undefined : progress('rebuilding', source.events.length);
    const summary = await rebuild(source.events, startSyncExecution(sfn, stateMachineArn), {
      maxBytes: MAX_EXECUTION_INPUT_BYTES,
      maxEvents: options.batchSize,
      ...(bar ? { onProgress: bar.update } : {}),
    });
    bar?.stop();
    if (options.json) console.log(JSON.stringify({ stateMachineArn, source: { ...source, events: source.events.length }, ...summary }, null, 2));
    else printSummary(stateMachineArn, source, summary);
    if (summary.failed.length > 0 || source.malformed.length > 0) process.exitCode = 1;
  } finally {
    sfn.destroy();
  }
}

function printSummary(stateMachineArn: string, source: RebuildSource, summary: RebuildSummary): void {
  const notCompletions = Object.values(source.notCompletions).reduce((sum, n) => sum + n, 0);
  console.log(`rebuild of ${source.files.join(', ') || 'no archived events yet'} through ${stateMachineArn}`);
  console.log(
    `  read: ${source.events.length} completion events; skipped ${notCompletions} that are not completions, ${source.duplicates} duplicates; ${source.malformed.length} malformed lines`,
  );
  for (const [kind, count] of Object.entries(source.notCompletions)) console.log(`    not a completion: ${kind} (${count})`);
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? `, ${Math.round(summary.events / seconds)} events/s` : '';
  console.log(`  written: ${summary.written}`);
  console.log(`  failed: ${summary.failed.length}`);
  for (const f of summary.failed.slice(0, LISTED)) {
    console.log(`    #${f.index} (${at(f)}) eventId ${f.eventId ?? '(none)'}: ${f.error}${f.cause ? `: ${short(causeMessage(f.cause))}` : ''}`);
  }
  if (summary.failed.length > LISTED) console.log(`    ... and ${summary.failed.length - LISTED} more (--json lists them all)`);
  if (source.malformed.length > 0) console.log(`  malformed lines (not sent):`);
  for (const m of source.malformed.slice(0, LISTED)) console.log(`    ${at(m)}: ${m.reason}`);
  if (source.malformed.length > LISTED) console.log(`    ... and ${source.malformed.length - LISTED} more (--json lists them all)`);
  console.log(`  batches: ${summary.batches} (largest ${summary.largestBatchBytes} bytes of input)`);
  console.log(`  elapsed: ${seconds.toFixed(1)} s${rate}`);
}

/** Where a line is: `line N`, and its file when the rebuild read several. */
const at = ({ file, line }: Pick<SourcedEvent, 'file' | 'line'>) => `line ${line}${file !== undefined ? ` of ${file}` : ''}`;

/** A Lambda error's cause is its JSON (`errorType`, `errorMessage`, `trace`): the message is what helps. */
function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause);
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // a plain-text cause
  }
  return cause;
}

function short(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
