import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeArchiveCommand,
  EventBridgeClient,
  ListArchivesCommand,
  type ListArchivesCommandInput,
  PutEventsCommand,
  ResourceNotFoundException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime';
import type { CfnTemplate } from '../../src/template/model';

// A template with a bus and two archives, as CDK writes them: one without a name, with a pattern and a
// retention, one named, with neither (every event, kept indefinitely).
const template: CfnTemplate = {
  Resources: {
    GameEventsBusA1B2C3D4: { Type: 'AWS::Events::EventBus', Properties: { Name: 'game-events' } },
    GameEventsBusCompletionsArchive0A1B2C3D: {
      Type: 'AWS::Events::Archive',
      Properties: {
        Description: 'Completions',
        EventPattern: { source: ['game'], 'detail-type': ['Done'] },
        KmsKeyIdentifier: '',
        RetentionDays: 365,
        SourceArn: { 'Fn::GetAtt': ['GameEventsBusA1B2C3D4', 'Arn'] },
      },
    },
    EverythingArchive5E6F7A8B: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'everything', SourceArn: { 'Fn::GetAtt': ['GameEventsBusA1B2C3D4', 'Arn'] } } },
  },
};
const COMPLETIONS = 'GameEventsBusCompletionsArchive';
const busArn = 'arn:aws:events:us-east-1:000000000000:event-bus/game-events';

