import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListStateMachinesCommand, type SFNClient, StartSyncExecutionCommand, type StateMachineListItem } from '@aws-sdk/client-sfn';
import { COMPLETION_DETAIL_TYPES, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { type ArchiveDescriptor, archiveFiles } from '@gamekeeper/local-runtime/archive';
import { UsageError } from './errors';

/** Step Functions' limit on an execution's input (and output): 256 KiB, measured as UTF-8 bytes. */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;
/**
 * Events per batch at most. The input limit alone allows ~600 completions, but every failure in a batch
 * carries its error and cause (~1-2 KB) in the output, which has the same 256 KiB limit: 250 keeps a
 * batch that fails entirely near it, and a batch over it is split and run again (see {@link rebuild}).
 */
export const DEFAULT_MAX_BATCH_EVENTS = 250;
/**
 * Where a local runtime's data folder (`start --data`) keeps the template's event archives: per archive,
 * `<ArchiveName>.ndjson` (one `{"archivedAt", "event"}` line per event) and `<ArchiveName>.json` (what it is:
 * DescribeArchive's fields, its bus among them).
 */
export const ARCHIVES_FOLDER = 'archives';
/** The data folder's delivery journal: the events not yet delivered, compacted on every start (not a history). */
export const EVENT_JOURNAL_FILE = 'events.ndjson';
/**
 * How the Rebuild state machine is named: infra's `GamekeeperStack` creates it as `RebuildStateMachine`, so
 * its logical id is `RebuildStateMachine<hash>`; the local runtime names it `RebuildStateMachine` and
 * CloudFormation `RebuildStateMachine<hash>-<suffix>`.
 */
export const REBUILD_STATE_MACHINE_NAME = /(^|-)RebuildStateMachine([0-9A-F]{8})?(-|$)/;

/** One event to rebuild and where it came from. */
export interface SourcedEvent {
  /** The file it was read from, when the rebuild reads more than one. */
  file?: string;
  /** 1-based line of the file it was read from. */
  line: number;
  event: Record<string, unknown>;
}

export interface RebuildSource {
  /** The files read, in order. */
  files: string[];
  /** Completion events, in file order, each once (over all the files). */
  events: SourcedEvent[];
  /** Lines that are not an event: line number (and file, when there are several) and why. */
  malformed: { file?: string; line: number; reason: string }[];
  /** Events that are not completions (the housekeeping rule would not match them), by `source detail-type`. */
  notCompletions: Record<string, number>;
  /** Events seen before on an earlier line or file (same `detail.eventId`, or the same envelope id). */
  duplicates: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the events to rebuild from newline-delimited JSON, one file or several in order. Each line is one
 * of: an EventBridge event (`{"detail-type", "source", "detail", ...}`, e.g. from an archive export); a line
 * of a local runtime's event archive (`{"archivedAt", "event"}`); a record of its delivery journal
 * (`{"op": "accepted", "event"}`; `settled` records are skipped); or a session line (`{"detailType", "detail"}`,
 * what `replay` publishes), wrapped in an EventBridge envelope. Only completions are kept (source and
 * detail-type as the housekeeping rule matches them), each `eventId` once over all the files; a line that is
 * none of these is reported as malformed and the rest are still read.
 */
export function readRebuildSource(files: string | readonly string[], { region = process.env.AWS_REGION ?? 'us-east-1' }: { region?: string } = {}): RebuildSource {
  const list = typeof files === 'string' ? [files] : [...files];
  const source: RebuildSource = { files: list, events: [], malformed: [], notCompletions: {}, duplicates: 0 };
  const seen = new Set<string>();
  for (const file of list) readInto(source, seen, file, list.length > 1 ? { file } : {}, region);
  return source;
}

function readInto(source: RebuildSource, seen: Set<string>, file: string, where: { file?: string }, region: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      source.malformed.push({ ...where, line, reason: `not valid JSON (${(error as Error).message})` });
      return;
    }
    if (!isObject(value)) {
      source.malformed.push({ ...where, line, reason: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` });
      return;
    }
    let event: Record<string, unknown>;
    if (value.op === 'settled') return;
    if (value.op === 'accepted' && isObject(value.event)) event = value.event;
    else if (typeof value.archivedAt === 'string' && isObject(value.event)) event = value.event;
    else if ('detail-type' in value) event = value;
    else if (typeof value.detailType === 'string' && 'detail' in value) event = envelope(value.detailType, value.detail, region);
    else {
      source.malformed.push({
        ...where,
        line,
        reason:
          'expected an EventBridge event {"detail-type", "source", "detail", ...}, an archive line {"archivedAt", "event"}, a session line {"detailType", "detail"} or a journal record {"op": "accepted", "event"}',
      });
      return;
    }
    if (event.source !== Source.GameBackend || !(COMPLETION_DETAIL_TYPES as readonly unknown[]).includes(event['detail-type'])) {
      const kind = `${String(event.source)} ${String(event['detail-type'])}`;
      source.notCompletions[kind] = (source.notCompletions[kind] ?? 0) + 1;
      return;
    }
    const eventId = isObject(event.detail) && typeof event.detail.eventId === 'string' ? event.detail.eventId : undefined;
    const key = eventId !== undefined ? `eventId ${eventId}` : typeof event.id === 'string' ? `id ${event.id}` : undefined;
    if (key !== undefined) {
      if (seen.has(key)) {
        source.duplicates += 1;
        return;
      }
      seen.add(key);
    }
    source.events.push({ ...where, line, event });
  });
}

/**
 * The event archive files of a data folder for the housekeeping bus (`EVENT_BUS_NAME`): each archive whose
 * descriptor names that bus as its source, in name order, whatever the archives are called. A clear error
 * when the folder has none.
 */
export function archivesOf(dataDir: string, busName: string = EVENT_BUS_NAME): string[] {
  const dir = join(dataDir, ARCHIVES_FOLDER);
  const descriptors: ArchiveDescriptor[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (!name.endsWith('.json')) continue;
    try {
      const descriptor = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ArchiveDescriptor;
      if (typeof descriptor?.ArchiveName === 'string' && typeof descriptor.EventSourceArn === 'string') descriptors.push(descriptor);
    } catch {
      // not an archive's descriptor
    }
  }
  const ofBus = descriptors.filter((d) => busOf(d.EventSourceArn) === busName);
  if (ofBus.length === 0) {
    const there = descriptors.map((d) => `${d.ArchiveName} (bus ${busOf(d.EventSourceArn)})`).join(', ');
    const journal = join(dataDir, EVENT_JOURNAL_FILE);
    throw new UsageError(
      descriptors.length > 0
        ? `no event archive of bus ${busName} in ${dir} (there: ${there})`
        : `no event archive in ${dataDir} (expected ${dir}/<archive>.ndjson; the local runtime keeps the template's archives there with "gamekeeper start --data ${dataDir}")` +
            (existsSync(journal) ? `; ${EVENT_JOURNAL_FILE} there is the delivery journal, only the events not yet delivered: --from ${journal} reads it` : ''),
    );
  }
  return ofBus.map((d) => archiveFiles(dir, d.ArchiveName).events).filter((file) => existsSync(file));
}

/** A bus's name from its ARN (`arn:aws:events:...:event-bus/<name>`). */
const busOf = (busArn: string) => busArn.slice(busArn.lastIndexOf('/') + 1);

/** A session line's completion as EventBridge delivers it (the writers parse the whole envelope). */
function envelope(detailType: string, detail: unknown, region: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: Source.GameBackend,
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [],
    detail,
  };
}

/** Events of one execution: their positions in the whole rebuild, and the execution's input. */
export interface Batch {
  /** Index (in the rebuild's event list) of each event, in batch order. */
  indexes: number[];
  /** The events' JSON texts, in batch order. */
  texts: string[];
  /** UTF-8 size of {@link batchInput}. */
  bytes: number;
}

/** `{"events":[...]}`: exactly what a batch sends. */
export const batchInput = (batch: Pick<Batch, 'texts'>) => `{"events":[${batch.texts.join(',')}]}`;
const FRAME_BYTES = Buffer.byteLength(batchInput({ texts: [] }));

/**
 * Splits the events, in order, into batches whose input is at most `maxBytes` (UTF-8) and at most
 * `maxEvents` long. An event too large for any batch on its own is returned apart, never sent.
 */
export function planBatches(events: readonly unknown[], { maxBytes = MAX_EXECUTION_INPUT_BYTES, maxEvents = DEFAULT_MAX_BATCH_EVENTS } = {}) {
  const batches: Batch[] = [];
  const tooLarge: { index: number; bytes: number }[] = [];
  let current: Batch = { indexes: [], texts: [], bytes: FRAME_BYTES };
  events.forEach((event, index) => {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text);
    if (FRAME_BYTES + size > maxBytes) {
      tooLarge.push({ index, bytes: FRAME_BYTES + size });
      return;
    }
    const separator = current.texts.length > 0 ? 1 : 0;
    if (current.texts.length > 0 && (current.bytes + separator + size > maxBytes || current.texts.length >= maxEvents)) {
      batches.push(current);
      current = { indexes: [], texts: [], bytes: FRAME_BYTES };
    }
    current.bytes += (current.texts.length > 0 ? 1 : 0) + size;
    current.indexes.push(index);
    current.texts.push(text);
  });
  if (current.texts.length > 0) batches.push(current);
  return { batches, tooLarge };
}

/** Finds the Rebuild state machine at the endpoint (ListStateMachines, every page) by its name. */
export async function findRebuildStateMachine(sfn: SFNClient, explicit?: string): Promise<string> {
  const machines: StateMachineListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ ...(nextToken ? { nextToken } : {}) }));
    machines.push(...(page.stateMachines ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const names = machines.map((m) => m.name).join(', ') || 'none';
  if (explicit) {
    const found = machines.find((m) => m.stateMachineArn === explicit || m.name === explicit);
    if (!found) throw new UsageError(`no state machine "${explicit}" at this endpoint (there are: ${names})`);
    return found.stateMachineArn!;
  }
  const rebuild = machines.filter((m) => REBUILD_STATE_MACHINE_NAME.test(m.name ?? ''));
  if (rebuild.length === 0) throw new UsageError(`no Rebuild state machine at this endpoint (state machines: ${names}); is the gamekeeper stack running or deployed there?`);
  if (rebuild.length > 1) throw new UsageError(`more than one Rebuild state machine (${rebuild.map((m) => m.name).join(', ')}): choose one with --state-machine`);
  return rebuild[0]!.stateMachineArn!;
}

/** One event that was not written: its position, the line it came from, its eventId, and why. */
export interface RebuildFailure {
  /** Position in the rebuild's event list (0-based). */
  index: number;
  /** The file of the line, when the rebuild read more than one. */
  file?: string;
  line: number;
  eventId?: string;
  error: string;
  cause?: string;
}

export interface RebuildSummary {
  events: number;
  written: number;
  failed: RebuildFailure[];
  /** Executions started (a batch split for its output's size counts each part). */
  batches: number;
  /** The largest input sent (bytes). */
  largestBatchBytes: number;
  elapsedMs: number;
}

/** What one execution of the Rebuild state machine answered: StartSyncExecution's fields that matter here. */
export interface BatchResult {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** Runs one batch input; the CLI's is StartSyncExecution, a test may hand in another. */
export type StartBatch = (input: string) => Promise<BatchResult>;

export const startSyncExecution =
  (sfn: SFNClient, stateMachineArn: string): StartBatch =>
  async (input) => {
    const { status, output, error, cause } = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
    return { ...(status ? { status } : {}), ...(output ? { output } : {}), ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
  };

/**
 * Sends the events through the Rebuild state machine one batch at a time (its Map's MaxConcurrency is the
 * write rate: batches side by side would multiply it) and gathers what each batch wrote and which events
 * failed. A batch whose output would exceed the limit (`States.DataLimitExceeded`: too many failures with
 * long causes) is split in two and each half run again: the writers are replay-safe. A batch that fails as a
 * whole (or cannot be started) counts all its events failed with that error; the rest still run.
 */
export async function rebuild(
  events: readonly SourcedEvent[],
  startBatch: StartBatch,
  { maxBytes = MAX_EXECUTION_INPUT_BYTES, maxEvents = DEFAULT_MAX_BATCH_EVENTS, onProgress }: { maxBytes?: number; maxEvents?: number; onProgress?: (done: number) => void } = {},
): Promise<RebuildSummary> {
  const startedAt = Date.now();
  const summary: RebuildSummary = { events: events.length, written: 0, failed: [], batches: 0, largestBatchBytes: 0, elapsedMs: 0 };
  const failure = (index: number, error: string, cause?: string): RebuildFailure => {
    const { file, line, event } = events[index]!;
    const eventId = isObject(event.detail) && typeof event.detail.eventId === 'string' ? event.detail.eventId : undefined;
    return { index, ...(file !== undefined ? { file } : {}), line, ...(eventId !== undefined ? { eventId } : {}), error, ...(cause !== undefined ? { cause } : {}) };
  };
  const { batches, tooLarge } = planBatches(
    events.map((e) => e.event),
    { maxBytes, maxEvents },
  );
  for (const { index, bytes } of tooLarge) {
    summary.failed.push(failure(index, 'EventTooLarge', `the event alone makes a ${bytes}-byte input, over Step Functions' ${maxBytes}-byte limit`));
  }
  let done = tooLarge.length;
  onProgress?.(done);

  const run = async (batch: Batch): Promise<void> => {
    const input = batchInput(batch);
    summary.batches += 1;
    summary.largestBatchBytes = Math.max(summary.largestBatchBytes, batch.bytes);
    let result: BatchResult;
    try {
      result = await startBatch(input);
    } catch (error) {
      const err = error as Error;
      result = { status: 'NOT_STARTED', error: err.name, cause: err.message };
    }
    if (result.status === 'FAILED' && result.error === 'States.DataLimitExceeded' && batch.texts.length > 1) {
      const half = Math.ceil(batch.texts.length / 2);
      for (const part of [0, half]) {
        const texts = batch.texts.slice(part, part + half);
        await run({ indexes: batch.indexes.slice(part, part + half), texts, bytes: Buffer.byteLength(batchInput({ texts })) });
      }
      return;
    }
    const output = result.status === 'SUCCEEDED' ? parseOutput(result.output) : undefined;
    if (output) {
      summary.written += output.written;
      for (const f of output.failed) {
        const index = batch.indexes[f.index];
        if (index === undefined) continue;
        summary.failed.push(failure(index, f.error ?? 'Unknown', f.cause));
      }
    } else {
      const why = result.status === 'SUCCEEDED' ? `the batch succeeded with an output that is not {"written", "failed"}: ${String(result.output).slice(0, 200)}` : result.cause;
      for (const index of batch.indexes) summary.failed.push(failure(index, `Batch${result.status === 'NOT_STARTED' ? 'NotStarted' : 'Failed'}: ${result.error ?? result.status}`, why));
    }
    done += batch.texts.length;
    onProgress?.(done);
  };
  for (const batch of batches) await run(batch);
  summary.failed.sort((a, b) => a.index - b.index);
  summary.elapsedMs = Date.now() - startedAt;
  return summary;
}

function parseOutput(text: string | undefined): { written: number; failed: { index: number; error?: string; cause?: string }[] } | undefined {
  try {
    const output = JSON.parse(text ?? '');
    if (typeof output?.written !== 'number' || !Array.isArray(output.failed)) return undefined;
    return output;
  } catch {
    return undefined;
  }
}
