import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeServer } from '../../src/edge/server';
import { QueueStore } from '../../src/sqs/queues';
import { SqsService } from '../../src/sqs/service';

const queueModel = { name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' };
const journalFile = join(mkdtempSync(join(tmpdir(), 'sqs-')), 'queues.ndjson');
let client: SQSClient;
let queues: QueueStore;
let close: () => Promise<void>;
let queueUrl: string;

beforeAll(async () => {
  queues = new QueueStore([queueModel], { journalFile });
  let url = '';
  const server = createEdgeServer({ services: [{ name: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0', queryCompatible: true, backend: new SqsService({ queues, accountId: '000000000000', endpointUrl: () => url }) }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  close = () => new Promise((resolve) => server.close(() => resolve()));
  ({ QueueUrl: queueUrl = '' } = await client.send(new GetQueueUrlCommand({ QueueName: 'DeadLetterQueue' })));
});
afterAll(async () => {
  client.destroy();
  await close();
});

describe('SQS on the local endpoint, through the unmodified SDK (which checks the MD5 digests)', () => {
  it('lists the template queues with URLs on this endpoint', async () => {
    const { QueueUrls } = await client.send(new ListQueuesCommand({}));
    expect(QueueUrls).toEqual([queueUrl]);
    expect(queueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\/DeadLetterQueue$/);
  });

  it('sends, receives with attributes, hides while received, and deletes', async () => {
    const attributes = { ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.ServiceException' }, ERROR_MESSAGE: { DataType: 'String', StringValue: 'ünïcode cause' } };
    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"detail":{"eventId":"e-1"}}', MessageAttributes: attributes }));
    expect(sent.MessageId).toBeDefined();

    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }));
    expect(Messages).toHaveLength(1);
    expect(Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: '{"detail":{"eventId":"e-1"}}', MessageAttributes: attributes });
    const hidden = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(hidden.Messages ?? []).toEqual([]);
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1', QueueArn: queueModel.arn });

    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    expect(queues.messages(queueUrl)).toEqual([]);
  });

  it('shows a message again once its visibility timeout passes, and refuses the stale receipt handle', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'again' }));
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    const second = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(second.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }));
  });

  it('answers QueueDoesNotExist for an unknown queue', async () => {
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(client.send(new SendMessageCommand({ QueueUrl: 'http://x/000000000000/nope', MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('keeps unsettled messages in its journal: a new store on the same file has them, deleted ones gone', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'survives' }));
    const reopened = new QueueStore([queueModel], { journalFile });
    expect(reopened.messages(queueModel.arn).map((m) => m.body)).toEqual(['survives']);
    reopened.close();
  });
});