const folders: string[] = [];
const running: { runtime: LocalRuntime; client: EventBridgeClient }[] = [];
async function start(dataDir?: string) {
  const runtime = await startLocalRuntime({ template, resolveFunctionsFrom: import.meta.dirname, port: 0, ...(dataDir ? { dataDir } : {}) });
  const client = new EventBridgeClient({ endpoint: runtime.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  running.push({ runtime, client });
  return { runtime, client };
}
async function stop({ runtime, client }: { runtime: LocalRuntime; client: EventBridgeClient }) {
  running.splice(running.findIndex((r) => r.runtime === runtime), 1);
  client.destroy();
  await runtime.stop();
}
afterAll(async () => {
  for (const r of [...running]) await stop(r);
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const put = (client: EventBridgeClient, entries: { Source: string; DetailType: string; n: number }[]) =>
  client.send(new PutEventsCommand({ Entries: entries.map(({ Source, DetailType, n }) => ({ EventBusName: 'game-events', Source, DetailType, Detail: JSON.stringify({ n }) })) }));
const done = (n: number) => ({ Source: 'game', DetailType: 'Done', n });

describe('ListArchives and DescribeArchive, through the real SDK client against a started runtime', () => {
  it('lists and describes the template’s archives with AWS’s shapes, counting the events each holds', async () => {
    // Prepare
    const stack = await start();
    const before = Date.now();
    await put(stack.client, [done(1), done(2), { Source: 'elsewhere', DetailType: 'Done', n: 3 }]);

    // Act
    const { Archives } = await stack.client.send(new ListArchivesCommand({}));
    const described = await stack.client.send(new DescribeArchiveCommand({ ArchiveName: COMPLETIONS }));

    // Assess
    expect(Archives?.map((a) => [a.ArchiveName, a.EventCount])).toEqual([
      [COMPLETIONS, 2],
      ['everything', 3],
    ]);
    expect(Archives?.[1]).toMatchObject({ EventSourceArn: busArn, State: 'ENABLED', RetentionDays: 0 });
    expect(described).toMatchObject({
      ArchiveName: COMPLETIONS,
      ArchiveArn: `arn:aws:events:us-east-1:000000000000:archive/${COMPLETIONS}`,
      EventSourceArn: busArn,
      Description: 'Completions',
      State: 'ENABLED',
      RetentionDays: 365,
      EventCount: 2,
    });
    expect(JSON.parse(described.EventPattern!)).toEqual({ source: ['game'], 'detail-type': ['Done'] });
    expect(described.SizeBytes).toBeGreaterThan(0);
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect(described.CreationTime!.getTime()).toBeLessThanOrEqual(before + 1000);
    await stop(stack);
  });

  it('filters by one of NamePrefix, EventSourceArn or State, pages with Limit, and refuses what AWS refuses', async () => {
    const { client } = await start();
    const names = async (input: ListArchivesCommandInput) => (await client.send(new ListArchivesCommand(input))).Archives?.map((a) => a.ArchiveName);
    expect(await names({ NamePrefix: 'every' })).toEqual(['everything']);
    expect(await names({ EventSourceArn: busArn })).toEqual([COMPLETIONS, 'everything']);
    expect(await names({ State: 'DISABLED' })).toEqual([]);
    const first = await client.send(new ListArchivesCommand({ Limit: 1 }));
    expect(first.Archives?.map((a) => a.ArchiveName)).toEqual([COMPLETIONS]);
    expect(await names({ Limit: 1, NextToken: first.NextToken! })).toEqual(['everything']);

    await expect(client.send(new ListArchivesCommand({ NamePrefix: 'every', State: 'ENABLED' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix.',
    });
    await expect(client.send(new ListArchivesCommand({ EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/nope' }))).rejects.toThrow(ResourceNotFoundException);
    await expect(client.send(new DescribeArchiveCommand({ ArchiveName: 'nope' }))).rejects.toThrow(ResourceNotFoundException);
    await expect(client.send(new DescribeArchiveCommand({ ArchiveName: 'nope' }))).rejects.toThrow('Archive nope does not exist.');
    await expect(client.send(new ListArchivesCommand({ Limit: 0 }))).rejects.toMatchObject({ name: 'ValidationException' });
    // Replays (and creating, updating, deleting archives) are not emulated: AWS's unknown-operation error, named.
    const replay = client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: `arn:aws:events:us-east-1:000000000000:archive/${COMPLETIONS}`, EventStartTime: new Date(0), EventEndTime: new Date(), Destination: { Arn: busArn } }));
    await expect(replay).rejects.toMatchObject({ name: 'UnknownOperationException', message: expect.stringContaining('StartReplay') });
  });

  it('survives a restart on the same data folder: every event still archived, the same CreationTime', async () => {
    // Prepare: a run that archives three completions and an event the archive's pattern does not match.
    const dataDir = mkdtempSync(join(tmpdir(), 'archive-restart-'));
    folders.push(dataDir);
    const first = await start(dataDir);
    await put(first.client, [done(1), done(2), done(3), { Source: 'game', DetailType: 'Started', n: 4 }]);
    const created = (await first.client.send(new DescribeArchiveCommand({ ArchiveName: COMPLETIONS }))).CreationTime;
    await first.runtime.idle();
    await stop(first);

    // Act: a new runtime on the folder, and one more completion.
    const second = await start(dataDir);
    const afterRestart = await second.client.send(new DescribeArchiveCommand({ ArchiveName: COMPLETIONS }));
    await put(second.client, [done(5)]);
    const afterPut = await second.client.send(new DescribeArchiveCommand({ ArchiveName: COMPLETIONS }));

    // Assess
    expect(afterRestart).toMatchObject({ EventCount: 3, CreationTime: created });
    expect(afterPut.EventCount).toBe(4);
    const file = join(dataDir, 'archives', `${COMPLETIONS}.ndjson`);
    const archived = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(archived.map((r) => r.event.detail.n)).toEqual([1, 2, 3, 5]);
    // Next to it, what the archive is (the bus it holds), for readers of the folder.
    expect(JSON.parse(readFileSync(join(dataDir, 'archives', `${COMPLETIONS}.json`), 'utf8'))).toMatchObject({ ArchiveName: COMPLETIONS, EventSourceArn: busArn, RetentionDays: 365 });
    expect(existsSync(join(dataDir, 'archives', 'everything.ndjson'))).toBe(true);
  });
});
