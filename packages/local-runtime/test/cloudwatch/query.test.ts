import type { AddressInfo } from 'node:net';
import * as json from '@aws-sdk/client-cloudwatch';
import * as query from 'cloudwatch-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudWatchService, createCloudWatchService } from '../../src/cloudwatch';
import { cloudWatchQuery } from '../../src/cloudwatch/query-shapes';
import { createEdgeServer } from '../../src/edge/server';

/**
 * CloudWatch on the Query protocol, through a real client that still speaks it (@aws-sdk/client-cloudwatch
 * 3.699.0, installed as `cloudwatch-query`): form-encoded requests, XML replies. Every answer is compared
 * with what the current (JSON) client gets from the same endpoint.
 */
let queryClient: query.CloudWatchClient;
let jsonClient: json.CloudWatchClient;
let backend: CloudWatchService;
let close: () => Promise<void>;
const t0 = new Date('2026-11-25T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const game = [{ Name: 'GameId', Value: 'space-hopper' }];
const metricData = [
  { MetricName: 'LevelCompleted', Dimensions: game, Value: 1, Unit: 'Count' as const, Timestamp: at(5) },
  { MetricName: 'LevelCompleted', Dimensions: game, Value: 1, Unit: 'Count' as const, Timestamp: at(65) },
  { MetricName: 'Score', Dimensions: game, Values: [100, 300], Counts: [1, 1], Unit: 'None' as const, Timestamp: at(10) },
  { MetricName: 'Score', Dimensions: [...game, { Name: 'Level', Value: '3' }], Value: 999, Timestamp: at(10) },
  { MetricName: 'DurationMs', Dimensions: game, StatisticValues: { SampleCount: 2, Sum: 3000, Minimum: 1000, Maximum: 2000 }, Unit: 'Milliseconds' as const, Timestamp: at(20), StorageResolution: 60 },
];
/** A reply without its `$metadata` (request ids differ between calls). */
const body = <T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T) => rest;

