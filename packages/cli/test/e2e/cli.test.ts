import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSession, toNdjson } from '../../src/session';
import { gamekeeper, startStack } from './stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let dir: string;

beforeAll(async () => {
  stack = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'gamekeeper-cli-'));
}, 120_000);
afterAll(() => stack.stop());

describe('the gamekeeper command against a running stack', () => {
  it('replays a short session with progress and a summary, then shows tables and executions', async () => {
    // Prepare: 2 players through 1 game of 3 levels.
    const file = join(dir, 'session.ndjson');
    const events = generateSession({ seed: 5, players: 2, games: ['cli-game'], levelsPerGame: 3 });
    writeFileSync(file, toNdjson(events));

    // Act
    const replay = await gamekeeper('replay', file, '--endpoint', stack.runtime.url);

    // Assess
    expect(replay.stderr).toMatch(new RegExp(`publishing: ${events.length}/${events.length}`));
    expect(replay.stdout).toContain(`published ${events.length}/${events.length} events (0 rejected, 0 failed)`);
    expect(replay.stdout).toContain(`executions: ${events.length} succeeded, 0 failed, 0 running`);
    expect(replay.code).toBe(0);

    const tables = await gamekeeper('tables', '--endpoint', stack.runtime.url);
    expect(tables.stdout).toMatch(/CompletedGameTable\t2 items/);
    const dump = await gamekeeper('tables', 'CompletedGameTable', '--endpoint', stack.runtime.url);
    expect(dump.stdout.trim().split('\n').map((line) => JSON.parse(line).gameId)).toEqual(['cli-game', 'cli-game']);

    const list = await gamekeeper('executions', '--endpoint', stack.runtime.url);
    const name = list.stdout.match(/SUCCEEDED\s+(\S+)/)?.[1];
    expect(name).toBeDefined();
    const one = await gamekeeper('executions', name!, '--endpoint', stack.runtime.url);
    expect(one.stdout).toMatch(/: SUCCEEDED/);
    expect(one.stdout).toMatch(/- GenerateReport \[Task\]\n\s+input: .*\n\s+output: .*sourceEventId/);
    expect(one.stdout).toMatch(/- UpdateCompletedLevel \[Task\]|- UpdateCompletedGame \[Task\]/);
    expect(one.stdout).toMatch(/- LogMetric \[Task\]/);
  });

  it('sends one completion from flags', async () => {
    const sent = await gamekeeper('send', 'level', '--player', 'cli-sender', '--game', 'cli-game', '--level', '4', '--score', '900', '--stars', '2', '--endpoint', stack.runtime.url);
    expect(sent.stdout).toMatch(/sent GameBackend\.LevelCompleted eventId=[0-9a-f-]{36}/);
    expect(sent.code).toBe(0);
  });

  it('exits non-zero when a replay could not publish every event', async () => {
    const file = join(dir, 'rejected.ndjson');
    const [good] = generateSession({ seed: 6, players: 1, games: ['cli-game'], levelsPerGame: 1 });
    writeFileSync(file, toNdjson([good!, { ...good!, detail: { ...good!.detail, score: -1 } }]));
    const replay = await gamekeeper('replay', file, '--no-wait', '--endpoint', stack.runtime.url);
    expect(replay.stdout).toContain('published 1/2 events (1 rejected, 0 failed)');
    expect(replay.code).toBe(1);
  });

  it.each([
    ['a bad player id', ['send', 'level', '--player', 'bad id', '--game', 'g', '--level', '1', '--score', '1'], /detail\.playerId: must start with a letter or digit/],
    ['a kind that is neither level nor game', ['send', 'boss', '--player', 'p', '--game', 'g', '--level', '1', '--score', '1'], /kind must be "level" or "game", got "boss"/],
    ['a non-numeric score', ['send', 'level', '--player', 'p', '--game', 'g', '--level', '1', '--score', 'lots'], /score must be a whole number, got "lots"/],
    ['a missing file', ['replay', '/nonexistent/session.ndjson'], /cannot read \/nonexistent\/session\.ndjson/],
    ['an unknown execution status', ['executions', '--status', 'DONE'], /--status must be one of RUNNING/],
  ])('prints a clear error and exits non-zero for %s', async (_name, args, message) => {
    const result = await gamekeeper(...args, '--endpoint', stack.runtime.url);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
