import type { CompletionEvent, GameEvent } from '@gamekeeper/contracts';
import { gameCompleted, levelCompleted, loadEvent } from '@gamekeeper/testing';
import { describe, expect, it } from 'vitest';
import { datapointsOf, metricSetsFor, perLevelFromEnv } from '../../src/index';

const event = (name: string) => loadEvent<CompletionEvent>(new URL(`../events/${name}.json`, import.meta.url));
/** Each datapoint a set publishes: `name=value unit [dimensions]`, in CloudWatch's terms. */
const summary = (e: CompletionEvent, perLevel = false) =>
  metricSetsFor(e, { perLevel }).flatMap((set) =>
    set.dimensionSets.flatMap((dims) => set.metrics.map((m) => `${m.name}=${m.value} ${m.unit} [${Object.entries(dims).map(([k, v]) => `${k}:${v}`).join(',')}]`)),
  );

describe('metricSetsFor a level report (delivered straight from the bus)', () => {
  it('counts the report once per game and rating, with the level as a property', () => {
    // Prepare
    const report = loadEvent<GameEvent>(new URL('../events/level-report.json', import.meta.url));
    // Act
    const sets = metricSetsFor(report, { perLevel: true });
    // Assess
    expect(sets).toEqual([
      {
        timestamp: Date.parse('2026-11-25T10:15:29.512Z'),
        dimensionSets: [{ GameId: 'space-hopper', Rating: 'B' }],
        metrics: [{ name: 'LevelReports', unit: 'Count', value: 1 }],
        properties: { Level: '3', eventId: '3e1d2c4b-5a6f-5b7c-8d9e-0f1a2b3c4d5e' },
      },
    ]);
    expect(datapointsOf(sets)).toBe(1);
  });
});

describe('metricSetsFor (default: per game only)', () => {
  it('publishes count, score, duration and stars per game, with the level as a property', () => {
    // Act
    const sets = metricSetsFor(event('level-with-stars'), { perLevel: false });
    // Assess
    expect(sets).toHaveLength(1);
    expect(summary(event('level-with-stars'))).toEqual([
      'LevelCompleted=1 Count [GameId:space-hopper]',
      'Score=12500 None [GameId:space-hopper]',
      'DurationMs=95000 Milliseconds [GameId:space-hopper]',
      'Stars=2 None [GameId:space-hopper]',
    ]);
    expect(sets[0]?.properties).toEqual({ Level: '3', eventId: '22222222-3333-4444-8555-666666666601' });
  });

  it('adds the game totals to the same line for a game completion', () => {
    const sets = metricSetsFor(event('game-finished'), { perLevel: false });
    expect(sets).toHaveLength(1);
    expect(summary(event('game-finished')).slice(-4)).toEqual([
      'GameCompleted=1 Count [GameId:space-hopper]',
      'TotalScore=187300 None [GameId:space-hopper]',
      'TotalDurationMs=1830000 Milliseconds [GameId:space-hopper]',
      'LevelsCompleted=10 Count [GameId:space-hopper]',
    ]);
  });

  it('leaves Stars out when the game reports none', () => {
    const { stars: _s, ...detail } = levelCompleted().detail;
    const e = { ...levelCompleted(), detail } as CompletionEvent;
    expect(summary(e).some((line) => line.startsWith('Stars'))).toBe(false);
  });

  it('never names the player, and stamps the completion time', () => {
    const e = levelCompleted({ playerId: 'player-unique-123', completedAt: '2026-01-02T03:04:05Z' });
    for (const perLevel of [false, true]) {
      const sets = metricSetsFor(e, { perLevel });
      expect(JSON.stringify(sets)).not.toContain('player-unique-123');
      expect(new Set(sets.flatMap((s) => s.dimensionSets.flatMap(Object.keys)))).toEqual(new Set(perLevel ? ['GameId', 'Level'] : ['GameId']));
      expect(sets.every((s) => s.timestamp === Date.parse('2026-01-02T03:04:05.000Z'))).toBe(true);
    }
  });
});

describe('metricSetsFor with the per-level dimension set', () => {
  it('publishes the level metrics per game and per game and level, as before EMF', () => {
    expect(summary(event('level-with-stars'), true)).toEqual([
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

  it('adds a second line for the per-level set; the game totals stay per game', () => {
    const sets = metricSetsFor(event('game-finished'), { perLevel: true });
    expect(sets.map((s) => s.dimensionSets.map((d) => Object.keys(d).join('+')))).toEqual([['GameId'], ['GameId+Level']]);
    expect(sets.map((s) => s.metrics.map((m) => m.name))).toEqual([
      ['LevelCompleted', 'Score', 'DurationMs', 'Stars', 'GameCompleted', 'TotalScore', 'TotalDurationMs', 'LevelsCompleted'],
      ['LevelCompleted', 'Score', 'DurationMs', 'Stars'],
    ]);
    expect(sets.map((s) => s.properties)).toEqual([{ Level: '10', eventId: '22222222-3333-4444-8555-666666666602' }, { eventId: '22222222-3333-4444-8555-666666666602' }]);
  });

  it('is switched on by METRICS_PER_LEVEL=true only', () => {
    expect([{}, { METRICS_PER_LEVEL: 'false' }, { METRICS_PER_LEVEL: '1' }, { METRICS_PER_LEVEL: 'true' }].map(perLevelFromEnv)).toEqual([false, false, false, true]);
  });
});

describe('the number of custom metrics (datapoints per completion and distinct series)', () => {
  /** Distinct CloudWatch metrics (name + dimension values) a set of completions creates. */
  const seriesOf = (events: CompletionEvent[], perLevel: boolean) =>
    new Set(events.flatMap((e) => metricSetsFor(e, { perLevel }).flatMap((s) => s.dimensionSets.flatMap((d) => s.metrics.map((m) => `${m.name}|${JSON.stringify(d)}`))))).size;
  const games = ['g1', 'g2', 'g3'];
  const levels = [1, 2, 3, 4, 5];
  const everything = games.flatMap((gameId) => [...levels.map((level) => levelCompleted({ gameId, level, stars: 1 })), gameCompleted({ gameId, level: 5, stars: 1 })]);

  it('is 8 per game by default (4 level metrics + 4 game totals), whatever the number of levels', () => {
    expect(seriesOf(everything, false)).toBe(8 * games.length);
  });

  it('is 8 per game plus 4 per game and level with the per-level set', () => {
    expect(seriesOf(everything, true)).toBe(8 * games.length + 4 * games.length * levels.length);
  });

  it('counts the datapoints each completion emits', () => {
    expect(datapointsOf(metricSetsFor(event('level-with-stars'), { perLevel: false }))).toBe(4);
    expect(datapointsOf(metricSetsFor(event('game-finished'), { perLevel: false }))).toBe(8);
    expect(datapointsOf(metricSetsFor(event('level-with-stars'), { perLevel: true }))).toBe(8);
    expect(datapointsOf(metricSetsFor(event('game-finished'), { perLevel: true }))).toBe(12);
  });
});
