import { DetailType, InvalidGameEvent } from '@gamekeeper/contracts';
import { gameCompleted, lambdaContext, levelCompleted } from '@gamekeeper/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { completionHandler, createLogger } from '../../src/index';

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const write = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  // Powertools writes info to stdout and errors to stderr.
  vi.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write as typeof process.stderr.write);
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('completionHandler', () => {
  it('hands the logic the parsed, typed event and returns its result', async () => {
    // Prepare
    const logic = vi.fn(async (event: { detail: { score: number } }) => event.detail.score * 2);
    const handler = completionHandler(logic, { logger: createLogger('test') });
    const event = levelCompleted({ score: 21 });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result).toBe(42);
    expect(logic).toHaveBeenCalledOnce();
    expect(logic.mock.calls[0]?.[0]).toEqual(event);
  });

  it('routes game completions with their totals intact', async () => {
    const logic = vi.fn(async (event: { 'detail-type': string }) => event['detail-type']);
    const handler = completionHandler(logic, { logger: createLogger('test') });

    await expect(handler(gameCompleted({ totalScore: 999_999 }), lambdaContext())).resolves.toBe(DetailType.GameCompleted);
  });

  it('rejects invalid input with InvalidGameEvent before the logic runs', async () => {
    // Prepare
    const lines = captureLogs();
    const logic = vi.fn(async () => 'written');
    const handler = completionHandler(logic, { logger: createLogger('test') });
    const event = levelCompleted({ score: -1 });

    // Act
    const outcome = handler(event, lambdaContext());

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvalidGameEvent);
    await expect(outcome).rejects.toThrow(/detail\.score: Too small/);
    expect(logic).not.toHaveBeenCalled();
    expect(lines.some((l) => l.message === 'rejected invalid game event')).toBe(true);
  });

  it('logs structured JSON with the eventId as correlation id', async () => {
    // Prepare
    const lines = captureLogs();
    const logger = createLogger('level-store');
    const handler = completionHandler(async () => logger.info('stored'), { logger });
    const event = levelCompleted();

    // Act
    await handler(event, lambdaContext('level-store-fn'));

    // Assess
    const stored = lines.find((l) => l.message === 'stored');
    expect(stored).toMatchObject({
      level: 'INFO',
      correlation_id: event.detail.eventId,
      service: 'level-store',
      cold_start: expect.any(Boolean),
      function_request_id: expect.any(String),
      detailType: DetailType.LevelCompleted,
    });
    // What the log group and the REPORT line already say is not repeated on every line (bytes are billed).
    for (const repeated of ['function_name', 'function_arn', 'function_memory_size', 'sampling_rate']) expect(stored).not.toHaveProperty(repeated);
  });

  it('logs the result with the given message, correlation id and keys when asked to', async () => {
    // Prepare
    const lines = captureLogs();
    const handler = completionHandler(async () => ({ outcome: 'applied', completions: 1 }), { logger: createLogger('svc'), logResult: 'recorded' });
    const event = levelCompleted();

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(lines.filter((l) => l.message === 'recorded')).toEqual([
      expect.objectContaining({ outcome: 'applied', completions: 1, correlation_id: event.detail.eventId, detailType: DetailType.LevelCompleted }),
    ]);
  });

  it('logs no result for invalid input or failed logic', async () => {
    const lines = captureLogs();
    const logger = createLogger('svc');
    const failing = completionHandler(async () => Promise.reject(new Error('boom')), { logger, logResult: 'recorded' });
    const fine = completionHandler(async () => 'ok', { logger, logResult: 'recorded' });

    await expect(failing(levelCompleted(), lambdaContext())).rejects.toThrow('boom');
    await expect(fine(levelCompleted({ score: -1 }), lambdaContext())).rejects.toBeInstanceOf(InvalidGameEvent);

    expect(lines.filter((l) => l.message === 'recorded')).toEqual([]);
  });

  it('does not leak one invocation’s correlation id into the next', async () => {
    const lines = captureLogs();
    const logger = createLogger('svc');
    const handler = completionHandler(async () => logger.info('done'), { logger });
    const first = levelCompleted();
    const second = levelCompleted();

    await handler(first, lambdaContext());
    await handler(second, lambdaContext());

    const ids = lines.filter((l) => l.message === 'done').map((l) => l.correlation_id);
    expect(ids).toEqual([first.detail.eventId, second.detail.eventId]);
  });
});
