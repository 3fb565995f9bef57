import type { GameCompletedEvent } from '@gamekeeper/contracts';
import { type CompletionStoreUnderTest, gameCompleted, loadEvent, normaliseStoreItems, redelivered, startCompletionStoreUnderTest } from '@gamekeeper/testing';
import { randomUUID } from 'node:crypto';
import { RECENT_EVENT_WINDOW, dynamoItemSize, eventDigest } from '@gamekeeper/replay-safe-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED_GAME_TABLE_ENV, completedGameTableKey } from '../../src/config';

/** Each test uses its own players, so tests share one table and one handler module. */
let store: CompletionStoreUnderTest;
const event = (name: string) => loadEvent<GameCompletedEvent>(new URL(`../events/${name}.json`, import.meta.url));

beforeAll(async () => {
  store = await startCompletionStoreUnderTest({
    serviceName: 'game-store',
    tableName: 'CompletedGame',
    tableKey: completedGameTableKey,
    tableEnv: COMPLETED_GAME_TABLE_ENV,
    importHandler: () => import('../../src/handler'),
  });
});
afterAll(() => store.stop());

describe('game-store handler against dynalite', () => {
  it('writes one item for a game completion', async () => {
    await expect(store.invoke(event('space-hopper-finished'))).resolves.toEqual({ outcome: 'applied', playerId: 'player-42', gameId: 'space-hopper', completions: 1 });
    expect(await store.itemsOf('player-42')).toEqual([
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
        appliedEventDigests: [eventDigest('5c2d3e4f-6a7b-4c8d-9e0f-1a2b3c4d5e61')],
      },
    ]);
  });

  it('rejects an invalid event with InvalidGameEvent and writes nothing', async () => {
    const before = await store.scan();
    await expect(store.invoke(event('game-without-total-score'))).rejects.toMatchObject({ name: 'InvalidGameEvent', message: /detail\.totalScore/ });
    expect(await store.scan()).toEqual(before);
  });

  it('leaves the table as after one delivery when the same event arrives twice', async () => {
    const once = gameCompleted({ playerId: 'twice' });
    await store.invoke(once);
    const before = await store.itemsOf('twice');
    await expect(store.invoke(redelivered(once))).resolves.toMatchObject({ outcome: 'duplicate', completions: 1 });
    expect(await store.itemsOf('twice')).toEqual(before);
  });

  it('gives the same items for a shuffled, concurrent stream with duplicates as for one clean delivery each', async () => {
    // Prepare: the same completions for a "clean" pair of players and a "noisy" pair.
    const clean = [190_000, 250_000, 210_000].flatMap((totalScore, i) => [
      gameCompleted({ playerId: 'a-clean', totalScore, totalDurationMs: 2_000_000 - i }),
      gameCompleted({ playerId: 'b-clean', gameId: 'cave-runner', totalScore: totalScore + 1 }),
    ]);

    // Act: clean once each, in order; noisy 1-3 times each, shuffled, in concurrent waves.
    await store.deliverCleanAndNoisy(clean, 11);

    // Assess: item for item the same, but for the player names and the order ids arrived in.
    expect(normaliseStoreItems(await store.itemsOf('a-noisy', 'b-noisy'))).toEqual(normaliseStoreItems(await store.itemsOf('a-clean', 'b-clean')));
    expect(await store.itemsOf('a-noisy')).toEqual([expect.objectContaining({ completions: 3, bestTotalScore: 250_000 })]);
  });

  it('keeps the item within one write unit (at most 1 KB) after 1, 20 and 200 completions, and a redelivery of any of the last RECENT_EVENT_WINDOW a no-op', async () => {
    // Prepare: a loyal player (a UUID as player id, as game backends typically assign) finishing 200 times.
    const player = randomUUID();
    const completions = Array.from({ length: 200 }, (_, i) => gameCompleted({ playerId: player, totalScore: 190_000 + i, totalDurationMs: 2_000_000 - i }));
    const sizes = new Map<number, number>();

    // Act
    for (const [i, completion] of completions.entries()) {
      await store.invoke(completion);
      if ([1, 20, 200].includes(i + 1)) sizes.set(i + 1, dynamoItemSize((await store.itemsOf(player))[0]!));
    }

    // Assess: DynamoDB's item size (attribute names + values) at each count; then the window holds.
    expect([...sizes.keys()]).toEqual([1, 20, 200]);
    for (const size of sizes.values()) expect(size).toBeLessThanOrEqual(1024);
    const before = await store.itemsOf(player);
    expect(before).toEqual([expect.objectContaining({ completions: 200, version: 200 })]);
    for (const completion of completions.slice(-RECENT_EVENT_WINDOW)) {
      await expect(store.invoke(redelivered(completion))).resolves.toMatchObject({ outcome: 'duplicate', completions: 200 });
    }
    expect(await store.itemsOf(player)).toEqual(before);
  });
});
