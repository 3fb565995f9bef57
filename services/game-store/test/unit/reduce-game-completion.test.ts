import type { GameCompletedDetail } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted } from '@gamekeeper/testing';
import { describe, expect, it } from 'vitest';
import { type CompletedGame, recordGameCompletion, reduceGameCompletion } from '../../src/index';

const detail = (patch: Partial<GameCompletedDetail> = {}) => gameCompleted(patch).detail;
const fold = (...details: GameCompletedDetail[]) => details.reduce<CompletedGame | undefined>((item, d) => reduceGameCompletion(item, d), undefined);

describe('reduceGameCompletion', () => {
  it('starts an item from the first completion', () => {
    const d = detail({ totalScore: 50_000, totalDurationMs: 900_000, levelsCompleted: 10, completedAt: '2026-11-25T11:00:00Z' });
    expect(reduceGameCompletion(undefined, d)).toEqual({
      playerId: d.playerId,
      gameId: d.gameId,
      completions: 1,
      bestTotalScore: 50_000,
      fastestTotalDurationMs: 900_000,
      mostLevelsCompleted: 10,
      firstCompletedAt: '2026-11-25T11:00:00Z',
      lastCompletedAt: '2026-11-25T11:00:00Z',
    });
  });

  it.each([
    ['a better total raises the best', { totalScore: 300_000 }, { bestTotalScore: 300_000 }],
    ['a worse total keeps the best', { totalScore: 190_000 }, { bestTotalScore: 200_000 }],
    ['a faster game lowers the fastest time', { totalDurationMs: 1_000_000 }, { fastestTotalDurationMs: 1_000_000 }],
    ['a slower game keeps the fastest time', { totalDurationMs: 3_000_000 }, { fastestTotalDurationMs: 2_000_000 }],
    ['more levels raise the most completed', { levelsCompleted: 12 }, { mostLevelsCompleted: 12 }],
  ] as const)('%s', (_name, patch, expected) => {
    const first = detail({ totalScore: 200_000, totalDurationMs: 2_000_000, levelsCompleted: 10 });
    expect(fold(first, detail(patch))).toMatchObject({ completions: 2, ...expected });
  });

  it('compares instants as times, so a late-arriving earlier completion becomes the first', () => {
    expect(fold(detail({ completedAt: '2026-11-25T10:30:00Z' }), detail({ completedAt: '2026-11-25T12:00:00+02:00' }))).toMatchObject({
      firstCompletedAt: '2026-11-25T12:00:00+02:00',
      lastCompletedAt: '2026-11-25T10:30:00Z',
    });
  });

  it('gives the same item whatever the order', () => {
    const ds = [detail({ totalScore: 190_000 }), detail({ totalScore: 250_000, totalDurationMs: 1_900_000 }), detail()];
    expect(fold(...ds)).toEqual(fold(...[...ds].reverse()));
  });
});

describe('recordGameCompletion', () => {
  it('refuses a level completion, which belongs to the level store', async () => {
    await expect(recordGameCompletion(levelCompleted(), { client: {} as never, tableName: 'T' })).rejects.toMatchObject({
      name: 'InvalidGameEvent',
      message: /records GameBackend\.GameCompleted only/,
    });
  });
});
