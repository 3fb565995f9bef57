import type { AddressInfo } from 'node:net';
import * as json from '@aws-sdk/client-sqs';
import * as query from 'sqs-query';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEdgeServer } from '../../src/edge/server';
import { QueueStore } from '../../src/sqs/queues';
import { sqsQuery } from '../../src/sqs/query-shapes';
import { SqsService } from '../../src/sqs/service';

/**
 * SQS on the Query protocol, through a real client that still speaks it (@aws-sdk/client-sqs 3.438.0,
 * installed as `sqs-query`), which checks the MD5 digests of what it sends and receives. Answers are
 * compared with what the current (JSON) client gets from the same endpoint.
 */
const queueModels = [
  { name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' },
  { name: 'OtherQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:OtherQueue' },
];
let queryClient: query.SQSClient;
let jsonClient: json.SQSClient;
let queues: QueueStore;
let close: () => Promise<void>;
let url = '';
let queueUrl: string;
/** A reply without its `$metadata` (request ids differ between calls). */
const body = <T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T) => rest;

beforeAll(async () => {
  queues = new QueueStore(queueModels);
  const backend = new SqsService({ queues, accountId: '000000000000', endpointUrl: () => url });
  const server = createEdgeServer({ services: [{ name: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0', queryCompatible: true, query: sqsQuery, backend }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  queryClient = new query.SQSClient(config);
  jsonClient = new json.SQSClient(config);
  close = () => new Promise((resolve) => server.close(() => resolve()));
  ({ QueueUrl: queueUrl = '' } = await queryClient.send(new query.GetQueueUrlCommand({ QueueName: 'DeadLetterQueue' })));
});
beforeEach(() => {
  for (const model of queueModels) queues.purge(model.name);
});
afterAll(async () => {
  queryClient.destroy();
  jsonClient.destroy();
  await close();
});

describe('SQS on the local endpoint through a Query-protocol client', () => {
  it('answers GetQueueUrl and ListQueues (flattened <QueueUrl> list) as the JSON client gets them', async () => {
    expect(queueUrl).toBe(`${url}/000000000000/DeadLetterQueue`);
    const all = await queryClient.send(new query.ListQueuesCommand({}));
    expect(all.QueueUrls).toEqual([queueUrl, `${url}/000000000000/OtherQueue`]);
    expect(body(all)).toEqual(body(await jsonClient.send(new json.ListQueuesCommand({}))));
    const prefixed = await queryClient.send(new query.ListQueuesCommand({ QueueNamePrefix: 'Other' }));
    expect(prefixed.QueueUrls).toEqual([`${url}/000000000000/OtherQueue`]);
    expect(body(await queryClient.send(new query.GetQueueUrlCommand({ QueueName: 'DeadLetterQueue' })))).toEqual(body(await jsonClient.send(new json.GetQueueUrlCommand({ QueueName: 'DeadLetterQueue' }))));
  });

  it('sends with message attributes, receives them with their digests, hides while received, and deletes', async () => {
    const attributes = { ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.ServiceException' }, ERROR_MESSAGE: { DataType: 'String', StringValue: 'ünïcode <cause> & "quotes"\r\nline two' } };
    const messageBody = '{"detail":{"eventId":"e-1"}}\r\n<&>';
    const sent = await queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: messageBody, MessageAttributes: attributes }));
    expect(sent).toMatchObject({ MessageId: expect.any(String), MD5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/), MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(queues.messages(queueUrl).map((m) => [m.body, m.attributes])).toEqual([[messageBody, { ERROR_CODE: 'Lambda.ServiceException', ERROR_MESSAGE: attributes.ERROR_MESSAGE.StringValue }]]);

    const { Messages = [] } = await queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], AttributeNames: ['All'], VisibilityTimeout: 30 }));
    expect(Messages).toHaveLength(1);
    expect(Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: messageBody, MessageAttributes: attributes, MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(Messages[0]!.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/) });
    const hidden = await queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(hidden.Messages ?? []).toEqual([]);

    const input = { QueueUrl: queueUrl, AttributeNames: ['All' as const] };
    const { Attributes } = await queryClient.send(new query.GetQueueAttributesCommand(input));
    expect(Attributes).toEqual({ QueueArn: queueModels[0]!.arn, ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    expect(body(await jsonClient.send(new json.GetQueueAttributesCommand(input)))).toEqual({ Attributes });

    await queryClient.send(new query.DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    expect(queues.messages(queueUrl)).toEqual([]);
  });

  it('hands over messages between the protocols unchanged: sent by one client, received by the other', async () => {
    const attributes = { RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:rule/game-events/x' } };
    await jsonClient.send(new json.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'from json', MessageAttributes: attributes }));
    const viaQuery = await queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['RULE_ARN'], VisibilityTimeout: 0 }));
    const viaJson = await jsonClient.send(new json.ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['RULE_ARN'], VisibilityTimeout: 0 }));
    const { ReceiptHandle: a, Attributes: _a, ...fromQuery } = viaQuery.Messages![0]!;
    const { ReceiptHandle: b, Attributes: _b, ...fromJson } = viaJson.Messages![0]!;
    expect(fromQuery).toEqual(fromJson);
    expect(fromQuery).toMatchObject({ Body: 'from json', MessageAttributes: attributes });
    expect(a).not.toBe(b);
  });

  it('shows a message again once its visibility timeout passes, and refuses the stale receipt handle', async () => {
    await queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'again' }));
    const first = await queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    const second = await queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30, WaitTimeSeconds: 1 }));
    expect(second.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);
    const stale = queryClient.send(new query.DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    await expect(stale).rejects.toBeInstanceOf(query.ReceiptHandleIsInvalid);
    await expect(stale).rejects.toMatchObject({ $fault: 'client', $metadata: { httpStatusCode: 400 } });
    await queryClient.send(new query.DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }));
    expect(queues.messages(queueUrl)).toEqual([]);
  });

  it('long-polls until a message arrives', async () => {
    const polling = queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await jsonClient.send(new json.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late' }));
    expect((await polling).Messages?.map((m) => m.Body)).toEqual(['late']);
  });

  it('purges a queue', async () => {
    await queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
    await queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'two' }));
    await queryClient.send(new query.PurgeQueueCommand({ QueueUrl: queueUrl }));
    expect(queues.messages(queueUrl)).toEqual([]);
  });

  it('answers AWS.SimpleQueueService.NonExistentQueue for an unknown queue, which the client maps to QueueDoesNotExist', async () => {
    await expect(queryClient.send(new query.GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(query.QueueDoesNotExist);
    // This client release lists QueueDoesNotExist only for GetQueueUrl; elsewhere it names the error by its Query code.
    const unknown = { name: 'AWS.SimpleQueueService.NonExistentQueue', $fault: 'client', $metadata: { httpStatusCode: 400 } };
    await expect(queryClient.send(new query.SendMessageCommand({ QueueUrl: `${url}/000000000000/nope`, MessageBody: 'x' }))).rejects.toMatchObject(unknown);
    await expect(queryClient.send(new query.GetQueueAttributesCommand({ QueueUrl: `${url}/000000000000/nope` }))).rejects.toMatchObject(unknown);
  });

  it.each([
    ['an out-of-range MaxNumberOfMessages', () => queryClient.send(new query.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 })), 'InvalidParameterValue', /MaxNumberOfMessages is invalid/],
    ['a missing message body', () => queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl } as query.SendMessageRequest)), 'MissingParameter', /MessageBody/],
    ['a non-String message attribute', () => queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } })), 'InvalidParameterValue', /only String attributes/],
    ['a body with a character SQS does not allow', () => queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'nul \u0000 here' })), 'InvalidMessageContents', undefined],
    ['an attribute with a character SQS does not allow', () => queryClient.send(new query.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: { a: { DataType: 'String', StringValue: '\uFFFF' } } })), 'InvalidMessageContents', undefined],
  ])('refuses %s with its Query error, storing nothing', async (_name, send, code, message) => {
    const outcome = send();
    await expect(outcome).rejects.toMatchObject({ name: code, $fault: 'client' });
    // This client release drops the message of the errors its model lists (InvalidMessageContents); the XML carries it.
    if (message) await expect(outcome).rejects.toThrow(message);
    expect(queues.messages(queueUrl)).toEqual([]);
  });

  it('answers an operation it does not emulate with InvalidAction, naming it', async () => {
    const outcome = queryClient.send(new query.CreateQueueCommand({ QueueName: 'new-queue' }));
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidAction', message: expect.stringMatching(/SQS operation CreateQueue is not emulated/) });
    expect(queues.list().map((q) => q.name)).toEqual(['DeadLetterQueue', 'OtherQueue']);
  });
});
