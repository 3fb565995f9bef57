import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CloudWatchService, createCloudWatchService } from '../../src/cloudwatch';
import { cloudWatchQuery } from '../../src/cloudwatch/query-shapes';
import { type EdgeServer, MAX_BODY_BYTES, createEdgeServer } from '../../src/edge/server';
import { AwsServiceError } from '../../src/protocol/aws-error';
import { type QueryProtocol, decodeQueryInput, encodeQueryError, encodeQueryResponse, parseQueryForm, structure } from '../../src/protocol/query';
import { QueueStore } from '../../src/sqs/queues';
import { sqsQuery } from '../../src/sqs/query-shapes';
import { SqsService } from '../../src/sqs/service';

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const decode = (protocol: QueryProtocol, action: string, params: Record<string, string>) =>
  decodeQueryInput(parseQueryForm(Buffer.from(form(params))), protocol.shapes.operations[action]!.input);

describe('Query codec: form in, the JSON protocol input object out', () => {
  it('decodes CloudWatch member lists, nested structures, numbers and ISO 8601 timestamps (as epoch seconds)', () => {
    const input = decode(cloudWatchQuery, 'PutMetricData', {
      Action: 'PutMetricData',
      Version: '2010-08-01',
      Namespace: 'Gamekeeper',
      'MetricData.member.1.MetricName': 'Score',
      'MetricData.member.1.Dimensions.member.1.Name': 'GameId',
      'MetricData.member.1.Dimensions.member.1.Value': 'space-hopper',
      'MetricData.member.1.Values.member.1': '100',
      'MetricData.member.1.Values.member.2': '2.5e2',
      'MetricData.member.1.Timestamp': '2026-11-25T10:00:05.500Z',
      'MetricData.member.2.MetricName': 'DurationMs',
      'MetricData.member.2.StatisticValues.SampleCount': '2',
      'MetricData.member.2.StatisticValues.Sum': '3000',
      'MetricData.member.2.StatisticValues.Minimum': '1000',
      'MetricData.member.2.StatisticValues.Maximum': '2000',
      'MetricData.member.2.Dimensions': '',
      'MetricData.member.2.Timestamp': '2026-11-25T11:00:05+01:00',
      Ignored: 'unknown parameters are ignored',
    });
    expect(input).toEqual({
      Namespace: 'Gamekeeper',
      MetricData: [
        { MetricName: 'Score', Dimensions: [{ Name: 'GameId', Value: 'space-hopper' }], Values: [100, 250], Timestamp: Date.parse('2026-11-25T10:00:05.500Z') / 1000 },
        { MetricName: 'DurationMs', StatisticValues: { SampleCount: 2, Sum: 3000, Minimum: 1000, Maximum: 2000 }, Dimensions: [], Timestamp: Date.parse('2026-11-25T10:00:05Z') / 1000 },
      ],
    });
  });

  it('orders list members by index, not by the order they were sent in', () => {
    const input = decode(cloudWatchQuery, 'GetMetricStatistics', { 'Statistics.member.10': 'Sum', 'Statistics.member.2': 'Maximum', 'Statistics.member.1': 'Minimum', Period: '60' });
    expect(input).toEqual({ Statistics: ['Minimum', 'Maximum', 'Sum'], Period: 60 });
  });

  it('decodes GetMetricData queries with booleans', () => {
    const input = decode(cloudWatchQuery, 'GetMetricData', {
      'MetricDataQueries.member.1.Id': 'q',
      'MetricDataQueries.member.1.ReturnData': 'false',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'N',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'M',
      'MetricDataQueries.member.1.MetricStat.Period': '300',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
      StartTime: '1795600800',
    });
    expect(input).toEqual({ MetricDataQueries: [{ Id: 'q', ReturnData: false, MetricStat: { Metric: { Namespace: 'N', MetricName: 'M' }, Period: 300, Stat: 'Sum' } }], StartTime: 1795600800 });
  });

  it('decodes SQS flattened lists and Name/Value maps', () => {
    expect(
      decode(sqsQuery, 'SendMessage', {
        QueueUrl: 'http://127.0.0.1/000000000000/q',
        MessageBody: 'a+b c&d=é',
        'MessageAttribute.1.Name': 'ERROR_CODE',
        'MessageAttribute.1.Value.StringValue': 'Lambda.ServiceException',
        'MessageAttribute.1.Value.DataType': 'String',
        'MessageAttribute.2.Name': 'Tags',
        'MessageAttribute.2.Value.StringListValue.1': 'x',
        'MessageAttribute.2.Value.DataType': 'String',
      }),
    ).toEqual({
      QueueUrl: 'http://127.0.0.1/000000000000/q',
      MessageBody: 'a+b c&d=é',
      MessageAttributes: { ERROR_CODE: { StringValue: 'Lambda.ServiceException', DataType: 'String' }, Tags: { StringListValues: ['x'], DataType: 'String' } },
    });
    expect(decode(sqsQuery, 'ReceiveMessage', { QueueUrl: 'q', 'AttributeName.1': 'All', 'MessageAttributeName.1': 'ERROR_CODE', 'MessageAttributeName.2': 'RULE_ARN', MaxNumberOfMessages: '10' })).toEqual({
      QueueUrl: 'q',
      AttributeNames: ['All'],
      MessageAttributeNames: ['ERROR_CODE', 'RULE_ARN'],
      MaxNumberOfMessages: 10,
    });
  });

  it.each([
    ['a malformed escape', 'Action=ListMetrics&Namespace=%E0%A4%A', 'MalformedQueryString', 404],
    ['invalid UTF-8', 'Action=ListMetrics&Namespace=%FF', 'MalformedQueryString', 404],
    ['a parameter without a name', 'Action=ListMetrics&=x', 'MalformedQueryString', 404],
    ['a repeated parameter', 'Action=ListMetrics&Namespace=a&Namespace=b', 'InvalidQueryParameter', 400],
  ])('refuses a form with %s', (_name, text, code, status) => {
    expect(() => parseQueryForm(Buffer.from(text))).toThrow(expect.objectContaining({ code, status }));
  });

  it.each([
    ['an empty key segment', { 'MetricData..member.1.MetricName': 'X' }, 'InvalidQueryParameter', /MetricData\.\.member/],
    ['a list index of 0', { 'MetricData.member.0.MetricName': 'X' }, 'InvalidQueryParameter', /MetricData\.member\.0 is malformed/],
    ['a list index that is not a number', { 'MetricData.member.first.MetricName': 'X' }, 'InvalidQueryParameter', /MetricData\.member\.first/],
    ['a value that is not a number', { 'MetricData.member.1.Value': 'lots' }, 'InvalidParameterValue', /Value lots for parameter MetricData\.member\.1\.Value is invalid/],
    ['a count that is not a number', { 'MetricData.member.1.Counts.member.1': '1x' }, 'InvalidParameterValue', /MetricData\.member\.1\.Counts\.member\.1/],
    ['a timestamp that is not one', { 'MetricData.member.1.Timestamp': 'yesterday' }, 'InvalidParameterValue', /ISO 8601/],
    ['a whole number that is not whole', { 'MetricData.member.1.StorageResolution': '1.5' }, 'InvalidParameterValue', /StorageResolution/],
  ])('refuses %s', (_name, params, code, message) => {
    expect(() => decode(cloudWatchQuery, 'PutMetricData', params)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('refuses a map entry without its key', () => {
    expect(() => decode(sqsQuery, 'SendMessage', { 'MessageAttribute.1.Value.StringValue': 'v' })).toThrow(expect.objectContaining({ code: 'MissingParameter', message: expect.stringMatching(/MessageAttribute\.1\.Name/) }));
  });
});

describe('Query codec: the backend output object out as XML', () => {
  it('writes CloudWatch member lists, ISO 8601 timestamps and ResponseMetadata', () => {
    const xml = encodeQueryResponse(cloudWatchQuery, 'GetMetricStatistics', { Label: 'Score', Datapoints: [{ Timestamp: 1795600800, Sum: 2.5, Unit: 'Count' }] }, 'req-1');
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<GetMetricStatisticsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricStatisticsResult><Label>Score</Label>' +
        '<Datapoints><member><Timestamp>2026-11-25T10:00:00Z</Timestamp><Sum>2.5</Sum><Unit>Count</Unit></member></Datapoints>' +
        '</GetMetricStatisticsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>',
    );
    expect(encodeQueryResponse(cloudWatchQuery, 'ListMetrics', { Metrics: [] }, 'r')).toContain('<ListMetricsResult><Metrics/></ListMetricsResult>');
  });

  it('writes no Result element for an operation without output', () => {
    expect(encodeQueryResponse(cloudWatchQuery, 'PutMetricData', {}, 'r')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutMetricDataResponse>',
    );
  });

  it('writes SQS flattened lists and maps, escaping text (a carriage return as a reference)', () => {
    const xml = encodeQueryResponse(
      sqsQuery,
      'ReceiveMessage',
      {
        Messages: [
          {
            MessageId: 'm-1',
            ReceiptHandle: 'h',
            MD5OfBody: 'x',
            Body: '<a & "b">\r\n',
            Attributes: { SentTimestamp: '1', ApproximateReceiveCount: '2' },
            MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'E' } },
            MD5OfMessageAttributes: 'y',
          },
        ],
      },
      'r',
    );
    expect(xml).toContain(
      '<ReceiveMessageResult><Message><MessageId>m-1</MessageId><ReceiptHandle>h</ReceiptHandle><MD5OfBody>x</MD5OfBody><Body>&lt;a &amp; &quot;b&quot;&gt;&#xD;\n</Body>' +
        '<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute><Attribute><Name>ApproximateReceiveCount</Name><Value>2</Value></Attribute>' +
        '<MD5OfMessageAttributes>y</MD5OfMessageAttributes>' +
        '<MessageAttribute><Name>ERROR_CODE</Name><Value><StringValue>E</StringValue><DataType>String</DataType></Value></MessageAttribute></Message></ReceiveMessageResult>',
    );
    expect(encodeQueryResponse(sqsQuery, 'ListQueues', { QueueUrls: ['u1', 'u2'] }, 'r')).toContain('<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ListQueuesResult>');
    expect(encodeQueryResponse(sqsQuery, 'ReceiveMessage', { Messages: [] }, 'r')).toContain('<ReceiveMessageResult/>');
  });

  it('writes errors as ErrorResponse with Type, Code (the Query code) and Message', () => {
    const error = new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist: <q>', { queryCode: 'AWS.SimpleQueueService.NonExistentQueue' });
    expect(encodeQueryError(error, sqsQuery.xmlns, 'r')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>' +
        '<Message>The specified queue does not exist: &lt;q&gt;</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    );
    expect(encodeQueryError(new AwsServiceError('InternalFailure', 'x', { status: 500 }), undefined, 'r')).toContain('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>');
  });
});

describe('Query protocol on the edge, with the real CloudWatch and SQS backends', () => {
  let server: EdgeServer;
  let port: number;
  let cloudWatch: CloudWatchService;
  let queues: QueueStore;
  const echoed: unknown[] = [];
  const queueUrl = () => `http://127.0.0.1:${port}/000000000000/DeadLetterQueue`;
  /** A third Query service (its own version), to show routing by Version and a service's own failure. */
  const echo: QueryProtocol = { xmlns: 'urn:echo', version: '2099-01-01', shapes: { operations: { PutMetricData: { input: structure({ Namespace: 'string' }), output: structure({ Namespace: 'string' }) }, Crash: { input: structure({}) } } } };

  beforeAll(async () => {
    cloudWatch = createCloudWatchService();
    queues = new QueueStore([{ name: 'DeadLetterQueue', arn: 'arn:aws:sqs:us-east-1:000000000000:DeadLetterQueue' }]);
    server = createEdgeServer({
      bodyTimeoutMs: 2_000,
      services: [
        { name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, query: cloudWatchQuery, backend: cloudWatch },
        { name: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0', queryCompatible: true, query: sqsQuery, backend: new SqsService({ queues, accountId: '000000000000', endpointUrl: () => `http://127.0.0.1:${port}` }) },
        {
          name: 'Echo',
          targetPrefix: 'Echo',
          jsonVersion: '1.1',
          query: echo,
          backend: {
            operations: ['PutMetricData', 'Crash'],
            handle: async (operation: string, input: unknown) => {
              if (operation === 'Crash') throw new Error('kaput');
              echoed.push(input);
              return input;
            },
          },
        },
      ],
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => queues.purge('DeadLetterQueue'));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function post(body: string | Buffer, options: { path?: string; contentType?: string; target?: string } = {}): Promise<{ status: number; xml: string; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8' };
      if (options.target) headers['x-amz-target'] = options.target;
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: options.path ?? '/', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, xml: Buffer.concat(chunks).toString(), headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const errorOf = (xml: string) => ({
    type: /<Type>(.*?)<\/Type>/.exec(xml)?.[1],
    code: /<Code>(.*?)<\/Code>/.exec(xml)?.[1],
    message: /<Message>(.*?)<\/Message>/.exec(xml)?.[1],
    xmlns: /<ErrorResponse(?: xmlns="(.*?)")?>/.exec(xml)?.[1],
  });

  it('answers in XML with the request id of its header, routed by Action', async () => {
    const res = await post(form({ Action: 'ListQueues', Version: '2012-11-05' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(res.xml).toContain(`<ListQueuesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ListQueuesResult><QueueUrl>${queueUrl()}</QueueUrl></ListQueuesResult>`);
    expect(res.xml).toContain(`<RequestId>${res.headers['x-amzn-requestid']}</RequestId>`);
  });

  it('takes the queue from the request path when the form does not name it (a request posted to the queue URL)', async () => {
    const res = await post(form({ Action: 'SendMessage', Version: '2012-11-05', MessageBody: 'posted to the queue' }), { path: '/000000000000/DeadLetterQueue' });
    expect(res.status).toBe(200);
    expect(queues.messages('DeadLetterQueue').map((m) => m.body)).toEqual(['posted to the queue']);
  });

  it('routes by Version between services that share an action name', async () => {
    const res = await post(form({ Action: 'PutMetricData', Version: '2099-01-01', Namespace: 'to echo' }));
    expect(res.xml).toContain('<PutMetricDataResponse xmlns="urn:echo"><PutMetricDataResult><Namespace>to echo</Namespace></PutMetricDataResult>');
    expect(echoed).toEqual([{ Namespace: 'to echo' }]);
    expect(cloudWatch.allDatapoints()).toEqual([]);
  });

  it('leaves JSON-protocol requests to the JSON protocol', async () => {
    const res = await post('{}', { target: 'AmazonSQS.ListQueues', contentType: 'application/x-amz-json-1.0' });
    expect(JSON.parse(res.xml)).toEqual({ QueueUrls: [queueUrl()] });
  });

  it.each([
    ['an unknown Action', form({ Action: 'FlyToTheMoon' }), 400, { type: 'Sender', code: 'InvalidAction', message: 'The action FlyToTheMoon is not valid for this endpoint: it is not emulated locally.', xmlns: undefined }],
    ['an Action of a known service it does not emulate', form({ Action: 'CreateQueue', Version: '2012-11-05', QueueName: 'x' }), 400, { type: 'Sender', code: 'InvalidAction', message: 'SQS operation CreateQueue is not emulated by the local endpoint', xmlns: sqsQuery.xmlns }],
    ['a known Action under another version', form({ Action: 'ListQueues', Version: '2010-08-01' }), 400, { type: 'Sender', code: 'InvalidAction', message: 'CloudWatch operation ListQueues is not emulated by the local endpoint', xmlns: cloudWatchQuery.xmlns }],
    ['an unknown Version', form({ Action: 'ListQueues', Version: '1999-01-01' }), 400, { type: 'Sender', code: 'InvalidAction', message: 'The action ListQueues for version 1999-01-01 is not valid for this endpoint: it is not emulated locally.', xmlns: undefined }],
    ['no Action', form({ Namespace: 'Gamekeeper' }), 400, { type: 'Sender', code: 'MissingAction', message: 'The request must contain the parameter Action.', xmlns: undefined }],
    ['a malformed form body', 'Action=PutMetricData&Namespace=G&MetricData.member.1.MetricName=%ZZ', 404, { type: 'Sender', code: 'MalformedQueryString' }],
    ['a form body that is not UTF-8', Buffer.from([...Buffer.from('Action=PutMetricData&Namespace=G&MetricData.member.1.MetricName='), 0xff, 0xfe]), 404, { type: 'Sender', code: 'MalformedQueryString' }],
    ['a form body that is not UTF-8 (percent-encoded)', 'Action=PutMetricData&Namespace=G&MetricData.member.1.MetricName=%C3%28&MetricData.member.1.Value=1', 404, { type: 'Sender', code: 'MalformedQueryString' }],
    ['a binary body', Buffer.from([0, 1, 2, 0x80, 0xff]), 404, { type: 'Sender', code: 'MalformedQueryString' }],
    ['a malformed list index', form({ Action: 'PutMetricData', Namespace: 'G', 'MetricData.member.x.MetricName': 'M', 'MetricData.member.x.Value': '1' }), 400, { code: 'InvalidQueryParameter', xmlns: cloudWatchQuery.xmlns }],
    ['a value that is not a number', form({ Action: 'PutMetricData', Namespace: 'G', 'MetricData.member.1.MetricName': 'M', 'MetricData.member.1.Value': 'NaNaNa' }), 400, { code: 'InvalidParameterValue', message: 'Value NaNaNa for parameter MetricData.member.1.Value is invalid. Reason: must be a number.' }],
    ['a missing namespace', form({ Action: 'PutMetricData', 'MetricData.member.1.MetricName': 'M', 'MetricData.member.1.Value': '1' }), 400, { code: 'MissingParameter', message: 'The parameter Namespace is required.' }],
    ['missing metric data', form({ Action: 'PutMetricData', Namespace: 'G' }), 400, { code: 'MissingParameter', message: 'The parameter MetricData is required.' }],
    ['an empty list of metric data', form({ Action: 'PutMetricData', Namespace: 'G', MetricData: '' }), 400, { code: 'MissingParameter' }],
    ['one bad datum among good ones', form({ Action: 'PutMetricData', Namespace: 'G', 'MetricData.member.1.MetricName': 'M', 'MetricData.member.1.Value': '1', 'MetricData.member.2.MetricName': 'M', 'MetricData.member.2.Value': 'NaN' }), 400, { code: 'InvalidParameterValue' }],
    ['a message without a queue', form({ Action: 'SendMessage', MessageBody: 'x' }), 400, { code: 'MissingParameter', message: 'The request must contain the parameter QueueUrl.', xmlns: sqsQuery.xmlns }],
    ['a message without a body', form({ Action: 'SendMessage', QueueUrl: 'DeadLetterQueue' }), 400, { code: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' }],
    ['a message with an attribute without a name', form({ Action: 'SendMessage', QueueUrl: 'DeadLetterQueue', MessageBody: 'x', 'MessageAttribute.1.Value.StringValue': 'v', 'MessageAttribute.1.Value.DataType': 'String' }), 400, { code: 'MissingParameter' }],
    ['a message with a character SQS refuses', form({ Action: 'SendMessage', QueueUrl: 'DeadLetterQueue', MessageBody: 'bell \u0007' }), 400, { code: 'InvalidMessageContents', message: expect.stringMatching(/^Invalid binary character '#x7' was found in the message body/) }],
    ['a message to a queue that does not exist', form({ Action: 'SendMessage', QueueUrl: 'http://h/000000000000/Nope', MessageBody: 'x' }), 400, { code: 'AWS.SimpleQueueService.NonExistentQueue', message: 'The specified queue does not exist: http://h/000000000000/Nope' }],
    ['a service failure', form({ Action: 'Crash', Version: '2099-01-01' }), 500, { type: 'Receiver', code: 'InternalFailure', message: 'Internal error: kaput', xmlns: 'urn:echo' }],
  ])('refuses %s with AWS XML error, storing nothing', async (_name, body, status, expected) => {
    const echoedBefore = echoed.length;
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(errorOf(res.xml)).toMatchObject(expected);
    expect(res.xml).toMatch(/<\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    expect(cloudWatch.allDatapoints()).toEqual([]);
    expect(queues.messages('DeadLetterQueue')).toEqual([]);
    expect(echoed).toHaveLength(echoedBefore);
  });

  it('refuses an oversized request with 413 in XML and closes the connection, storing nothing', async () => {
    const body = `Action=SendMessage&Version=2012-11-05&QueueUrl=DeadLetterQueue&MessageBody=${'x'.repeat(MAX_BODY_BYTES)}`;
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(errorOf(res.xml)).toMatchObject({ type: 'Sender', code: 'RequestEntityTooLarge' });
    expect(queues.messages('DeadLetterQueue')).toEqual([]);
  });

  it('stores nothing from a request refused after a good part was read', async () => {
    // The first datum is fine, the second is not: PutMetricData is all or nothing.
    await post(form({ Action: 'PutMetricData', Namespace: 'G', 'MetricData.member.1.MetricName': 'M', 'MetricData.member.1.Value': '1', 'MetricData.member.2.Value': '1' }));
    expect(cloudWatch.allDatapoints()).toEqual([]);
  });
});
