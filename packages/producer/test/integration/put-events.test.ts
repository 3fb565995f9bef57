import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProducer } from '../../src/index';

/**
 * The happy path over the real wire: an unmodified SDK client against a tiny loopback HTTP server that
 * records each PutEvents request and accepts every entry, so the test reads exactly what went out. (The
 * local runtime's PutEvents, in packages/local-runtime, carries the producer through rules and the state
 * machine in the CLI's end-to-end tests.)
 */
interface RecordedRequest {
  target: string | undefined;
  body: { Entries: Record<string, unknown>[] };
}

let server: Server;
let client: EventBridgeClient;
const received: RecordedRequest[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      received.push({ target: request.headers['x-amz-target'] as string | undefined, body });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FailedEntryCount: 0, Entries: body.Entries.map((_, i) => ({ EventId: `wire-${received.length}-${i}` })) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});
beforeEach(() => {
  received.length = 0;
});

describe('producer over HTTP', () => {
  it('sends the exact PutEvents input: game bus, contract source and detail-type, JSON detail', async () => {
    // Prepare
    const level = levelCompleted({ score: 77 }).detail;
    const game = gameCompleted().detail;

    // Act
    const results = await createProducer({ client }).publish([
      { detailType: DetailType.LevelCompleted, detail: level },
      { detailType: DetailType.GameCompleted, detail: game },
    ]);

    // Assess
    expect(received).toEqual([
      {
        target: 'AWSEvents.PutEvents',
        body: {
          Entries: [
            { EventBusName: EVENT_BUS_NAME, Source: Source.GameBackend, DetailType: DetailType.LevelCompleted, Detail: JSON.stringify(level) },
            { EventBusName: EVENT_BUS_NAME, Source: Source.GameBackend, DetailType: DetailType.GameCompleted, Detail: JSON.stringify(game) },
          ],
        },
      },
    ]);
    expect(JSON.parse(received[0]!.body.Entries[0]!.Detail as string)).toEqual(level);
    expect(results).toEqual([
      { status: 'sent', eventId: level.eventId, entryId: 'wire-1-0' },
      { status: 'sent', eventId: game.eventId, entryId: 'wire-1-1' },
    ]);
  });

  it('sends a configured bus name, Time and Resources as given', async () => {
    // Prepare
    const detail = levelCompleted().detail;
    const time = new Date('2026-11-25T10:15:29Z');

    // Act
    const [result] = await createProducer({ client, busName: 'other-bus' }).publish([
      { detailType: DetailType.LevelCompleted, detail, time, resources: ['arn:aws:game:::level/3'] },
    ]);

    // Assess: the JSON protocol carries timestamps as epoch seconds.
    expect(received[0]?.body.Entries).toEqual([
      {
        EventBusName: 'other-bus',
        Source: Source.GameBackend,
        DetailType: DetailType.LevelCompleted,
        Detail: JSON.stringify(detail),
        Time: time.getTime() / 1000,
        Resources: ['arn:aws:game:::level/3'],
      },
    ]);
    expect(result).toMatchObject({ status: 'sent', eventId: detail.eventId });
  });
});
