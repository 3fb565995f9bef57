import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { CompletionEvent } from '@gamekeeper/contracts';
import { type CloudWatchService, createCloudWatchService, createEdgeServer } from '@gamekeeper/local-runtime';
import { type LocalDynamo, createTable, lambdaContext, levelCompleted, loadEvent, redelivered, scanTable, startDynalite, useLocalAws } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TABLE_ENV, METRICS_NAMESPACE_ENV, idempotencyTableKey, oncePerEvent } from '../../src/index';
import { captureStdout, emfDocuments } from '../helpers/stdout';

let dynamo: LocalDynamo;
let cloudWatchService: CloudWatchService;
let cloudWatch: CloudWatchClient;
let closeCloudWatch: () => Promise<void>;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const namespace = 'GamekeeperTest';
const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));
/** One invocation, its stdout handed to the local CloudWatch as CloudWatch Logs hands a function's log events to EMF extraction. */
const invoke = async (e: unknown) => {
  const { result, lines } = await captureStdout(() => handler(e, lambdaContext('metric')));
  cloudWatchService.putEmf(lines.map((message) => ({ message })));
  return { result, emitted: emfDocuments(lines) };
};
const completionsOf = async (gameId: string) => {
  const { Datapoints = [] } = await cloudWatch.send(
    new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'LevelCompleted', Dimensions: [{ Name: 'GameId', Value: gameId }], StartTime: new Date(0), EndTime: new Date('2100-01-01'), Period: 3_000_000_000, Statistics: ['Sum'] }),
  );
  return Datapoints.reduce((n, d) => n + (d.Sum ?? 0), 0);
};

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.client, 'Idempotency', idempotencyTableKey);
  cloudWatchService = createCloudWatchService();
  const server = createEdgeServer({ services: [{ name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, backend: cloudWatchService }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cloudWatchEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeCloudWatch = () => new Promise((resolve) => server.close(() => resolve()));
  cloudWatch = new CloudWatchClient({ endpoint: cloudWatchEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  // No CloudWatch endpoint for the function: it calls no CloudWatch API, it writes EMF to stdout.
  useLocalAws(dynamo.endpoint, { [IDEMPOTENCY_TABLE_ENV]: 'Idempotency', [METRICS_NAMESPACE_ENV]: namespace });
  handler = (await import('../../src/handler')).handler as typeof handler;
});
afterAll(async () => {
  cloudWatch.destroy();
  await closeCloudWatch();
  await dynamo.stop();
});

describe('metric handler: EMF on stdout, extracted by the local CloudWatch, idempotency in dynalite', () => {
  it('records a level completion’s metrics in the configured namespace, per game only by default', async () => {
    // Act
    const { result, emitted } = await invoke(event('level-with-stars'));
    // Assess
    expect(result).toEqual({ namespace, datapoints: 4 });
    expect(emitted).toHaveLength(1);
    const { Metrics = [] } = await cloudWatch.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'Score' }));
    expect(Metrics.map((m) => m.Dimensions?.map((d) => d.Name).join('+'))).toEqual(['GameId']);
    expect(await completionsOf('space-hopper')).toBe(1);
  });

  it('counts a level report by game and rating, once however often it is delivered', async () => {
    // Prepare
    const report = loadEvent<Record<string, any>>(new URL('../events/level-report.json', import.meta.url));
    const onlyThisGame = { ...report, detail: { ...report.detail, gameId: 'report-game' } };
    // Act
    const deliveries = [await invoke(onlyThisGame), await invoke({ ...onlyThisGame, id: crypto.randomUUID() })];
    // Assess
    expect(deliveries.map((d) => d.emitted.length)).toEqual([1, 0]);
    const { Metrics = [] } = await cloudWatch.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'LevelReports', Dimensions: [{ Name: 'GameId', Value: 'report-game' }] }));
    expect(Metrics.map((m) => m.Dimensions)).toEqual([[{ Name: 'GameId', Value: 'report-game' }, { Name: 'Rating', Value: 'B' }]]);
  });

  it('emits once however often an event is delivered', async () => {
    // Prepare
    const once = levelCompleted({ gameId: 'twice-game' });
    // Act
    const deliveries = [await invoke(once), await invoke(redelivered(once)), await invoke(redelivered(once))];
    // Assess: every delivery answers the stored result, only the first wrote an EMF line.
    expect(deliveries.map((d) => d.result)).toEqual([{ namespace, datapoints: 4 }, { namespace, datapoints: 4 }, { namespace, datapoints: 4 }]);
    expect(deliveries.map((d) => d.emitted.length)).toEqual([1, 0, 0]);
    expect(await completionsOf('twice-game')).toBe(1);
  });

  it('rejects an invalid event with InvalidGameEvent: no metric, no idempotency record', async () => {
    const records = (await scanTable(dynamo.client, 'Idempotency')).length;
    const bad = { ...levelCompleted({ gameId: 'bad-game' }), detail: { ...levelCompleted().detail, gameId: 'bad-game', level: 0 } };
    const { lines } = await captureStdout(() => expect(handler(bad, lambdaContext('metric'))).rejects.toMatchObject({ name: 'InvalidGameEvent' }));
    expect(emfDocuments(lines)).toEqual([]);
    expect(await completionsOf('bad-game')).toBe(0);
    expect(await scanTable(dynamo.client, 'Idempotency')).toHaveLength(records);
  });

  it('lets a retry emit again after a failed attempt (the record is released)', async () => {
    let attempts = 0;
    const flaky = oncePerEvent(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('emit failed');
        return 'emitted';
      },
      { client: dynamo.client, tableName: 'Idempotency' },
    );
    const e = levelCompleted();
    await expect(flaky(e, lambdaContext())).rejects.toThrow('emit failed');
    await expect(flaky(redelivered(e), lambdaContext())).resolves.toBe('emitted');
    await expect(flaky(redelivered(e), lambdaContext())).resolves.toBe('emitted');
    expect(attempts).toBe(2);
  });
});
