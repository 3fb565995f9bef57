import { DetailType, Source } from '@gamekeeper/contracts';
import { lambdaContext, levelCompleted } from '@gamekeeper/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { completionHandler, createLogger } from '../../src/index';

// The same handler behind an API Gateway HTTP API route: a 2.0 request in, an HTTP answer out.
const request = (body: string, contentType = 'application/json') => ({
  version: '2.0',
  routeKey: 'POST /completions/level',
  rawPath: '/completions/level',
  rawQueryString: '',
  headers: { 'content-type': contentType },
  requestContext: { accountId: '000000000000', apiId: 'api', http: { method: 'POST', path: '/completions/level' }, requestId: 'req-1', routeKey: 'POST /completions/level', stage: '$default', timeEpoch: Date.parse('2026-11-25T10:00:00Z') },
  body,
  isBase64Encoded: false,
});

afterEach(() => vi.restoreAllMocks());

describe('completionHandler with httpApi', () => {
  const setup = () => {
    vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as typeof process.stdout.write);
    vi.spyOn(process.stderr, 'write').mockImplementation((() => true) as typeof process.stderr.write);
    const logic = vi.fn(async (event: { detail: { eventId: string } }) => ({ stored: event.detail.eventId }));
    return { logic, handler: completionHandler(logic as never, { logger: createLogger('test'), httpApi: { detailType: DetailType.LevelCompleted } }) };
  };

  it('hands the logic the body as the detail of a parsed completion event and answers 200 with its result', async () => {
    const { logic, handler } = setup();
    const { detail } = levelCompleted();
    const answer = await handler(request(JSON.stringify(detail)) as never, lambdaContext());
    expect(answer).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stored: detail.eventId }) });
    expect(logic.mock.calls[0]![0]).toMatchObject({ id: 'req-1', source: Source.GameBackend, 'detail-type': DetailType.LevelCompleted, time: '2026-11-25T10:00:00Z', detail });
  });

  it('answers 400 with the contract issues, and 415 for a body that is not JSON, without running the logic', async () => {
    const { logic, handler } = setup();
    const invalid = (await handler(request(JSON.stringify({ ...levelCompleted().detail, level: 0 })) as never, lambdaContext())) as { statusCode: number; body: string };
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body)).toEqual({ message: 'Invalid game event', issues: [expect.stringMatching(/^detail\.level: /)] });
    const plain = (await handler(request('hi', 'text/plain') as never, lambdaContext())) as { statusCode: number };
    expect(plain.statusCode).toBe(415);
    expect(logic).not.toHaveBeenCalled();
  });

  it('still takes EventBridge events as before', async () => {
    const { handler } = setup();
    const event = levelCompleted();
    expect(await handler(event as never, lambdaContext())).toEqual({ stored: event.detail.eventId });
  });
});
