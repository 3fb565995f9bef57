import type { LevelCompletedEvent } from '@gamekeeper/contracts';
import { type LocalDynamo, createTable, lambdaContext, levelCompleted, loadEvent, redelivered, scanTable, shuffled, startDynalite, useLocalAws } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey } from '../../src/index';

const tableName = 'CompletedLevel';
let dynamo: LocalDynamo;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const event = (name: string) => loadEvent<LevelCompletedEvent>(new URL(`../events/${name}.json`, import.meta.url));
const invoke = (e: unknown) => handler(e, lambdaContext('level-store'));
/** Each test uses its own players, so tests share one table and one handler module. */
const itemsOf = async (...players: string[]) => (await scanTable(dynamo.client, tableName)).filter((i) => players.includes(i.playerId as string));

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.client, tableName, completedLevelTableKey);
  // The handler builds its client and reads its table name at import, as on Lambda.
  useLocalAws(dynamo.endpoint, { [COMPLETED_LEVEL_TABLE_ENV]: tableName });
  handler = (await import('../../src/handler')).handler as typeof handler;
});
afterAll(() => dynamo.stop());

describe('level-store handler against dynalite', () => {
  it('writes one item for a level completion', async () => {
    await expect(invoke(event('level-3-first-clear'))).resolves.toEqual({ outcome: 'applied', playerId: 'player-42', levelKey: 'space-hopper#00003', completions: 1 });
    expect(await itemsOf('player-42')).toEqual([
      {
        playerId: 'player-42',
        levelKey: 'space-hopper#00003',
        gameId: 'space-hopper',
        level: 3,
        completions: 1,
        bestScore: 12500,
        bestStars: 2,
        fastestDurationMs: 95000,
        firstCompletedAt: '2026-11-25T10:15:29Z',
        lastCompletedAt: '2026-11-25T10:15:29Z',
        version: 1,
        appliedEventIds: ['4b1c2d3e-5f6a-4b7c-8d9e-0f1a2b3c4d51'],
      },
    ]);
  });

  it('rejects an invalid event with InvalidGameEvent and writes nothing', async () => {
    const before = await scanTable(dynamo.client, tableName);
    await expect(invoke(event('level-3-negative-score'))).rejects.toMatchObject({ name: 'InvalidGameEvent', message: /detail\.score/ });
    await expect(invoke({ ...levelCompleted({ playerId: 'ghost' }), source: 'intruder' })).rejects.toMatchObject({ name: 'InvalidGameEvent' });
    expect(await scanTable(dynamo.client, tableName)).toEqual(before);
  });

  it('leaves the table as after one delivery when the same event arrives twice', async () => {
    const once = levelCompleted({ playerId: 'twice' });
    await invoke(once);
    const before = await itemsOf('twice');
    await expect(invoke(redelivered(once))).resolves.toMatchObject({ outcome: 'duplicate', completions: 1 });
    expect(await itemsOf('twice')).toEqual(before);
  });

  it('gives the same items for a shuffled, concurrent stream with duplicates as for one clean delivery each', async () => {
    // Prepare: the same completions for a "clean" pair of players and a "noisy" pair.
    const completions = (suffix: string) => [
      ...[1, 2, 3].map((level) => levelCompleted({ playerId: `a-${suffix}`, level, score: level * 100 })),
      ...[1, 1, 1, 2].map((level, i) => levelCompleted({ playerId: `b-${suffix}`, level, score: 100 + i, durationMs: 1000 - i, stars: i % 4 })),
    ];
    const clean = completions('clean');
    const noisy = clean.map((e) => ({ ...redelivered(e), detail: { ...e.detail, playerId: e.detail.playerId.replace('clean', 'noisy') } }));

    // Act: clean once each, in order; noisy 1-3 times each, shuffled, in concurrent waves.
    for (const e of clean) await invoke(e);
    const stream = shuffled(noisy.flatMap((e, i) => Array.from({ length: 1 + (i % 3) }, () => redelivered(e))), 7);
    for (let i = 0; i < stream.length; i += 4) await Promise.all(stream.slice(i, i + 4).map(invoke));

    // Assess: item for item the same, but for the player names and the order ids arrived in.
    const normalise = (items: Record<string, unknown>[]) =>
      items.map(({ appliedEventIds, playerId, ...rest }) => ({ ...rest, player: String(playerId).slice(0, 1), ids: [...(appliedEventIds as string[])].sort() }));
    expect(normalise(await itemsOf('a-noisy', 'b-noisy'))).toEqual(normalise(await itemsOf('a-clean', 'b-clean')));
    expect(await itemsOf('b-noisy')).toEqual(expect.arrayContaining([expect.objectContaining({ levelKey: 'space-hopper#00001', completions: 3 })]));
  });
});
