import { randomUUID } from 'node:crypto';
import type { QueueModel } from '../template/model';

export interface QueueMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
}

/** The template's SQS queues (the rule's dead-letter queue among them), held in memory. */
export class QueueStore {
  private readonly queues = new Map<string, { model: QueueModel; messages: QueueMessage[] }>();

  constructor(models: QueueModel[]) {
    for (const model of models) this.queues.set(model.arn, { model, messages: [] });
  }

  send(queueArn: string, body: string, attributes: Record<string, string> = {}): QueueMessage {
    const queue = this.queues.get(queueArn);
    if (!queue) throw new Error(`queue ${queueArn} does not exist`);
    const message = { messageId: randomUUID(), body, attributes, sentAt: Date.now() };
    queue.messages.push(message);
    return message;
  }

  messages(queueArn: string): readonly QueueMessage[] {
    return this.queues.get(queueArn)?.messages ?? [];
  }

  list(): { name: string; arn: string; depth: number }[] {
    return [...this.queues.values()].map(({ model, messages }) => ({ name: model.name, arn: model.arn, depth: messages.length }));
  }
}
