import { createHash } from 'node:crypto';
import { AwsServiceError, type ServiceBackend, notEmulated, requireString } from '../protocol/aws-error';
import { QueueDoesNotExist, type QueueMessage, type QueueStore } from './queues';

export interface SqsServiceOptions {
  queues: QueueStore;
  accountId: string;
  /** The endpoint's own URL (known once it listens): queue URLs point back at it. */
  endpointUrl: () => string;
}

interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
}

/**
 * SQS on the local endpoint, in the JSON protocol the current SDKs and the AWS CLI speak (target prefix
 * `AmazonSQS`): enough for dead letters and their redrive — send, receive with visibility timeout and
 * short/long polling, delete, queue URL, attributes, purge. MD5 digests are computed as SQS does, since
 * the SDK verifies them.
 */
export class SqsService implements ServiceBackend {
  readonly operations = ['GetQueueUrl', 'ListQueues', 'SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'PurgeQueue'] as const;

  constructor(private readonly options: SqsServiceOptions) {}

  async handle(operation: string, body: any): Promise<unknown> {
    try {
      return await this.operation(operation, body ?? {});
    } catch (error) {
      if (error instanceof QueueDoesNotExist) throw sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', error.message);
      throw error;
    }
  }

  private async operation(operation: string, body: any): Promise<unknown> {
    const { queues } = this.options;
    switch (operation) {
      case 'GetQueueUrl': {
        const model = queues.find(required(body.QueueName, 'QueueName'));
        if (!model) throw new QueueDoesNotExist(body.QueueName);
        return { QueueUrl: this.urlOf(model.name) };
      }
      case 'ListQueues': {
        const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
        return { QueueUrls: queues.list().filter((q) => q.name.startsWith(prefix)).map((q) => this.urlOf(q.name)) };
      }
      case 'SendMessage': {
        const queueUrl = required(body.QueueUrl, 'QueueUrl');
        const messageBody = allowedCharacters(required(body.MessageBody, 'MessageBody'), 'the message body');
        const attributes = stringAttributes(body.MessageAttributes);
        const message = queues.send(queueUrl, messageBody, attributes);
        return { MessageId: message.messageId, MD5OfMessageBody: md5(messageBody), ...attributesDigest(message) };
      }
      case 'ReceiveMessage': {
        const queueUrl = required(body.QueueUrl, 'QueueUrl');
        const max = body.MaxNumberOfMessages ?? 1;
        if (!Number.isInteger(max) || max < 1 || max > 10) throw sqsError('InvalidParameterValue', 'InvalidParameterValue', 'Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.');
        const visibility = body.VisibilityTimeout ?? 30;
        const waitUntil = Date.now() + Math.min(20, Math.max(0, body.WaitTimeSeconds ?? 0)) * 1000;
        let received = queues.receive(queueUrl, max, visibility);
        while (received.length === 0 && Date.now() < waitUntil) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          received = queues.receive(queueUrl, max, visibility);
        }
        const wanted: string[] = body.MessageAttributeNames ?? [];
        return { Messages: received.map((m) => this.received(m, wanted)) };
      }
      case 'DeleteMessage': {
        const deleted = queues.delete(required(body.QueueUrl, 'QueueUrl'), required(body.ReceiptHandle, 'ReceiptHandle'));
        if (!deleted) throw sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${body.ReceiptHandle}" is not a valid receipt handle.`);
        return {};
      }
      case 'GetQueueAttributes': {
        const queueUrl = required(body.QueueUrl, 'QueueUrl');
        const model = queues.find(queueUrl);
        if (!model) throw new QueueDoesNotExist(queueUrl);
        const now = Date.now();
        const messages = queues.messages(queueUrl);
        const hidden = messages.filter((m) => (m.invisibleUntil ?? 0) > now).length;
        return {
          Attributes: {
            QueueArn: model.arn,
            ApproximateNumberOfMessages: String(messages.length - hidden),
            ApproximateNumberOfMessagesNotVisible: String(hidden),
          },
        };
      }
      case 'PurgeQueue':
        queues.purge(required(body.QueueUrl, 'QueueUrl'));
        return {};
      default:
        throw notEmulated('SQS', operation);
    }
  }

  private urlOf(name: string): string {
    return `${this.options.endpointUrl()}/${this.options.accountId}/${name}`;
  }

  private received(message: QueueMessage, wantedAttributes: string[]) {
    const all = wantedAttributes.includes('All') || wantedAttributes.includes('.*');
    const attributes = Object.fromEntries(Object.entries(message.attributes).filter(([name]) => all || wantedAttributes.includes(name)));
    const selected = { ...message, attributes };
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: md5(message.body),
      Body: message.body,
      Attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(message.sentAt) },
      ...(Object.keys(attributes).length > 0
        ? { MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])), ...attributesDigest(selected) }
        : {}),
    };
  }
}

/** An SQS error: the JSON exception name, and the Query code older clients know it by. */
function sqsError(type: string, queryCode: string, message: string): AwsServiceError {
  return new AwsServiceError(type, message, { queryCode });
}

const required = (value: unknown, name: string) =>
  requireString(value, () => sqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`));

/** String-typed message attributes only: that is all the dead-letter producers send. */
function stringAttributes(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw sqsError('InvalidParameterValue', 'InvalidParameterValue', 'MessageAttributes must be a map.');
  return Object.fromEntries(
    Object.entries(value as Record<string, MessageAttributeValue>).map(([name, attribute]) => {
      if (attribute?.DataType !== 'String' || typeof attribute.StringValue !== 'string') {
        throw sqsError('InvalidParameterValue', 'InvalidParameterValue', `Message attribute ${name}: only String attributes are supported locally.`);
      }
      return [name, allowedCharacters(attribute.StringValue, `the message attribute ${name}`)];
    }),
  );
}

/** The characters SQS accepts in a message (those XML 1.0 allows); anything else is refused as SQS refuses it. */
function allowedCharacters(text: string, where: string): string {
  const bad = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  if (bad) {
    const code = `#x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}`;
    throw sqsError('InvalidMessageContents', 'InvalidMessageContents', `Invalid binary character '${code}' was found in ${where}, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].`);
  }
  return text;
}

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

/** SQS's digest of message attributes: per name in order, length-prefixed name, type, transport byte, value. */
function attributesDigest(message: Pick<QueueMessage, 'attributes'>): { MD5OfMessageAttributes?: string } {
  const names = Object.keys(message.attributes).sort();
  if (names.length === 0) return {};
  const parts: Buffer[] = [];
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    field(name);
    field('String');
    parts.push(Buffer.from([1]));
    field(message.attributes[name]!);
  }
  return { MD5OfMessageAttributes: md5(Buffer.concat(parts)) };
}