beforeAll(async () => {
  backend = createCloudWatchService();
  const server = createEdgeServer({
    services: [{ name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, query: cloudWatchQuery, backend }],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  queryClient = new query.CloudWatchClient(config);
  jsonClient = new json.CloudWatchClient(config);
  close = () => new Promise((resolve) => server.close(() => resolve()));
  await queryClient.send(new query.PutMetricDataCommand({ Namespace: 'Gamekeeper', MetricData: metricData }));
  await queryClient.send(new query.PutMetricDataCommand({ Namespace: 'Other', MetricData: [{ MetricName: 'X', Value: 5 }] }));
});
afterAll(async () => {
  queryClient.destroy();
  jsonClient.destroy();
  await close();
});

describe('local CloudWatch through a Query-protocol client', () => {
  it('stores what PutMetricData sent exactly as the same data sent by the JSON client', async () => {
    const fromQuery = backend.allDatapoints().filter((d) => d.namespace === 'Gamekeeper');
    expect(fromQuery).toHaveLength(6);
    expect(fromQuery[5]).toMatchObject({ metricName: 'DurationMs', sampleCount: 2, sum: 3000, minimum: 1000, maximum: 2000, unit: 'Milliseconds', timestamp: at(20).getTime() });
    await jsonClient.send(new json.PutMetricDataCommand({ Namespace: 'GamekeeperJson', MetricData: metricData }));
    const fromJson = backend.allDatapoints().filter((d) => d.namespace === 'GamekeeperJson');
    expect(fromQuery).toEqual(fromJson.map((d) => ({ ...d, namespace: 'Gamekeeper' })));
  });

  it('lists metrics by namespace, name and dimension filter, the same as the JSON client', async () => {
    const all = await queryClient.send(new query.ListMetricsCommand({ Namespace: 'Gamekeeper' }));
    expect(all.Metrics).toHaveLength(4);
    expect(body(all)).toEqual(body(await jsonClient.send(new json.ListMetricsCommand({ Namespace: 'Gamekeeper' }))));
    const levels = await queryClient.send(new query.ListMetricsCommand({ Namespace: 'Gamekeeper', Dimensions: [{ Name: 'Level' }] }));
    expect(levels.Metrics).toEqual([{ Namespace: 'Gamekeeper', MetricName: 'Score', Dimensions: [...game, { Name: 'Level', Value: '3' }] }]);
    const none = await queryClient.send(new query.ListMetricsCommand({ Namespace: 'Nothing' }));
    expect(none.Metrics).toEqual([]);
  });

  it('computes statistics per period, matching dimensions exactly, the same as the JSON client', async () => {
    const input = { Namespace: 'Gamekeeper', MetricName: 'LevelCompleted', Dimensions: game, StartTime: t0, EndTime: at(120), Period: 60, Statistics: ['Sum' as const, 'SampleCount' as const] };
    const result = await queryClient.send(new query.GetMetricStatisticsCommand(input));
    const points = [...(result.Datapoints ?? [])].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(points.map((p) => [p.Timestamp?.toISOString(), p.Sum, p.SampleCount, p.Unit])).toEqual([
      ['2026-11-25T10:00:00.000Z', 1, 1, 'Count'],
      ['2026-11-25T10:01:00.000Z', 1, 1, 'Count'],
    ]);
    expect(body(result)).toEqual(body(await jsonClient.send(new json.GetMetricStatisticsCommand(input))));
    const score = await queryClient.send(new query.GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'Score', Dimensions: game, StartTime: t0, EndTime: at(120), Period: 120, Statistics: ['Average', 'Maximum', 'Minimum'] }));
    expect(score).toMatchObject({ Label: 'Score', Datapoints: [expect.objectContaining({ Average: 200, Maximum: 300, Minimum: 100 })] });
    const durations = await queryClient.send(new query.GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'DurationMs', Dimensions: game, StartTime: t0, EndTime: at(60), Period: 60, Statistics: ['Average', 'SampleCount'] }));
    expect(durations.Datapoints).toEqual([expect.objectContaining({ Average: 1500, SampleCount: 2, Unit: 'Milliseconds' })]);
  });

  it('answers GetMetricData metric-stat queries, the same as the JSON client', async () => {
    const input = {
      StartTime: t0,
      EndTime: at(120),
      MetricDataQueries: [
        { Id: 'completions', MetricStat: { Metric: { Namespace: 'Gamekeeper', MetricName: 'LevelCompleted', Dimensions: game }, Period: 60, Stat: 'Sum' } },
        { Id: 'hidden', MetricStat: { Metric: { Namespace: 'Other', MetricName: 'X' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
      ],
    };
    const result = await queryClient.send(new query.GetMetricDataCommand(input));
    expect(result.MetricDataResults).toEqual([
      { Id: 'completions', Label: 'LevelCompleted', Timestamps: [at(60), t0], Values: [1, 1], StatusCode: 'Complete' },
    ]);
    expect(body(result)).toEqual(body(await jsonClient.send(new json.GetMetricDataCommand(input))));
  });

  it.each([
    ['a reserved AWS/ namespace', { Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'X', Value: 1 }] }, query.InvalidParameterValueException, /reserved/],
    ['a non-finite value', { Namespace: 'Gamekeeper', MetricData: [{ MetricName: 'X', Value: Number.NaN }] }, query.InvalidParameterValueException, /MetricData\.member\.1\.Value is invalid/],
    ['too many dimensions', { Namespace: 'Gamekeeper', MetricData: [{ MetricName: 'X', Value: 1, Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) }] }, query.InvalidParameterValueException, /must not have a size greater than 30/],
    ['no metric data', { Namespace: 'Gamekeeper', MetricData: [] }, query.MissingRequiredParameterException, /MetricData is required/],
    ['a datum without a name', { Namespace: 'Gamekeeper', MetricData: [{ Value: 1 }, { MetricName: 'Y', Value: 2 }] }, query.MissingRequiredParameterException, /MetricData\.member\.1\.MetricName is required/],
  ])('refuses %s with the Query error code the client maps to its exception, storing nothing', async (_name, input, type, message) => {
    const before = backend.allDatapoints().length;
    const outcome = queryClient.send(new query.PutMetricDataCommand(input as query.PutMetricDataInput));
    await expect(outcome).rejects.toBeInstanceOf(type);
    await expect(outcome).rejects.toThrow(message);
    await expect(outcome).rejects.toMatchObject({ $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(backend.allDatapoints()).toHaveLength(before);
  });

  it('refuses GetMetricStatistics without its required parameters', async () => {
    await expect(queryClient.send(new query.GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'X', Period: 60, Statistics: ['Sum'] } as query.GetMetricStatisticsInput))).rejects.toThrow(/StartTime is required/);
    await expect(queryClient.send(new query.GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'X', StartTime: t0, EndTime: at(60), Period: 60 }))).rejects.toBeInstanceOf(query.MissingRequiredParameterException);
  });

  it('answers an operation it does not emulate with InvalidAction, naming it', async () => {
    const outcome = queryClient.send(new query.DescribeAlarmsCommand({}));
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidAction', message: expect.stringMatching(/CloudWatch operation DescribeAlarms is not emulated/) });
  });
});
