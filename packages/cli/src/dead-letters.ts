import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, GetQueueAttributesCommand, ListQueuesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeadLetterAttribute, EVENT_BUS_NAME, ErrorName, readDeadLetter } from '@gamekeeper/contracts';
import type { AwsClients } from './clients';

export interface RedriveOptions {
  /** The bus dead letters go back to when they do not say (the state machine's do not; the rule's name it). */
  busName?: string;
  /** Also re-send events that failed validation (InvalidGameEvent): only useful once the code accepts them. */
  all?: boolean;
  /**
   * Only this dead letter (its SQS MessageId), when it is visible. The others received while looking for
   * it stay hidden for `visibilityTimeoutSeconds` (1 s by default here), then show again.
   */
  messageId?: string;
  /** How long a received message stays hidden while it is re-sent (s). */
  visibilityTimeoutSeconds?: number;
  onProgress?: (redriven: number) => void;
}

export interface RedriveSummary {
  received: number;
  /** What the received dead letters had failed with (ERROR_CODE), by error. */
  errors: Record<string, number>;
  redriven: number;
  /** Left in the queue on purpose, by error: they would fail the same way again. */
  kept: Record<string, number>;
  /** Could not be re-sent (PutEvents refused them): still in the queue. */
  failed: number;
  problems: string[];
}

/** Dead letters waiting in every queue the endpoint lists (visible ones: not being redriven right now). */
export async function countDeadLetters(clients: Pick<AwsClients, 'sqs'>): Promise<number> {
  const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
  let count = 0;
  for (const QueueUrl of QueueUrls) {
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    count += Number(Attributes.ApproximateNumberOfMessages ?? 0);
  }
  return count;
}

/**
 * Re-sends every dead letter (from every queue the endpoint lists) to the bus it came from, and deletes
 * it once EventBridge has accepted it. The body of a dead letter is the EventBridge event itself, from the
 * rule's DLQ and from the state machine's Catch alike, so it goes back with its source, detail-type and
 * detail unchanged; the writers dedupe on detail.eventId, so re-sending something half-done is safe.
 * A function's on-failure destination (the metric function's) holds Lambda's invocation record instead:
 * its `requestPayload` (the event) goes back, to `busName` (the record does not name a bus; the rule that
 * invoked the function is on the game-events bus), and its error is the record's `responsePayload.errorType`.
 * Events that failed validation stay (unless `all`): they would fail identically until fixed.
 */
export async function redriveDeadLetters(clients: Pick<AwsClients, 'sqs' | 'eventBridge'>, options: RedriveOptions = {}): Promise<RedriveSummary> {
  const summary: RedriveSummary = { received: 0, errors: {}, redriven: 0, kept: {}, failed: 0, problems: [] };
  const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
  const only = options.messageId;
  const seen = new Set<string>();
  let found = false;
  for (const queueUrl of QueueUrls) {
    while (!found) {
      const { Messages: received = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: options.visibilityTimeoutSeconds ?? (only ? 1 : 60), MessageAttributeNames: ['All'] }),
      );
      // Looking for one message: stop once this queue only shows messages already looked at.
      const fresh = only ? received.filter((m) => !seen.has(m.MessageId ?? '')) : received;
      if (fresh.length === 0) break;
      for (const m of fresh) seen.add(m.MessageId ?? '');
      const Messages = only ? fresh.filter((m) => m.MessageId === only) : fresh;
      found = only !== undefined && Messages.length > 0;
      summary.received += Messages.length;
      const resend: { message: Message; entry: PutEventsRequestEntry }[] = [];
      for (const message of Messages) {
        // The event itself (a rule's DLQ, the state machine's Catch), or Lambda's invocation record around it
        // (the metric function's on-failure destination: the error in the record, the event as requestPayload).
        const content = readDeadLetter(message.Body);
        const errorCode = message.MessageAttributes?.[DeadLetterAttribute.ErrorCode]?.StringValue ?? content.errorType ?? 'unknown';
        summary.errors[errorCode] = (summary.errors[errorCode] ?? 0) + 1;
        if (errorCode === ErrorName.InvalidGameEvent && !options.all) {
          summary.kept[errorCode] = (summary.kept[errorCode] ?? 0) + 1;
          continue;
        }
        const entry = entryOf(content.event, busOf(message) ?? options.busName ?? EVENT_BUS_NAME);
        if (!entry) {
          summary.kept.unreadable = (summary.kept.unreadable ?? 0) + 1;
          summary.problems.push(`message ${message.MessageId}: the ${content.record ? 'invocation record’s requestPayload' : 'body'} is not an EventBridge event`);
          continue;
        }
        resend.push({ message, entry });
      }
      if (resend.length === 0) continue;
      const { Entries = [] } = await clients.eventBridge.send(new PutEventsCommand({ Entries: resend.map((r) => r.entry) }));
      for (const [i, { message }] of resend.entries()) {
        const result = Entries[i];
        if (result?.EventId && !result.ErrorCode) {
          await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          summary.redriven += 1;
          options.onProgress?.(summary.redriven);
        } else {
          summary.failed += 1;
          summary.problems.push(`message ${message.MessageId}: ${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim());
        }
      }
    }
  }
  return summary;
}

/** The PutEvents entry that re-sends a dead-lettered EventBridge event, or undefined when it is not one. */
function entryOf(value: unknown, busName: string): PutEventsRequestEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as { source?: unknown; 'detail-type'?: unknown; detail?: unknown; resources?: unknown };
  if (typeof event.source !== 'string' || typeof event['detail-type'] !== 'string' || typeof event.detail !== 'object' || event.detail === null) return undefined;
  return {
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    ...(Array.isArray(event.resources) && event.resources.length > 0 ? { Resources: event.resources as string[] } : {}),
    EventBusName: busName,
  };
}

/** The rule's dead-letter queue names the rule (`arn:aws:events:<region>:<account>:rule/<bus>/<rule>`). */
function busOf(message: Message): string | undefined {
  const ruleArn = message.MessageAttributes?.[DeadLetterAttribute.RuleArn]?.StringValue;
  const match = ruleArn ? /:rule\/([^/]+)\/[^/]+$/.exec(ruleArn) : null;
  return match?.[1];
}
