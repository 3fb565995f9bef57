import type { LevelCompletedDetail } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { describe, expect, it } from 'vitest';
import { type CompletedLevel, levelKey, recordLevelCompletion, reduceLevelCompletion } from '../../src/index';

const detail = (patch: Partial<LevelCompletedDetail> = {}) => levelCompleted(patch).detail;
const fold = (...details: LevelCompletedDetail[]) => details.reduce<CompletedLevel | undefined>((item, d) => reduceLevelCompletion(item, d), undefined);

describe('reduceLevelCompletion', () => {
  it('starts an item from the first completion', () => {
    const d = detail({ score: 500, stars: 1, durationMs: 9000, completedAt: '2026-11-25T10:00:00Z' });
    expect(reduceLevelCompletion(undefined, d)).toEqual({
      playerId: d.playerId,
      levelKey: levelKey(d.gameId, d.level),
      gameId: d.gameId,
      level: d.level,
      completions: 1,
      bestScore: 500,
      bestStars: 1,
      fastestDurationMs: 9000,
      firstCompletedAt: '2026-11-25T10:00:00Z',
      lastCompletedAt: '2026-11-25T10:00:00Z',
    });
  });

  it.each([
    ['a better score raises the best', { score: 900 }, { bestScore: 900 }],
    ['a worse score keeps the best', { score: 100 }, { bestScore: 500 }],
    ['a faster run lowers the fastest time', { durationMs: 4000 }, { fastestDurationMs: 4000 }],
    ['a slower run keeps the fastest time', { durationMs: 20000 }, { fastestDurationMs: 9000 }],
    ['more stars raise the best stars', { stars: 3 }, { bestStars: 3 }],
    ['a run without stars keeps the best stars', { stars: undefined }, { bestStars: 1 }],
  ] as const)('%s', (_name, patch, expected) => {
    const first = detail({ score: 500, stars: 1, durationMs: 9000 });
    const second = { ...detail(patch as Partial<LevelCompletedDetail>), ...patch } as LevelCompletedDetail;
    expect(fold(first, { ...second, playerId: first.playerId, gameId: first.gameId, level: first.level })).toMatchObject({ completions: 2, ...expected });
  });

  it('leaves bestStars out until a completion reports stars', () => {
    const { stars: _s, ...noStars } = detail();
    expect(fold(noStars as LevelCompletedDetail)).not.toHaveProperty('bestStars');
  });

  it('compares instants as times, so an earlier completion arriving late still becomes the first', () => {
    const later = detail({ completedAt: '2026-11-25T12:00:00+02:00' }); // 10:00Z
    const earlier = detail({ completedAt: '2026-11-25T10:30:00Z' });
    expect(fold(earlier, later)).toMatchObject({ firstCompletedAt: '2026-11-25T12:00:00+02:00', lastCompletedAt: '2026-11-25T10:30:00Z' });
  });

  it('gives the same item whatever the order of completions', () => {
    const ds = [detail({ score: 1, durationMs: 5 }), detail({ score: 9, durationMs: 3, stars: 2 }), detail({ score: 4, durationMs: 8 })];
    expect(fold(...ds)).toEqual(fold(...[...ds].reverse()));
  });
});

describe('recordLevelCompletion', () => {
  it('refuses a game completion, which belongs to the game store', async () => {
    const unused = {} as never;
    await expect(recordLevelCompletion(gameCompleted(), { client: unused, tableName: 'T' })).rejects.toMatchObject({ name: 'InvalidGameEvent', message: /records GameBackend\.LevelCompleted only/ });
  });
});
