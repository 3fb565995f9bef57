import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionEvent, DetailType, parseDetail } from '@gamekeeper/contracts';
import { describe, expect, it } from 'vitest';
import { SAMPLE_SESSION_FILE, SAMPLE_SESSION_OPTIONS } from '../../src/sample';
import { generateSession, readSessionFile, sessionEvents, toNdjson } from '../../src/session';

describe('generateSession', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const options = { seed: 7, players: 3, games: ['g'], levelsPerGame: 4 };
    expect(generateSession(options)).toEqual(generateSession(options));
    expect(generateSession({ ...options, seed: 8 })).not.toEqual(generateSession(options));
  });

  it('produces only events the contracts accept, with unique event ids', () => {
    const events = generateSession({ seed: 1, players: 5, games: ['a', 'b'], levelsPerGame: 6 });
    for (const event of events) expect(() => parseDetail(event.detailType, event.detail)).not.toThrow();
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
  });

  it('completes each game once per player on its last level, after that player’s earlier levels', () => {
    const events = generateSession({ seed: 3, players: 4, games: ['a', 'b'], levelsPerGame: 3 });
    const games = events.filter((e) => e.detailType === DetailType.GameCompleted);
    expect(games).toHaveLength(4 * 2);
    for (const game of games) expect(game.detail.level).toBe(3);
    const player1 = events.filter((e) => e.detail.playerId === 'player-1' && e.detail.gameId === 'a').map((e) => e.detail.level as number);
    expect(player1).toEqual([...player1].sort((x, y) => x - y));
  });
});

describe('sessionEvents', () => {
  it('gives exactly the count asked for, session after session from the seed, the same each time', () => {
    const options = { players: 20, games: ['space-hopper', 'cave-runner'], levelsPerGame: 5 };
    const first = generateSession({ seed: 7, ...options });
    const events = sessionEvents(7, first.length + 3);
    expect(events).toHaveLength(first.length + 3);
    expect(events).toEqual([...first, ...generateSession({ seed: 8, ...options }).slice(0, 3)]);
    expect(sessionEvents(7, 10)).toEqual(first.slice(0, 10));
  });
});

describe('the bundled sample session', () => {
  it('is the generator’s output for the published options (regenerate with scripts/generate-sample-session.ts)', () => {
    expect(readSessionFile(SAMPLE_SESSION_FILE)).toEqual(generateSession(SAMPLE_SESSION_OPTIONS));
  });
});

describe('readSessionFile', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'gk-session-')), 'events.ndjson');
    writeFileSync(file, text);
    return file;
  };

  it('reads producer lines and whole EventBridge events, skipping blank lines', () => {
    const [first] = generateSession({ seed: 2, players: 1, games: ['g'], levelsPerGame: 2 });
    const envelope = { 'detail-type': first!.detailType, source: 'x', detail: first!.detail };
    const events = readSessionFile(write(`${toNdjson([first!])}\n${JSON.stringify(envelope)}\n`));
    expect(events).toEqual([first, first]);
  });

  it.each([
    ['invalid JSON', '{"detailType": ', /events\.ndjson:1: not valid JSON/],
    ['a line without detail', '\n{"detailType":"GameBackend.LevelCompleted"}', /events\.ndjson:2: expected \{"detailType"/],
  ])('names the line of %s', (_name, text, message) => {
    expect(() => readSessionFile(write(text))).toThrow(message);
  });

  it('says so when the file cannot be read', () => {
    expect(() => readSessionFile('/nonexistent/session.ndjson')).toThrow(/cannot read \/nonexistent\/session\.ndjson/);
  });

  it('keeps the detail-type so the contracts can judge the event later', () => {
    const events = readSessionFile(write('{"detailType":"Nope.Thing","detail":{}}'));
    expect(events[0]?.detailType).toBe('Nope.Thing');
    expect(CompletionEvent.safeParse({ 'detail-type': events[0]?.detailType }).success).toBe(false);
  });
});
