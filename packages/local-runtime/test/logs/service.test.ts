import {
  CloudWatchLogsServiceException,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
  GetLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceNotFoundException,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../lambda/fixtures/local-stack';

let stack: LocalStack;
const group = 'LevelStoreLogs';
const requestIds: string[] = [];

async function invoke(functionName: string, event: unknown): Promise<{ requestId: string; logStream: string }> {
  const result = await stack.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  const answer = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'));
  return { requestId: answer.requestId ?? answer.echo?.requestId, logStream: answer.logStream };
}

/** Every page of FilterLogEvents, following nextToken as `aws logs filter-log-events` does. */
async function filterAll(input: FilterLogEventsCommandInput): Promise<FilteredLogEvent[]> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.logs.send(new FilterLogEventsCommand({ ...input, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

beforeAll(async () => {
  stack = await startLocalStack();
  for (const event of [{ n: 1 }, { n: 2, level: 'ERROR' }, { n: 3, latency: 7 }, { n: 4, level: 'WARN', latency: 2 }]) {
    requestIds.push((await invoke('LevelStoreFunction', event)).requestId);
  }
  await invoke('ReportFunction', { n: 5 });
});
afterAll(async () => {
  await stack.close();
});

describe('DescribeLogGroups through the real CloudWatch Logs client', () => {
  it("lists the template's log groups, each function's and the state machine's, by name", async () => {
    const result = await stack.logs.send(new DescribeLogGroupsCommand({}));
    expect(result.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      ['/aws/lambda/ReportFunction', undefined],
      ['HousekeepingLogs', 30],
      ['LevelStoreLogs', 30],
    ]);
    expect(result.logGroups?.[2]).toMatchObject({
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:LevelStoreLogs:*',
      logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:LevelStoreLogs',
      logGroupClass: 'STANDARD',
      metricFilterCount: 0,
    });
  });

  it('filters by prefix or pattern, and pages with nextToken', async () => {
    expect((await stack.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }))).logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/ReportFunction']);
    expect((await stack.logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'Logs' }))).logGroups?.map((g) => g.logGroupName)).toEqual(['HousekeepingLogs', 'LevelStoreLogs']);
    const pages = [];
    for await (const page of paginateDescribeLogGroups({ client: stack.logs, pageSize: 2 }, {})) pages.push(page.logGroups?.map((g) => g.logGroupName));
    expect(pages).toEqual([['/aws/lambda/ReportFunction', 'HousekeepingLogs'], ['LevelStoreLogs']]);
  });

  it('refuses a prefix together with a pattern', async () => {
    await expect(stack.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'a', logGroupNamePattern: 'b' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('log streams and events of a function', () => {
  it('has one stream per execution environment, named as Lambda names it', async () => {
    const { logStream } = await invoke('LevelStoreFunction', { n: 6 });
    const result = await stack.logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true }));
    expect(result.logStreams?.length).toBeGreaterThanOrEqual(1);
    for (const stream of result.logStreams ?? []) expect(stream.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(result.logStreams?.[0]).toMatchObject({ logStreamName: logStream, arn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:log-stream:${logStream}` });
    expect(result.logStreams?.[0]?.lastEventTimestamp).toBeGreaterThanOrEqual(result.logStreams?.[0]?.firstEventTimestamp ?? Infinity);
  });

  it('keeps the init output and every invocation framed by START, END and REPORT', async () => {
    // Prepare
    const { requestId, logStream } = await invoke('ReportFunction', { n: 7 });

    // Act
    const result = await stack.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/ReportFunction', logStreamName: logStream, startFromHead: true }));

    // Assess
    const messages = (result.events ?? []).map((e) => e.message!);
    expect(messages[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\tundefined\tINFO\tcold start of ReportFunction\n$/);
    const start = messages.indexOf(`START RequestId: ${requestId} Version: $LATEST\n`);
    expect(start).toBeGreaterThan(0);
    expect(messages[start + 1]).toContain(`\t${requestId}\tINFO\thandling {"n":7}`);
    expect(JSON.parse(messages[start + 2]!)).toMatchObject({ message: 'structured', service: 'report' });
    expect(messages[start + 3]).toBe(`END RequestId: ${requestId}\n`);
    expect(messages[start + 4]).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t`));
    for (const e of result.events ?? []) expect(e.ingestionTime).toBeGreaterThanOrEqual(e.timestamp!);
  });

  it('pages GetLogEvents forward until the token comes back unchanged, as the SDKs stop', async () => {
    const streams = (await stack.logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    for (const stream of streams) {
      const all = await stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream.logStreamName, startFromHead: true }));
      const paged: string[] = [];
      let token: string | undefined;
      for (;;) {
        const page = await stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream.logStreamName, startFromHead: true, limit: 3, ...(token ? { nextToken: token } : {}) }));
        paged.push(...(page.events ?? []).map((e) => e.message!));
        if (page.nextForwardToken === token) break;
        token = page.nextForwardToken;
      }
      expect(paged).toEqual((all.events ?? []).map((e) => e.message));
      expect(token).toMatch(/^f\/\d{56}\/s$/);
    }
  });

  it('answers the newest events first by default, and pages backward', async () => {
    const [stream] = (await stack.logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true }))).logStreams ?? [];
    const newest = await stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream!.logStreamName, limit: 2 }));
    expect(newest.events?.map((e) => e.message?.split(' ')[0])).toEqual(['END', 'REPORT']);
    const before = await stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream!.logStreamName, limit: 2, nextToken: newest.nextBackwardToken }));
    expect(before.events).toHaveLength(2);
    expect(before.events?.[1]?.message).toContain('"message":"structured"');
  });
});

