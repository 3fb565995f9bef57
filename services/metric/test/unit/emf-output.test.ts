import { Metrics } from '@aws-lambda-powertools/metrics';
import type { CompletionEvent } from '@gamekeeper/contracts';
import { extractEmf } from '@gamekeeper/local-runtime';
import { levelCompleted, loadEvent } from '@gamekeeper/testing';
import { describe, expect, it, vi } from 'vitest';
import { emitMetrics, logMetrics, metricSetsFor } from '../../src/index';
import { captureStdout } from '../helpers/stdout';

const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));
const silentLogger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });
/** A Powertools Metrics as the handler builds it: the namespace, no default `service` dimension. */
const metricsFor = (namespace: string, logger = silentLogger()) => {
  const metrics = new Metrics({ namespace, logger });
  metrics.clearDefaultDimensions();
  return metrics;
};
const emit = async (e: CompletionEvent, perLevel = false, namespace = 'Gamekeeper') => {
  const { lines } = await captureStdout(() => emitMetrics(metricsFor(namespace), metricSetsFor(e, { perLevel })));
  return lines;
};

describe('the EMF log line of a completion (what CloudWatch Logs receives on stdout)', () => {
  it('is one JSON line per level completion: the directive, the dimension and metric values at top level, the properties', async () => {
    // Act
    const lines = await emit(event('level-with-stars'));
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-25T10:15:29.512Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Gamekeeper',
            Dimensions: [['GameId']],
            Metrics: [
              { Name: 'LevelCompleted', Unit: 'Count' },
              { Name: 'Score', Unit: 'None' },
              { Name: 'DurationMs', Unit: 'Milliseconds' },
              { Name: 'Stars', Unit: 'None' },
            ],
          },
        ],
      },
      GameId: 'space-hopper',
      LevelCompleted: 1,
      Score: 12500,
      DurationMs: 95000,
      Stars: 2,
      Level: '3',
      eventId: '22222222-3333-4444-8555-666666666601',
    });
  });

  it('carries the game totals in the same directive for a game completion', async () => {
    const [line, ...more] = await emit(event('game-finished'));
    expect(more).toEqual([]);
    const doc = JSON.parse(line!);
    expect(doc._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Gamekeeper',
        Dimensions: [['GameId']],
        Metrics: [
          { Name: 'LevelCompleted', Unit: 'Count' },
          { Name: 'Score', Unit: 'None' },
          { Name: 'DurationMs', Unit: 'Milliseconds' },
          { Name: 'Stars', Unit: 'None' },
          { Name: 'GameCompleted', Unit: 'Count' },
          { Name: 'TotalScore', Unit: 'None' },
          { Name: 'TotalDurationMs', Unit: 'Milliseconds' },
          { Name: 'LevelsCompleted', Unit: 'Count' },
        ],
      },
    ]);
    expect(doc).toMatchObject({ GameCompleted: 1, TotalScore: 187300, TotalDurationMs: 1830000, LevelsCompleted: 10, Level: '10' });
  });

  it('with the per-level set: a second line publishes the level metrics per game and level', async () => {
    const lines = await emit(event('game-finished'), true, 'Custom/NS');
    expect(lines.map((l) => JSON.parse(l)._aws.CloudWatchMetrics.map((d: any) => [d.Namespace, d.Dimensions, d.Metrics.length]))).toEqual([
      [['Custom/NS', [['GameId']], 8]],
      [['Custom/NS', [['GameId', 'Level']], 4]],
    ]);
    expect(JSON.parse(lines[1]!)).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-25T11:01:58Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Custom/NS',
            Dimensions: [['GameId', 'Level']],
            Metrics: [
              { Name: 'LevelCompleted', Unit: 'Count' },
              { Name: 'Score', Unit: 'None' },
              { Name: 'DurationMs', Unit: 'Milliseconds' },
              { Name: 'Stars', Unit: 'None' },
            ],
          },
        ],
      },
      GameId: 'space-hopper',
      Level: '10',
      LevelCompleted: 1,
      Score: 30100,
      DurationMs: 240000,
      Stars: 3,
      eventId: '22222222-3333-4444-8555-666666666602',
    });
  });

  it('is accepted by the EMF rules the local CloudWatch applies: the same datapoints as the metric sets', async () => {
    for (const perLevel of [false, true]) {
      const sets = metricSetsFor(event('game-finished'), { perLevel });
      const lines = await emit(event('game-finished'), perLevel);
      const extracted = lines.flatMap((line) => {
        const x = extractEmf(line);
        return x.kind === 'metrics' ? x.datapoints : [];
      });
      const expected = sets.flatMap((s) => s.dimensionSets.flatMap((d) => s.metrics.map((m) => `${m.name} ${JSON.stringify(d)} ${m.value} ${m.unit} ${s.timestamp}`)));
      expect(extracted.map((p) => `${p.metricName} ${JSON.stringify(Object.fromEntries(p.dimensions.map((d) => [d.Name, d.Value])))} ${p.sum} ${p.unit} ${p.timestamp}`)).toEqual(expected);
    }
  });

  it('warns about nothing for a fresh completion (valid timestamp, no duplicate keys, no service dimension)', async () => {
    const logger = silentLogger();
    const metrics = metricsFor('Gamekeeper', logger);
    const { lines } = await captureStdout(() => emitMetrics(metrics, metricSetsFor(levelCompleted({ completedAt: new Date().toISOString() }), { perLevel: true })));
    expect(logger.warn).not.toHaveBeenCalled();
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('service');
  });

  it('leaves nothing buffered for the next completion', async () => {
    const metrics = metricsFor('Gamekeeper');
    await captureStdout(() => logMetrics(event('game-finished'), { metrics, namespace: 'Gamekeeper', perLevel: false }));
    const { result, lines } = await captureStdout(() => logMetrics(event('level-with-stars'), { metrics, namespace: 'Gamekeeper', perLevel: false }));
    expect(result).toEqual({ namespace: 'Gamekeeper', datapoints: 4 });
    expect(Object.keys(JSON.parse(lines[0]!)).sort()).toEqual(['DurationMs', 'GameId', 'Level', 'LevelCompleted', 'Score', 'Stars', '_aws', 'eventId']);
  });
});
