import { type QueryProtocol, type QueryShape, list, map, named, structure } from '../protocol/query';

/**
 * SQS's operations on the Query protocol (API version 2012-11-05), as its service model shapes them:
 * lists and maps are flattened under singular names (`AttributeName.1`, `MessageAttribute.1.Name`,
 * repeated `<Message>`, `<Attribute><Name/><Value/></Attribute>`, `<QueueUrl>`). A request may also be
 * posted to the queue's URL instead of naming it in `QueueUrl`. Only what the local backend emulates.
 */
const flat = (shape: QueryShape) => list(shape, { flattened: true });
const nameValueMap = (value: QueryShape) => map(value, { flattened: true, keyName: 'Name', valueName: 'Value' });

const messageAttributeValue = structure({
  StringValue: 'string',
  BinaryValue: 'blob',
  StringListValues: named('StringListValue', flat('string')),
  BinaryListValues: named('BinaryListValue', flat('blob')),
  DataType: 'string',
});

export const sqsQuery: QueryProtocol = {
  xmlns: 'http://queue.amazonaws.com/doc/2012-11-05/',
  version: '2012-11-05',
  shapes: {
    urlMember: 'QueueUrl',
    operations: {
      GetQueueUrl: {
        input: structure({ QueueName: 'string', QueueOwnerAWSAccountId: 'string' }),
        output: structure({ QueueUrl: 'string' }),
      },
      ListQueues: {
        input: structure({ QueueNamePrefix: 'string', NextToken: 'string', MaxResults: 'integer' }),
        output: structure({ QueueUrls: named('QueueUrl', flat('string')), NextToken: 'string' }),
      },
      SendMessage: {
        input: structure({
          QueueUrl: 'string',
          MessageBody: 'string',
          DelaySeconds: 'integer',
          MessageAttributes: named('MessageAttribute', nameValueMap(messageAttributeValue)),
          MessageSystemAttributes: named('MessageSystemAttribute', nameValueMap(messageAttributeValue)),
          MessageDeduplicationId: 'string',
          MessageGroupId: 'string',
        }),
        output: structure({
          MD5OfMessageBody: 'string',
          MD5OfMessageAttributes: 'string',
          MD5OfMessageSystemAttributes: 'string',
          MessageId: 'string',
          SequenceNumber: 'string',
        }),
      },
      ReceiveMessage: {
        input: structure({
          QueueUrl: 'string',
          AttributeNames: named('AttributeName', flat('string')),
          MessageSystemAttributeNames: named('MessageSystemAttributeName', flat('string')),
          MessageAttributeNames: named('MessageAttributeName', flat('string')),
          MaxNumberOfMessages: 'integer',
          VisibilityTimeout: 'integer',
          WaitTimeSeconds: 'integer',
          ReceiveRequestAttemptId: 'string',
        }),
        output: structure({
          Messages: named(
            'Message',
            flat(
              structure({
                MessageId: 'string',
                ReceiptHandle: 'string',
                MD5OfBody: 'string',
                Body: 'string',
                Attributes: named('Attribute', nameValueMap('string')),
                MD5OfMessageAttributes: 'string',
                MessageAttributes: named('MessageAttribute', nameValueMap(messageAttributeValue)),
              }),
            ),
          ),
        }),
      },
      DeleteMessage: {
        input: structure({ QueueUrl: 'string', ReceiptHandle: 'string' }),
      },
      GetQueueAttributes: {
        input: structure({ QueueUrl: 'string', AttributeNames: named('AttributeName', flat('string')) }),
        output: structure({ Attributes: named('Attribute', nameValueMap('string')) }),
      },
      PurgeQueue: {
        input: structure({ QueueUrl: 'string' }),
      },
    },
  },
};
