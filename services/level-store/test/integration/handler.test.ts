import type { LevelCompletedEvent } from '@gamekeeper/contracts';
import { type CompletionStoreUnderTest, levelCompleted, loadEvent, normaliseStoreItems, redelivered, startCompletionStoreUnderTest } from '@gamekeeper/testing';
import { randomUUID } from 'node:crypto';
import { RECENT_EVENT_WINDOW, dynamoItemSize, eventDigest } from '@gamekeeper/replay-safe-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey } from '../../src/config';

/** Each test uses its own players, so tests share one table and one handler module. */
let store: CompletionStoreUnderTest;
const event = (name: string) => loadEvent<LevelCompletedEvent>(new URL(`../events/${name}.json`, import.meta.url));

beforeAll(async () => {
  store = await startCompletionStoreUnderTest({
    serviceName: 'level-store',
    tableName: 'CompletedLevel',
    tableKey: completedLevelTableKey,
    tableEnv: COMPLETED_LEVEL_TABLE_ENV,
    importHandler: () => import('../../src/handler'),
  });
});
afterAll(() => store.stop());

describe('level-store handler against dynalite', () => {
  it('writes one item for a level completion', async () => {
    await expect(store.invoke(event('level-3-first-clear'))).resolves.toEqual({ outcome: 'applied', playerId: 'player-42', levelKey: 'space-hopper#00003', completions: 1 });
    expect(await store.itemsOf('player-42')).toEqual([
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
        appliedEventDigests: [eventDigest('4b1c2d3e-5f6a-4b7c-8d9e-0f1a2b3c4d51')],
      },
    ]);
  });

  it('rejects an invalid event with InvalidGameEvent and writes nothing', async () => {
    const before = await store.scan();
    await expect(store.invoke(event('level-3-negative-score'))).rejects.toMatchObject({ name: 'InvalidGameEvent', message: /detail\.score/ });
    await expect(store.invoke({ ...levelCompleted({ playerId: 'ghost' }), source: 'intruder' })).rejects.toMatchObject({ name: 'InvalidGameEvent' });
    expect(await store.scan()).toEqual(before);
  });

  it('leaves the table as after one delivery when the same event arrives twice', async () => {
    const once = levelCompleted({ playerId: 'twice' });
    await store.invoke(once);
    const before = await store.itemsOf('twice');
    await expect(store.invoke(redelivered(once))).resolves.toMatchObject({ outcome: 'duplicate', completions: 1 });
    expect(await store.itemsOf('twice')).toEqual(before);
  });

  it('gives the same items for a shuffled, concurrent stream with duplicates as for one clean delivery each', async () => {
    // Prepare: the same completions for a "clean" pair of players and a "noisy" pair.
    const clean = [
      ...[1, 2, 3].map((level) => levelCompleted({ playerId: 'a-clean', level, score: level * 100 })),
      ...[1, 1, 1, 2].map((level, i) => levelCompleted({ playerId: 'b-clean', level, score: 100 + i, durationMs: 1000 - i, stars: i % 4 })),
    ];

    // Act: clean once each, in order; noisy 1-3 times each, shuffled, in concurrent waves.
    await store.deliverCleanAndNoisy(clean, 7);

    // Assess: item for item the same, but for the player names and the order ids arrived in.
    expect(normaliseStoreItems(await store.itemsOf('a-noisy', 'b-noisy'))).toEqual(normaliseStoreItems(await store.itemsOf('a-clean', 'b-clean')));
    expect(await store.itemsOf('b-noisy')).toEqual(expect.arrayContaining([expect.objectContaining({ levelKey: 'space-hopper#00001', completions: 3 })]));
  });

  it('keeps the item within one write unit (at most 1 KB) after 1, 20 and 200 completions, and a redelivery of any of the last RECENT_EVENT_WINDOW a no-op', async () => {
    // Prepare: a loyal player (a UUID as player id, as game backends typically assign) finishing 200 times.
    const player = randomUUID();
    const completions = Array.from({ length: 200 }, (_, i) => levelCompleted({ playerId: player, score: 100 + i, durationMs: 90_000 - i }));
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
