import { type CompletionEvent, DetailType, LevelReportGeneratedDetail } from '@gamekeeper/contracts';
import type { PublishResult } from '@gamekeeper/producer';
import { levelCompleted, loadEvent } from '@gamekeeper/testing';
import { describe, expect, it, vi } from 'vitest';
import { buildReport, generateReport, paceOf, ratingOf } from '../../src/index';

const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));

describe('buildReport', () => {
  it('reports the level stats with pace and rating, and parses as the contract', () => {
    const report = buildReport(event('three-stars'));
    expect(report).toMatchObject({ sourceEventId: '11111111-2222-4333-8444-555555555501', gameCompleted: false, score: 24000, stars: 3, pointsPerSecond: 400, rating: 'S' });
    expect(LevelReportGeneratedDetail.safeParse(report).success).toBe(true);
  });

  it('rates by pace when the game reports no stars', () => {
    const report = buildReport(event('no-stars-slow'));
    expect(report).not.toHaveProperty('stars');
    expect(report).toMatchObject({ pointsPerSecond: 5, rating: 'D' });
  });

  it('marks the final level of a game', () => {
    expect(buildReport(event('game-finished'))).toMatchObject({ gameCompleted: true, level: 10 });
  });

  it('is the same report, id included, for the same eventId; another event gets another id', () => {
    const once = buildReport(event('three-stars'));
    expect(buildReport(event('three-stars'))).toEqual(once);
    expect(buildReport(levelCompleted()).eventId).not.toBe(once.eventId);
  });

  it.each([
    [3, 0, 'S'],
    [2, 0, 'A'],
    [1, 999, 'B'],
    [0, 999, 'C'],
    [undefined, 250, 'A'],
    [undefined, 100, 'B'],
    [undefined, 20, 'C'],
    [undefined, 19.99, 'D'],
  ] as const)('rating for stars %s and pace %s is %s', (stars, pace, rating) => {
    expect(ratingOf(stars, pace)).toBe(rating);
  });

  it('has pace 0 for a zero-length run and rounds to cents otherwise', () => {
    expect(paceOf(500, 0)).toBe(0);
    expect(paceOf(1000, 3000)).toBe(333.33);
  });
});

describe('generateReport', () => {
  it('publishes the report as Report.LevelReportGenerated and returns it', async () => {
    const publish = vi.fn(async (): Promise<PublishResult[]> => [{ status: 'sent', eventId: 'x', entryId: 'eb-1' }]);
    const report = await generateReport(event('three-stars'), { producer: { publish } });
    expect(publish).toHaveBeenCalledWith([{ detailType: DetailType.LevelReportGenerated, detail: report }]);
  });

  it('throws the retryable ReportPublishFailed when the event could not be published', async () => {
    const publish = async (): Promise<PublishResult[]> => [{ status: 'failed', eventId: 'x', errorCode: 'InternalFailure', errorMessage: 'down', attempts: 5 }];
    await expect(generateReport(event('three-stars'), { producer: { publish } })).rejects.toMatchObject({ name: 'ReportPublishFailed', message: /InternalFailure: down/ });
  });
});
