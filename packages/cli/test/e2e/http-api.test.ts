import { levelCompleted, gameCompleted } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../src/commands/tables';
import { startStack } from './stack';

// The stores reused behind the template's HTTP API, through plain HTTP as a game server would call it.
let stack: Awaited<ReturnType<typeof startStack>>;
let api: string;

beforeAll(async () => {
  stack = await startStack();
  const [completions] = stack.runtime.model.httpApis;
  api = `${stack.runtime.url}/_aws/execute-api/${completions!.id}`;
}, 120_000);
afterAll(() => stack.stop());

const post = (path: string, body: string | Buffer, contentType = 'application/json') => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
const levelItems = async (playerId: string) => (await scanAll(stack.clients.documents, 'CompletedLevelTable')).filter((i) => i.playerId === playerId);

describe('the completions HTTP API (API Gateway, Lambda proxy, payload format 2.0)', () => {
  it('writes a level completion synchronously and answers the stored summary; the same eventId again changes nothing', async () => {
    const { detail } = levelCompleted({ playerId: 'http-1', gameId: 'http-game', level: 2, score: 300 });
    const first = await post('/completions/level', JSON.stringify(detail));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'applied', playerId: 'http-1', levelKey: 'http-game#00002', completions: 1 });
    const items = await levelItems('http-1');

    const again = await post('/completions/level', JSON.stringify(detail));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ outcome: 'duplicate', playerId: 'http-1', levelKey: 'http-game#00002', completions: 1 });
    expect(await levelItems('http-1')).toEqual(items);
  });

  it('routes game completions to the game store', async () => {
    const { detail } = gameCompleted({ playerId: 'http-2' });
    const answer = await post('/completions/game', JSON.stringify(detail));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ outcome: 'applied', playerId: 'http-2' });
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const { detail } = levelCompleted({ playerId: 'http-bad' });
    const invalid = await post('/completions/level', JSON.stringify({ ...detail, score: -1 }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ message: 'Invalid game event', issues: [expect.stringMatching(/^detail\.score: /)] });
    const notJson = await post('/completions/level', '{nope');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { issues: string[] }).issues).toEqual(['body: not valid JSON']);
    const wrongType = await post('/completions/level', JSON.stringify(detail), 'text/plain');
    expect(wrongType.status).toBe(415);
    const oversized = await post('/completions/level', Buffer.alloc(10 * 1024 * 1024 + 1, 'a'));
    expect(oversized.status).toBe(413);
    const noRoute = await post('/completions/nope', JSON.stringify(detail));
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toEqual({ message: 'Not Found' });
    expect(await levelItems('http-bad')).toEqual([]);
  });
});
