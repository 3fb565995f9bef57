import type { AddressInfo } from 'node:net';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudWatchService } from '../../src/cloudwatch';
import { createEdgeServer } from '../../src/edge/server';

let client: CloudWatchClient;
let close: () => Promise<void>;
const t0 = new Date('2026-11-25T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const game = [{ Name: 'GameId', Value: 'space-hopper' }];

beforeAll(async () => {
  const server = createEdgeServer({ services: [{ name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, backend: createCloudWatchService() }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new CloudWatchClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  close = () => new Promise((resolve) => server.close(() => resolve()));
  await client.send(
    new PutMetricDataCommand({
      Namespace: 'Gamekeeper',
      MetricData: [
        { MetricName: 'LevelCompleted', Dimensions: game, Value: 1, Unit: 'Count', Timestamp: at(5) },
        { MetricName: 'LevelCompleted', Dimensions: game, Value: 1, Unit: 'Count', Timestamp: at(65) },
        { MetricName: 'Score', Dimensions: game, Values: [100, 300], Counts: [1, 1], Unit: 'None', Timestamp: at(10) },
        { MetricName: 'Score', Dimensions: [...game, { Name: 'Level', Value: '3' }], Value: 999, Timestamp: at(10) },
        { MetricName: 'DurationMs', Dimensions: game, StatisticValues: { SampleCount: 2, Sum: 3000, Minimum: 1000, Maximum: 2000 }, Unit: 'Milliseconds', Timestamp: at(20) },
      ],
    }),
  );
  await client.send(new PutMetricDataCommand({ Namespace: 'Other', MetricData: [{ MetricName: 'X', Value: 5 }] }));
});
afterAll(async () => {
  client.destroy();
  await close();
});

describe('local CloudWatch through the real CloudWatch client', () => {
  it('lists metrics by namespace, name and dimension filter', async () => {
    const all = await client.send(new ListMetricsCommand({ Namespace: 'Gamekeeper' }));
    expect(all.Metrics).toHaveLength(4);
    const levels = await client.send(new ListMetricsCommand({ Namespace: 'Gamekeeper', Dimensions: [{ Name: 'Level' }] }));
    expect(levels.Metrics).toEqual([{ Namespace: 'Gamekeeper', MetricName: 'Score', Dimensions: [...game, { Name: 'Level', Value: '3' }] }]);
  });

  it('computes statistics per period, matching dimensions exactly', async () => {
    const result = await client.send(
      new GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'LevelCompleted', Dimensions: game, StartTime: t0, EndTime: at(120), Period: 60, Statistics: ['Sum', 'SampleCount'] }),
    );
    const points = [...(result.Datapoints ?? [])].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(points.map((p) => [p.Timestamp?.toISOString(), p.Sum, p.SampleCount, p.Unit])).toEqual([
      ['2026-11-25T10:00:00.000Z', 1, 1, 'Count'],
      ['2026-11-25T10:01:00.000Z', 1, 1, 'Count'],
    ]);
    const score = await client.send(new GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'Score', Dimensions: game, StartTime: t0, EndTime: at(120), Period: 120, Statistics: ['Average', 'Maximum', 'Minimum'] }));
    expect(score.Datapoints).toEqual([expect.objectContaining({ Average: 200, Maximum: 300, Minimum: 100 })]);
  });

  it('keeps statistic sets as sent', async () => {
    const result = await client.send(new GetMetricStatisticsCommand({ Namespace: 'Gamekeeper', MetricName: 'DurationMs', Dimensions: game, StartTime: t0, EndTime: at(60), Period: 60, Statistics: ['Average', 'SampleCount'] }));
    expect(result.Datapoints).toEqual([expect.objectContaining({ Average: 1500, SampleCount: 2, Unit: 'Milliseconds' })]);
  });

  it('answers GetMetricData metric-stat queries', async () => {
    const result = await client.send(
      new GetMetricDataCommand({
        StartTime: t0,
        EndTime: at(120),
        MetricDataQueries: [{ Id: 'completions', MetricStat: { Metric: { Namespace: 'Gamekeeper', MetricName: 'LevelCompleted', Dimensions: game }, Period: 120, Stat: 'Sum' } }],
      }),
    );
    expect(result.MetricDataResults).toEqual([expect.objectContaining({ Id: 'completions', Values: [2], StatusCode: 'Complete' })]);
  });

  it.each([
    ['a reserved AWS/ namespace', { Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'X', Value: 1 }] }, /reserved/],
    ['a non-finite value', { Namespace: 'Gamekeeper', MetricData: [{ MetricName: 'X', Value: Number.NaN }] }, /MetricData\.member\.1\.Value is invalid/],
    ['too many dimensions', { Namespace: 'Gamekeeper', MetricData: [{ MetricName: 'X', Value: 1, Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) }] }, /must not have a size greater than 30/],
  ])('rejects %s with InvalidParameterValueException', async (_name, input, message) => {
    const outcome = client.send(new PutMetricDataCommand(input));
    await expect(outcome).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(outcome).rejects.toThrow(message);
  });
});
