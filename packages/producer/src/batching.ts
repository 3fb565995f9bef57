import { Limits } from '@gamekeeper/contracts';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/**
 * AWS's PutEvents entry-size formula: 14 bytes when Time is set, plus the UTF-8 bytes of Source,
 * DetailType, Detail and each Resources entry.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text !== undefined) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** Splits entries (by index) into PutEvents requests of at most 10 entries and 256 KiB in total. */
export function batchIndexes(sizes: number[], maxEntries: number = Limits.maxEntriesPerPutEvents, maxBytes: number = Limits.maxEntryBytes): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (current.length > 0 && (current.length === maxEntries || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
