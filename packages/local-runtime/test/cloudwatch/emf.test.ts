import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as json from '@aws-sdk/client-cloudwatch';
import * as query from 'cloudwatch-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudWatchService, EMF_LIMITS, createCloudWatchService, extractEmf } from '../../src/cloudwatch';
import { cloudWatchQuery } from '../../src/cloudwatch/query-shapes';
import { createEdgeServer } from '../../src/edge/server';

const t0 = Date.parse('2026-11-25T10:00:00Z');
/** A valid EMF document (as Powertools Metrics writes one), with `patch` applied to its root. */
const doc = (patch: Record<string, unknown> = {}, directive: Record<string, unknown> = {}) => ({
  _aws: {
    Timestamp: t0 + 5_000,
    CloudWatchMetrics: [{ Namespace: 'Gamekeeper', Dimensions: [['GameId'], ['GameId', 'Level']], Metrics: [{ Name: 'LevelCompleted', Unit: 'Count' }, { Name: 'Score' }], ...directive }],
  },
  GameId: 'space-hopper',
  Level: '3',
  LevelCompleted: 1,
  Score: 12500,
  eventId: 'e-1',
  ...patch,
});
const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const reasonOf = (message: string) => {
  const x = extractEmf(message);
  return x.kind === 'invalid' ? x.reason : x.kind;
};
const keys = (n: number, prefix = 'D') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('extractEmf: what CloudWatch Logs extracts from a log event', () => {
  it('publishes every metric once per dimension set, the values at top level, the timestamp from _aws', () => {
    // Act
    const x = extractEmf(line(doc()));
    // Assess
    expect(x.kind).toBe('metrics');
    const points = x.kind === 'metrics' ? x.datapoints : [];
    expect(points.map((p) => `${p.namespace} ${p.metricName} ${p.dimensions.map((d) => `${d.Name}=${d.Value}`).join(',')} ${p.sum} ${p.unit}`)).toEqual([
      'Gamekeeper LevelCompleted GameId=space-hopper 1 Count',
      'Gamekeeper Score GameId=space-hopper 12500 None',
      'Gamekeeper LevelCompleted GameId=space-hopper,Level=3 1 Count',
      'Gamekeeper Score GameId=space-hopper,Level=3 12500 None',
    ]);
    expect(points.every((p) => p.timestamp === t0 + 5_000 && p.sampleCount === 1 && p.minimum === p.maximum)).toBe(true);
  });

  it('reads an array of values as one datapoint each, and an empty dimension set as no dimensions', () => {
    const x = extractEmf(line(doc({ Score: [100, 300, 200] }, { Dimensions: [[]], Metrics: [{ Name: 'Score', Unit: 'None', StorageResolution: 1 }] })));
    expect(x.kind === 'metrics' && x.datapoints.map((p) => [p.metricName, p.dimensions, p.sum])).toEqual([
      ['Score', [], 100],
      ['Score', [], 300],
      ['Score', [], 200],
    ]);
  });

  it('reads every directive of a document, each with its namespace', () => {
    const x = extractEmf(line(doc({}, {})));
    const two = doc();
    two._aws.CloudWatchMetrics.push({ Namespace: 'Other', Dimensions: [[]], Metrics: [{ Name: 'Score', Unit: 'None' }] });
    const y = extractEmf(line(two));
    expect(x.kind === 'metrics' && y.kind === 'metrics' && y.datapoints.length - x.datapoints.length).toBe(1);
    expect(y.kind === 'metrics' && y.datapoints.at(-1)).toMatchObject({ namespace: 'Other', metricName: 'Score', dimensions: [] });
  });

  it('reads a document after the Lambda runtime’s console prefix (time, request id, level)', () => {
    const x = extractEmf(`2026-11-25T10:00:05.000Z\tb7c4d6c2-1f7e-4d5c-9e0a-3b2f1c0d9e8a\tINFO\t${line(doc())}`);
    expect(x.kind === 'metrics' && x.datapoints).toHaveLength(4);
  });

  it.each([
    ['a plain text line', 'START RequestId: 1 Version: $LATEST\n'],
    ['a structured log line without _aws', line({ level: 'INFO', message: 'metrics logged', datapoints: 4 })],
    ['a JSON array', line([doc()])],
    ['text before the document', `metrics: ${line(doc())}`],
    ['text after the document', `${JSON.stringify(doc())} and more\n`],
    ['a truncated document', JSON.stringify(doc()).slice(0, 80)],
  ])('leaves %s a plain log line', (_, message) => {
    expect(extractEmf(message)).toEqual({ kind: 'log' });
  });

  const bad = (aws: unknown) => ({ ...doc(), _aws: aws });
  it.each<[string, unknown, RegExp]>([
    ['_aws that is not an object', bad([]), /_aws must be an object/],
    ['no Timestamp', bad({ CloudWatchMetrics: doc()._aws.CloudWatchMetrics }), /Timestamp/],
    ['a Timestamp that is not whole milliseconds', bad({ ...doc()._aws, Timestamp: '2026-11-25T10:00:00Z' }), /Timestamp/],
    ['no CloudWatchMetrics', bad({ Timestamp: t0 }), /CloudWatchMetrics must be an array/],
    ['a directive without a namespace', doc({}, { Namespace: undefined }), /Namespace must be a string/],
    ['an empty namespace', doc({}, { Namespace: '' }), /Namespace must be a string of 1 to 255/],
    ['a namespace of 256 characters', doc({}, { Namespace: 'N'.repeat(256) }), /Namespace must be a string of 1 to 255/],
    ['a reserved AWS/ namespace', doc({}, { Namespace: 'AWS/Lambda' }), /reserved/],
    ['no dimension sets', doc({}, { Dimensions: [] }), /non-empty array of dimension sets/],
    ['a dimension set that is not an array', doc({}, { Dimensions: ['GameId'] }), /must be an array of dimension keys/],
    [`a dimension set of ${EMF_LIMITS.dimensionsPerSet + 1} keys`, doc(Object.fromEntries(keys(31).map((k) => [k, 'v'])), { Dimensions: [keys(31)] }), /more than 30 dimension keys/],
    ['a dimension key without its target member', doc({}, { Dimensions: [['Region']] }), /"Region" must be a string on the root node/],
    ['a dimension whose target is a number', doc({ Level: 3 }), /"Level" must be a string/],
    ['an empty dimension value', doc({ GameId: '' }), /"GameId" needs a value of 1 to 1024/],
    ['a dimension value of 1,025 characters', doc({ GameId: 'g'.repeat(1025) }), /1 to 1024/],
    ['a dimension value that is not ASCII', doc({ GameId: 'space-höpper' }), /printable ASCII/],
    ['a dimension name starting with a colon', doc({ ':G': 'x' }, { Dimensions: [[':G']] }), /colon/],
    [`${EMF_LIMITS.metricsPerDirective + 1} metric definitions`, doc(Object.fromEntries(keys(101, 'M').map((k) => [k, 1])), { Metrics: keys(101, 'M').map((Name) => ({ Name })) }), /more than 100 metric definitions/],
    ['Metrics that is not an array', doc({}, { Metrics: { Name: 'Score' } }), /Metrics must be an array/],
    ['a metric definition without a name', doc({}, { Metrics: [{ Unit: 'Count' }] }), /Name must be a string/],
    ['a metric without its target member', doc({}, { Metrics: [{ Name: 'Stars' }] }), /"Stars" is missing/],
    ['a metric whose value is a string', doc({ Score: '12500' }), /"Score" must be a number or an array of numbers/],
    ['a metric with a null among its values', doc({ Score: [1, null] }), /"Score" must be a number/],
    [`a metric with ${EMF_LIMITS.valuesPerMetric + 1} values`, doc({ Score: Array.from({ length: 101 }, () => 1) }), /more than 100 values/],
    ['a value beyond ±2^360', doc({ Score: 2 ** 361 }), /beyond CloudWatch's range/],
    ['a unit CloudWatch does not know', doc({}, { Metrics: [{ Name: 'Score', Unit: 'Points' }] }), /not a CloudWatch unit/],
    ['a storage resolution other than 1 or 60', doc({}, { Metrics: [{ Name: 'Score', StorageResolution: 5 }] }), /StorageResolution must be 1 or 60/],
    ['an event larger than a log event', doc({ padding: 'x'.repeat(EMF_LIMITS.eventBytes) }), /larger than a log event/],
  ])('ignores a document with %s (no metric at all, the line stays a log line)', (_, value, reason) => {
    expect(reasonOf(line(value))).toMatch(reason);
  });

  it('accepts the limits themselves: 30 dimension keys, 100 metric definitions, 100 values, 1,024-character values', () => {
    const dims = keys(30);
    const metrics = keys(100, 'M');
    const x = extractEmf(
      line(doc({ ...Object.fromEntries(dims.map((k) => [k, 'v'.repeat(1024)])), ...Object.fromEntries(metrics.map((k) => [k, Array.from({ length: 100 }, (_, i) => i)])) }, { Dimensions: [dims], Metrics: metrics.map((Name) => ({ Name, Unit: 'Count' })) })),
    );
    expect(x.kind === 'metrics' && x.datapoints).toHaveLength(100 * 100);
  });

  it('ignores members the specification does not know, on the root and in _aws', () => {
    const x = extractEmf(line({ ...doc({ nested: { GameId: 'x' } }), _aws: { ...doc()._aws, LogGroupName: 'g', Extra: true } }));
    expect(x.kind === 'metrics' && x.datapoints).toHaveLength(4);
  });
});

describe('putEmf: EMF stored through the path PutMetricData uses', () => {
  let backend: CloudWatchService;
  let jsonClient: json.CloudWatchClient;
  let queryClient: query.CloudWatchClient;
  let close: () => Promise<void>;
  const game = [{ Name: 'GameId', Value: 'space-hopper' }];
  const range = { StartTime: new Date(t0), EndTime: new Date(t0 + 120_000) };
  const body = <T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T) => rest;

  beforeAll(async () => {
    backend = createCloudWatchService();
    const server = createEdgeServer({ services: [{ name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, query: cloudWatchQuery, backend }] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
    jsonClient = new json.CloudWatchClient(config);
    queryClient = new query.CloudWatchClient(config);
    close = () => new Promise((resolve) => server.close(() => resolve()));
    // Prepare: the same completions once as EMF log events, once through PutMetricData in another namespace.
    const stored = backend.putEmf([
      { message: 'START RequestId: r1 Version: $LATEST\n' },
      { message: line(doc()) },
      { message: line(doc({ Score: 7500, Level: '4' })) },
      { message: line(doc({ Score: 'not a number' })) },
      { message: line({ ...doc({ Score: 100 }), _aws: { ...doc()._aws, Timestamp: t0 + 65_000 } }) },
    ]);
    expect(stored).toBe(12);
    await jsonClient.send(
      new json.PutMetricDataCommand({
        Namespace: 'ViaApi',
        MetricData: [
          { MetricName: 'Score', Dimensions: game, Value: 12500, Unit: 'None', Timestamp: new Date(t0 + 5_000) },
          { MetricName: 'Score', Dimensions: game, Value: 7500, Unit: 'None', Timestamp: new Date(t0 + 5_000) },
          { MetricName: 'Score', Dimensions: game, Value: 100, Unit: 'None', Timestamp: new Date(t0 + 65_000) },
        ],
      }),
    );
  });
  afterAll(async () => {
    jsonClient.destroy();
    queryClient.destroy();
    await close();
  });

  it('lists the extracted metrics, one per dimension set', async () => {
    const { Metrics = [] } = await jsonClient.send(new json.ListMetricsCommand({ Namespace: 'Gamekeeper', MetricName: 'Score' }));
    expect(Metrics.map((m) => m.Dimensions?.map((d) => `${d.Name}=${d.Value}`).join(',')).sort()).toEqual(['GameId=space-hopper', 'GameId=space-hopper,Level=3', 'GameId=space-hopper,Level=4']);
    expect(body(await queryClient.send(new query.ListMetricsCommand({ Namespace: 'Gamekeeper' })))).toEqual(body(await jsonClient.send(new json.ListMetricsCommand({ Namespace: 'Gamekeeper' }))));
  });

  it('answers GetMetricStatistics and GetMetricData with the numbers PutMetricData gets, on both protocols', async () => {
    const stats = (Namespace: string) => ({ Namespace, MetricName: 'Score', Dimensions: game, ...range, Period: 60, Statistics: ['Sum' as const, 'SampleCount' as const, 'Maximum' as const] });
    const emf = await jsonClient.send(new json.GetMetricStatisticsCommand(stats('Gamekeeper')));
    const api = await jsonClient.send(new json.GetMetricStatisticsCommand(stats('ViaApi')));
    const sorted = (r: typeof emf) => [...(r.Datapoints ?? [])].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(sorted(emf).map((p) => [p.Timestamp?.toISOString(), p.Sum, p.SampleCount, p.Maximum, p.Unit])).toEqual([
      ['2026-11-25T10:00:00.000Z', 20000, 2, 12500, 'None'],
      ['2026-11-25T10:01:00.000Z', 100, 1, 100, 'None'],
    ]);
    expect(sorted(emf)).toEqual(sorted(api));
    expect(body(await queryClient.send(new query.GetMetricStatisticsCommand(stats('Gamekeeper'))))).toEqual(body(emf));
    const data = (Namespace: string) => ({ ...range, MetricDataQueries: [{ Id: 's', MetricStat: { Metric: { Namespace, MetricName: 'Score', Dimensions: game }, Period: 60, Stat: 'Sum' } }] });
    const emfData = await jsonClient.send(new json.GetMetricDataCommand(data('Gamekeeper')));
    expect(emfData.MetricDataResults?.[0]?.Values).toEqual([100, 20000]);
    expect(emfData.MetricDataResults?.[0]?.Values).toEqual((await jsonClient.send(new json.GetMetricDataCommand(data('ViaApi')))).MetricDataResults?.[0]?.Values);
    expect((await queryClient.send(new query.GetMetricDataCommand(data('Gamekeeper')))).MetricDataResults?.[0]?.Values).toEqual([100, 20000]);
  });

  it('journals extracted datapoints like PutMetricData’s: they survive a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emf-journal-'));
    try {
      const journalFile = join(dir, 'metrics.ndjson');
      const first = createCloudWatchService({ journalFile });
      expect(first.putEmf([{ message: line(doc()) }, { message: 'plain\n' }])).toBe(4);
      first.close();
      const second = createCloudWatchService({ journalFile });
      const expected = extractEmf(line(doc()));
      expect(second.allDatapoints()).toEqual(expected.kind === 'metrics' ? expected.datapoints : 'a valid document');
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