describe('FilterLogEvents through the real CloudWatch Logs client', () => {
  it.each([
    ['a plain term', 'structured', 5],
    ['a quoted phrase', `"START RequestId: ${'%REQ%'}"`, 1],
    ['terms with exclusions', 'RequestId -START -END', 5],
    // Each of those two invocations logs its event (console) and its level (JSON): 2 lines each.
    ['any of several terms', '?ERROR ?WARN', 4],
    ['a JSON equality', '{ $.level = "ERROR" }', 1],
    ['a JSON comparison', '{ $.latency > 3 }', 1],
    ['JSON conditions joined with ||', '{ $.level = "ERROR" || $.latency > 3 }', 2],
    ['JSON conditions joined with &&', '{ $.level = "WARN" && $.latency > 1 }', 1],
  ])('matches %s', async (_what, pattern, count) => {
    const events = await filterAll({ logGroupName: group, filterPattern: pattern.replace('%REQ%', requestIds[0]!) });
    expect(events).toHaveLength(count);
  });

  it('interleaves the streams by time and pages with nextToken, each event once', async () => {
    const all = await filterAll({ logGroupName: group });
    const paged = await filterAll({ logGroupName: group, limit: 4 });
    expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    const times = all.map((e) => e.timestamp!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(all.every((e) => e.logStreamName && e.ingestionTime)).toBe(true);
  });

  it('follows new events as `aws logs tail --follow` does (startTime from the newest, repeats skipped by eventId)', async () => {
    // Prepare: what tail has printed so far.
    const seen = new Map<number, Set<string>>();
    const printed: string[] = [];
    const poll = async (startTime: number) => {
      for (const e of await filterAll({ logGroupName: group, startTime })) {
        const ids = seen.get(e.timestamp!) ?? new Set<string>();
        if (ids.has(e.eventId!)) continue;
        ids.add(e.eventId!);
        seen.set(e.timestamp!, ids);
        printed.push(e.message!);
      }
    };
    await poll(0);
    const before = printed.length;

    // Act
    const { requestId } = await invoke('LevelStoreFunction', { n: 'followed' });
    await poll(Math.max(...seen.keys()));

    // Assess
    const fresh = printed.slice(before);
    expect(fresh[0]).toBe(`START RequestId: ${requestId} Version: $LATEST\n`);
    expect(fresh.filter((m) => m.startsWith('REPORT'))).toHaveLength(1);
  });

  it('narrows by stream names, stream prefix and time', async () => {
    const [stream] = (await stack.logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    const inStream = await filterAll({ logGroupName: group, logStreamNames: [stream!.logStreamName!] });
    expect(inStream.every((e) => e.logStreamName === stream!.logStreamName)).toBe(true);
    expect(await filterAll({ logGroupName: group, logStreamNamePrefix: 'nope' })).toEqual([]);
    expect(await filterAll({ logGroupName: group, startTime: Date.now() + 60_000 })).toEqual([]);
    const byArn = await filterAll({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${group}`, filterPattern: 'structured' });
    expect(byArn.length).toBeGreaterThan(0);
  });
});

describe('CloudWatch Logs refuses hostile input as AWS does, changing nothing', () => {
  const stored = () => stack.store.listGroups().map((g) => g.events.length);

  it.each([
    ['an unclosed JSON pattern', '{ $.level = "ERROR"', "If a filter pattern starts with '{' it must end with '}'"],
    ['a term that needs quotes', 'player@example.com', "Invalid character(s) in term 'player@example.com'"],
    ['a comparison with no value', '{ $.latency > }', 'Invalid filter pattern'],
  ])('answers %s with InvalidParameterException', async (_what, filterPattern, message) => {
    const before = stored();
    const outcome = stack.logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern }));
    await expect(outcome).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(outcome).rejects.toMatchObject({ message, $metadata: { httpStatusCode: 400 } });
    expect(stored()).toEqual(before);
  });

  it('answers a log group or stream that does not exist with ResourceNotFoundException', async () => {
    await expect(stack.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/Nope' }))).rejects.toThrow(ResourceNotFoundException);
    await expect(stack.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/Nope' }))).rejects.toThrow('The specified log group does not exist.');
    await expect(stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'nope' }))).rejects.toThrow('The specified log stream does not exist.');
  });

  it('answers a forged paging token and an out-of-range limit with InvalidParameterException', async () => {
    await expect(stack.logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: 'forged' }))).rejects.toBeInstanceOf(InvalidParameterException);
    const [stream] = (await stack.logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    await expect(stack.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream!.logStreamName, nextToken: 'f/1' }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(stack.logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 10_001 }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('answers an operation it does not emulate, naming it', async () => {
    const outcome = stack.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'x', logEvents: [{ timestamp: Date.now(), message: 'forged' }] }));
    await expect(outcome).rejects.toBeInstanceOf(CloudWatchLogsServiceException);
    await expect(outcome).rejects.toMatchObject({ name: 'UnknownOperationException', message: expect.stringContaining('PutLogEvents') });
    expect(stack.store.group(group)!.streams.has('x')).toBe(false);
  });
});
