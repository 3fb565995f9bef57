import { randomUUID } from 'node:crypto';
import { Journal } from '../shared/journal';
import type { QueueModel } from '../template/model';

export interface QueueMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  /** While received and not yet deleted: hidden from other receivers until then (epoch ms). */
  invisibleUntil?: number;
  receiptHandle?: string;
}

type QueueRecord = { op: 'send'; queue: string; message: QueueMessage } | { op: 'delete'; queue: string; messageId: string };

/**
 * The template's SQS queues (the dead-letter queue among them). In memory, and with a journal file
 * (the data-folder option) every send and delete is on disk before it is acknowledged.
 */
export class QueueStore {
  private readonly queues = new Map<string, { model: QueueModel; messages: Map<string, QueueMessage> }>();
  private readonly journal: Journal<QueueRecord>;

  constructor(models: QueueModel[], options: { journalFile?: string } = {}) {
    for (const model of models) this.queues.set(model.name, { model, messages: new Map() });
    this.journal = new Journal(options.journalFile);
    for (const record of this.journal.load()) {
      const queue = this.queues.get(record.queue);
      if (!queue) continue;
      if (record.op === 'send') queue.messages.set(record.message.messageId, { ...record.message, invisibleUntil: undefined, receiptHandle: undefined });
      else queue.messages.delete(record.messageId);
    }
    this.journal.compact([...this.queues.values()].flatMap(({ model, messages }) => [...messages.values()].map((message) => ({ op: 'send' as const, queue: model.name, message }))));
  }

  /** Adds the queues not there yet (a template update); answers the names of those it added. */
  add(models: readonly QueueModel[]): string[] {
    const added = models.filter((model) => !this.queues.has(model.name));
    for (const model of added) this.queues.set(model.name, { model, messages: new Map() });
    return added.map((model) => model.name);
  }

  /** A queue by ARN, URL (any host: only the account and name matter) or name. */
  find(ref: string): QueueModel | undefined {
    const name = ref.startsWith('arn:') ? ref.split(':')[5] : ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
    return name ? this.queues.get(name)?.model : undefined;
  }

  send(queueRef: string, body: string, attributes: Record<string, string> = {}): QueueMessage {
    const queue = this.queue(queueRef);
    const message: QueueMessage = { messageId: randomUUID(), body, attributes, sentAt: Date.now(), receiveCount: 0 };
    this.journal.append({ op: 'send', queue: queue.model.name, message });
    queue.messages.set(message.messageId, message);
    return message;
  }

  /** Up to `max` visible messages, hidden for `visibilityTimeoutSeconds` unless deleted first. */
  receive(queueRef: string, max: number, visibilityTimeoutSeconds: number): QueueMessage[] {
    const now = Date.now();
    const received: QueueMessage[] = [];
    for (const message of this.queue(queueRef).messages.values()) {
      if (received.length >= max) break;
      if ((message.invisibleUntil ?? 0) > now) continue;
      message.invisibleUntil = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      message.receiveCount += 1;
      received.push(message);
    }
    return received;
  }

  /** Deletes by receipt handle; false when the handle is stale (the message was received again since). */
  delete(queueRef: string, receiptHandle: string): boolean {
    const queue = this.queue(queueRef);
    const messageId = receiptHandle.split('#')[0] ?? '';
    const message = queue.messages.get(messageId);
    if (!message || message.receiptHandle !== receiptHandle) return false;
    this.journal.append({ op: 'delete', queue: queue.model.name, messageId });
    queue.messages.delete(messageId);
    return true;
  }

  purge(queueRef: string): void {
    const queue = this.queue(queueRef);
    this.journal.append(...[...queue.messages.keys()].map((messageId) => ({ op: 'delete' as const, queue: queue.model.name, messageId })));
    queue.messages.clear();
  }

  messages(queueRef: string): readonly QueueMessage[] {
    return [...this.queue(queueRef).messages.values()];
  }

  list(): { name: string; arn: string; depth: number }[] {
    return [...this.queues.values()].map(({ model, messages }) => ({ name: model.name, arn: model.arn, depth: messages.size }));
  }

  close(): void {
    this.journal.close();
  }

  private queue(ref: string) {
    const model = this.find(ref);
    const queue = model && this.queues.get(model.name);
    if (!queue) throw new QueueDoesNotExist(ref);
    return queue;
  }
}

export class QueueDoesNotExist extends Error {
  override readonly name = 'QueueDoesNotExist';
  constructor(readonly queueRef: string) {
    super(`The specified queue does not exist: ${queueRef}`);
  }
}
