import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CompletionEvent } from '@gamekeeper/contracts';
import { levelCompleted, loadEvent } from '@gamekeeper/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { logMetrics, metricDataFor } from '../../src/index';

const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));
const summary = (e: CompletionEvent) =>
  metricDataFor(e, { namespace: 'NS' }).MetricData?.map((d) => `${d.MetricName}=${d.Value} ${d.Unit} [${d.Dimensions?.map((x) => `${x.Name}:${x.Value}`).join(',')}]`);

describe('metricDataFor', () => {
  it('sends count, score, duration and stars per game and per game level', () => {
    expect(summary(event('level-with-stars'))).toEqual([
      'LevelCompleted=1 Count [GameId:space-hopper]',
      'Score=12500 None [GameId:space-hopper]',
      'DurationMs=95000 Milliseconds [GameId:space-hopper]',
      'Stars=2 None [GameId:space-hopper]',
      'LevelCompleted=1 Count [GameId:space-hopper,Level:3]',
      'Score=12500 None [GameId:space-hopper,Level:3]',
      'DurationMs=95000 Milliseconds [GameId:space-hopper,Level:3]',
      'Stars=2 None [GameId:space-hopper,Level:3]',
    ]);
  });

  it('adds the game totals for a game completion', () => {
    expect(summary(event('game-finished'))?.slice(-4)).toEqual([
      'GameCompleted=1 Count [GameId:space-hopper]',
      'TotalScore=187300 None [GameId:space-hopper]',
      'TotalDurationMs=1830000 Milliseconds [GameId:space-hopper]',
      'LevelsCompleted=10 Count [GameId:space-hopper]',
    ]);
  });

  it('leaves Stars out when the game reports none', () => {
    const { stars: _s, ...detail } = levelCompleted().detail;
    const e = { ...levelCompleted(), detail } as CompletionEvent;
    expect(summary(e)?.some((line) => line.startsWith('Stars'))).toBe(false);
  });

  it('never uses the player as a dimension, and stamps the completion time', () => {
    const e = levelCompleted({ playerId: 'player-unique-123', completedAt: '2026-01-02T03:04:05Z' });
    const input = metricDataFor(e, { namespace: 'Custom/NS' });
    expect(input.Namespace).toBe('Custom/NS');
    expect(JSON.stringify(input)).not.toContain('player-unique-123');
    expect(new Set(input.MetricData?.flatMap((d) => d.Dimensions?.map((x) => x.Name)))).toEqual(new Set(['GameId', 'Level']));
    expect(input.MetricData?.every((d) => d.Timestamp?.toISOString() === '2026-01-02T03:04:05.000Z')).toBe(true);
  });
});

describe('logMetrics', () => {
  it('lets a CloudWatch failure through so the state machine can retry', async () => {
    const cloudWatch = new CloudWatchClient({ region: 'us-east-1' });
    const mock = mockClient(cloudWatch);
    const failure = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    mock.on(PutMetricDataCommand).rejects(failure);
    await expect(logMetrics(levelCompleted(), { cloudWatch, namespace: 'NS' })).rejects.toBe(failure);
  });
});
