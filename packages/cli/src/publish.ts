import { createProducer, type PublishResult } from '@gamekeeper/producer';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SessionEvent } from './session';

export interface ReplaySummary {
  total: number;
  sent: number;
  rejected: number;
  failed: number;
  problems: string[];
}

/**
 * Publishes events through the producer client (validation, batching, resends), a few batches at a
 * time, reporting progress after each batch.
 */
export async function publishAll(
  client: EventBridgeClient,
  events: SessionEvent[],
  { busName, concurrency = 4, onProgress }: { busName?: string; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<ReplaySummary> {
  const producer = createProducer({ client, ...(busName ? { busName } : {}) });
  const summary: ReplaySummary = { total: events.length, sent: 0, rejected: 0, failed: 0, problems: [] };
  const chunks: SessionEvent[][] = [];
  for (let i = 0; i < events.length; i += 10) chunks.push(events.slice(i, i + 10));
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const results: PublishResult[] = await producer.publish(chunk.map((e) => ({ detailType: e.detailType, detail: e.detail })));
      for (const result of results) {
        if (result.status === 'sent') summary.sent += 1;
        else if (result.status === 'rejected') {
          summary.rejected += 1;
          summary.problems.push(result.error.message);
        } else {
          summary.failed += 1;
          summary.problems.push(`${result.errorCode}: ${result.errorMessage}`);
        }
      }
      done += chunk.length;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return summary;
}
