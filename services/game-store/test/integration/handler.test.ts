import type { GameCompletedEvent } from '@gamekeeper/contracts';
import { type LocalDynamo, createTable, gameCompleted, lambdaContext, loadEvent, redelivered, scanTable, shuffled, startDynalite, useLocalAws } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED_GAME_TABLE_ENV, completedGameTableKey } from '../../src/index';

const tableName = 'CompletedGame';
let dynamo: LocalDynamo;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const event = (name: string) => loadEvent<GameCompletedEvent>(new URL(`../events/${name}.json`, import.meta.url));
const invoke = (e: unknown) => handler(e, lambdaContext('game-store'));
/** Each test uses its own players, so tests share one table and one handler module. */
const itemsOf = async (...players: string[]) => (await scanTable(dynamo.client, tableName)).filter((i) => players.includes(i.playerId as string));

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.client, tableName, completedGameTableKey);
  useLocalAws(dynamo.endpoint, { [COMPLETED_GAME_TABLE_ENV]: tableName });
  handler = (await import('../../src/handler')).handler as typeof handler;
});
afterAll(() => dynamo.stop());

describe('game-store handler against dynalite', () => {
  it('writes one item for a game completion', async () => {
    await expect(invoke(event('space-hopper-finished'))).resolves.toEqual({ outcome: 'applied', playerId: 'player-42', gameId: 'space-hopper', completions: 1 });
    expect(await itemsOf('player-42')).toEqual([
      {
        playerId: 'player-42',
        gameId: 'space-hopper',
        completions: 1,
        bestTotalScore: 187300,
        fastestTotalDurationMs: 1830000,
        mostLevelsCompleted: 10,
        firstCompletedAt: '2026-11-25T11:01:58Z',
        lastCompletedAt: '2026-11-25T11:01:58Z',
        version: 1,
        appliedEventIds: ['5c2d3e4f-6a7b-4c8d-9e0f-1a2b3c4d5e61'],
      },
    ]);
  });

  it('rejects an invalid event with InvalidGameEvent and writes nothing', async () => {
    const before = await scanTable(dynamo.client, tableName);
    await expect(invoke(event('game-without-total-score'))).rejects.toMatchObject({ name: 'InvalidGameEvent', message: /detail\.totalScore/ });
    expect(await scanTable(dynamo.client, tableName)).toEqual(before);
  });

  it('leaves the table as after one delivery when the same event arrives twice', async () => {
    const once = gameCompleted({ playerId: 'twice' });
    await invoke(once);
    const before = await itemsOf('twice');
    await expect(invoke(redelivered(once))).resolves.toMatchObject({ outcome: 'duplicate', completions: 1 });
    expect(await itemsOf('twice')).toEqual(before);
  });

  it('gives the same items for a shuffled, concurrent stream with duplicates as for one clean delivery each', async () => {
    const completions = (suffix: string) =>
      [190_000, 250_000, 210_000].flatMap((totalScore, i) => [
        gameCompleted({ playerId: `a-${suffix}`, totalScore, totalDurationMs: 2_000_000 - i }),
        gameCompleted({ playerId: `b-${suffix}`, gameId: 'cave-runner', totalScore: totalScore + 1 }),
      ]);
    const clean = completions('clean');
    const noisy = clean.map((e) => ({ ...redelivered(e), detail: { ...e.detail, playerId: e.detail.playerId.replace('clean', 'noisy') } }));

    for (const e of clean) await invoke(e);
    const stream = shuffled(noisy.flatMap((e, i) => Array.from({ length: 1 + (i % 3) }, () => redelivered(e))), 11);
    for (let i = 0; i < stream.length; i += 4) await Promise.all(stream.slice(i, i + 4).map(invoke));

    const normalise = (items: Record<string, unknown>[]) =>
      items.map(({ appliedEventIds, playerId, ...rest }) => ({ ...rest, player: String(playerId).slice(0, 1), ids: [...(appliedEventIds as string[])].sort() }));
    expect(normalise(await itemsOf('a-noisy', 'b-noisy'))).toEqual(normalise(await itemsOf('a-clean', 'b-clean')));
    expect(await itemsOf('a-noisy')).toEqual([expect.objectContaining({ completions: 3, bestTotalScore: 250_000 })]);
  });
});
