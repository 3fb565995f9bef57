import { type CompletionEvent, CURRENT_SCHEMA_VERSION, DetailType, InvalidGameEvent, LevelReportGeneratedDetail } from '@gamekeeper/contracts';
import type { PublishResult } from '@gamekeeper/producer';
import { levelCompleted, loadEvent, redelivered } from '@gamekeeper/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReport, generateReport, paceOf, ReportPublishFailed } from '../../src/index';

const sample = (name: 'three-stars' | 'no-stars' | 'game-completed') => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));

afterEach(() => vi.useRealTimers());

describe('buildReport', () => {
  it('reports the last completed level with its derived figures, parsing as the contract', () => {
    // Prepare
    const event = sample('three-stars');

    // Act
    const report = buildReport(event);

    // Assess
    expect(report).toEqual({
      // Pinned: a report's id must never change between releases, or consumers would count a replay twice.
      eventId: 'bd34716d-a27e-5fcb-829e-ae92f4a5cdda',
      schemaVersion: CURRENT_SCHEMA_VERSION,
      sourceEventId: event.detail.eventId,
      gameCompleted: false,
      playerId: 'player-42',
      gameId: 'space-hopper',
      level: 3,
      score: 24000,
      stars: 3,
      durationMs: 60000,
      completedAt: '2026-11-25T10:15:29.512Z',
      pointsPerSecond: 400,
      rating: 'S',
    });
    expect(LevelReportGeneratedDetail.safeParse(report).success).toBe(true);
  });

  it('rates a level without stars by its pace and leaves stars out', () => {
    const report = buildReport(sample('no-stars'));

    expect(report).not.toHaveProperty('stars');
    expect(report).toMatchObject({ pointsPerSecond: 5, rating: 'D' });
    expect(LevelReportGeneratedDetail.safeParse(report).success).toBe(true);
  });

  it('reports the final level of a completed game and flags the game as completed', () => {
    const event = sample('game-completed');

    const report = buildReport(event);

    expect(report).toMatchObject({ gameCompleted: true, level: 10, score: 30100, stars: 3, sourceEventId: event.detail.eventId });
    // The game totals belong to the game store, not to a level report.
    expect(report).not.toHaveProperty('totalScore');
    expect(LevelReportGeneratedDetail.safeParse(report).success).toBe(true);
  });

  it.each<[string, { stars?: number; score: number; durationMs: number }, number, string]>([
    ['three stars', { stars: 3, score: 600, durationMs: 60_000 }, 10, 'S'],
    ['two stars, even when slow', { stars: 2, score: 60, durationMs: 60_000 }, 1, 'A'],
    ['one star, even when fast', { stars: 1, score: 60_000, durationMs: 60_000 }, 1000, 'B'],
    ['zero stars', { stars: 0, score: 60_000, durationMs: 60_000 }, 1000, 'C'],
    ['no stars at 200 points/s', { score: 12_000, durationMs: 60_000 }, 200, 'A'],
    ['no stars at 100 points/s', { score: 6_000, durationMs: 60_000 }, 100, 'B'],
    ['no stars at 20 points/s', { score: 1_200, durationMs: 60_000 }, 20, 'C'],
    ['no stars just under 20 points/s', { score: 1_199, durationMs: 60_000 }, 19.98, 'D'],
    ['no stars, pace rounded to 2 decimals', { score: 1_000, durationMs: 3_000 }, 333.33, 'A'],
    ['no stars, zero duration', { score: 500, durationMs: 0 }, 0, 'D'],
    ['three stars, zero duration', { stars: 3, score: 500, durationMs: 0 }, 0, 'S'],
  ])('%s: pace %s, rating %s', (_case, stats, pointsPerSecond, rating) => {
    // Prepare: the sample carries stars, so drop them for the no-stars cases.
    const base = levelCompleted(stats);
    const { stars: _stars, ...withoutStars } = base.detail;
    const event: CompletionEvent = stats.stars === undefined ? { ...base, detail: withoutStars } : base;

    // Act
    const report = buildReport(event);

    // Assess
    expect(report).toMatchObject({ pointsPerSecond, rating, score: stats.score, durationMs: stats.durationMs });
    expect(LevelReportGeneratedDetail.safeParse(report).success).toBe(true);
  });

  it('has a pace of 0, not Infinity or NaN, for a zero-length run', () => {
    expect(paceOf(0, 0)).toBe(0);
    expect(paceOf(500, 0)).toBe(0);
  });

  it('is the identical report for the same eventId: another envelope, another day, the same report', () => {
    // Prepare
    const original = sample('three-stars');
    const resent = { ...redelivered(original), time: '2026-12-01T00:00:00Z' };

    // Act
    vi.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
    const first = buildReport(original);
    vi.setSystemTime(new Date('2030-06-15T12:00:00Z'));
    const second = buildReport(resent);

    // Assess
    expect(resent.id).not.toBe(original.id);
    expect(second).toEqual(first);
    expect(first.completedAt).toBe(original.detail.completedAt);
  });

  it('gives a different eventId to a different completion with the same stats', () => {
    const event = sample('three-stars');
    const other = structuredClone(event);
    other.detail.eventId = '11111111-2222-4333-8444-555555555599';

    expect(buildReport(other).eventId).not.toBe(buildReport(event).eventId);
  });
});

describe('generateReport', () => {
  const sent: PublishResult = { status: 'sent', eventId: 'ignored', entryId: 'eb-1' };

  it('publishes the report as Report.LevelReportGenerated through the producer and returns it', async () => {
    // Prepare
    const event = sample('no-stars');
    const publish = vi.fn(async (): Promise<PublishResult[]> => [sent]);

    // Act
    const report = await generateReport(event, { producer: { publish } });

    // Assess
    expect(report).toEqual(buildReport(event));
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith([{ detailType: DetailType.LevelReportGenerated, detail: report }]);
  });

  it('publishes the identical report when the same completion is handled again (consumers dedupe on its eventId)', async () => {
    const event = sample('game-completed');
    const publish = vi.fn(async (): Promise<PublishResult[]> => [sent]);

    await generateReport(event, { producer: { publish } });
    await generateReport(redelivered(event), { producer: { publish } });

    expect(publish.mock.calls[1]).toEqual(publish.mock.calls[0]);
  });

  it.each<[string, PublishResult[], RegExp]>([
    ['the producer gave up', [{ status: 'failed', eventId: 'x', errorCode: 'InternalFailure', errorMessage: 'down', attempts: 5 }], /InternalFailure: down/],
    ['the producer rejected it', [{ status: 'rejected', error: new InvalidGameEvent(['entry size: too big']) }], /entry size: too big/],
    ['the producer answered nothing', [], /no result/],
  ])('throws the retryable ReportPublishFailed when %s', async (_case, answer, reason) => {
    // Prepare
    const event = sample('three-stars');
    const publish = async () => answer;

    // Act
    const outcome = generateReport(event, { producer: { publish } });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ReportPublishFailed);
    await expect(outcome).rejects.toMatchObject({ name: 'ReportPublishFailed', result: answer[0], message: reason });
    await expect(outcome).rejects.toThrow(new RegExp(`report ${buildReport(event).eventId} for event ${event.detail.eventId} was not published`));
  });
});
