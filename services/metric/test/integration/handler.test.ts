import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { CompletionEvent } from '@gamekeeper/contracts';
import { createCloudWatchService, createEdgeServer } from '@gamekeeper/local-runtime';
import { type LocalDynamo, createTable, lambdaContext, levelCompleted, loadEvent, redelivered, scanTable, startDynalite, useLocalAws } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TABLE_ENV, METRICS_NAMESPACE_ENV, idempotencyTableKey, oncePerEvent } from '../../src/index';

let dynamo: LocalDynamo;
let cloudWatch: CloudWatchClient;
let closeCloudWatch: () => Promise<void>;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const namespace = 'GamekeeperTest';
const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));
const invoke = (e: unknown) => handler(e, lambdaContext('metric'));
const completionsOf = async (gameId: string) => {
  const { Datapoints = [] } = await cloudWatch.send(
    new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'LevelCompleted', Dimensions: [{ Name: 'GameId', Value: gameId }], StartTime: new Date(0), EndTime: new Date('2100-01-01'), Period: 3_000_000_000, Statistics: ['Sum'] }),
  );
  return Datapoints.reduce((n, d) => n + (d.Sum ?? 0), 0);
};

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.client, 'Idempotency', idempotencyTableKey);
  const server = createEdgeServer({ services: [{ targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, backend: createCloudWatchService() }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cloudWatchEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeCloudWatch = () => new Promise((resolve) => server.close(() => resolve()));
  cloudWatch = new CloudWatchClient({ endpoint: cloudWatchEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  useLocalAws(dynamo.endpoint, { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatchEndpoint, [IDEMPOTENCY_TABLE_ENV]: 'Idempotency', [METRICS_NAMESPACE_ENV]: namespace });
  handler = (await import('../../src/handler')).handler as typeof handler;
});
afterAll(async () => {
  cloudWatch.destroy();
  await closeCloudWatch();
  await dynamo.stop();
});

describe('metric handler against the local CloudWatch and dynalite', () => {
  it('records a level completion’s metrics in the configured namespace', async () => {
    await expect(invoke(event('level-with-stars'))).resolves.toEqual({ namespace, datapoints: 8 });
    const { Metrics = [] } = await cloudWatch.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'Score' }));
    expect(Metrics.map((m) => m.Dimensions?.map((d) => d.Name).join('+')).sort()).toEqual(['GameId', 'GameId+Level']);
    expect(await completionsOf('space-hopper')).toBe(1);
  });

  it('counts an event once however often it is delivered', async () => {
    const once = levelCompleted({ gameId: 'twice-game' });
    await invoke(once);
    await invoke(redelivered(once));
    await invoke(redelivered(once));
    expect(await completionsOf('twice-game')).toBe(1);
  });

  it('rejects an invalid event with InvalidGameEvent: no metric, no idempotency record', async () => {
    const records = (await scanTable(dynamo.client, 'Idempotency')).length;
    await expect(invoke({ ...levelCompleted({ gameId: 'bad-game' }), detail: { ...levelCompleted().detail, gameId: 'bad-game', level: 0 } })).rejects.toMatchObject({ name: 'InvalidGameEvent' });
    expect(await completionsOf('bad-game')).toBe(0);
    expect(await scanTable(dynamo.client, 'Idempotency')).toHaveLength(records);
  });

  it('lets a retry send again after a failed attempt (the record is released)', async () => {
    let attempts = 0;
    const flaky = oncePerEvent(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('CloudWatch unavailable');
        return 'sent';
      },
      { client: dynamo.client, tableName: 'Idempotency' },
    );
    const e = levelCompleted();
    await expect(flaky(e, lambdaContext())).rejects.toThrow('CloudWatch unavailable');
    await expect(flaky(redelivered(e), lambdaContext())).resolves.toBe('sent');
    await expect(flaky(redelivered(e), lambdaContext())).resolves.toBe('sent');
    expect(attempts).toBe(2);
  });
});
