import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type CompletionEvent, InvalidGameEvent, parseCompletionEvent } from '@gamekeeper/contracts';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

export type CompletionLogic<TResult> = (event: CompletionEvent, context: Context) => Promise<TResult>;

export interface CompletionHandlerOptions {
  logger: Logger;
  /** Log the logic's result under this message once it succeeds (an object result's fields become keys). */
  logResult?: string;
}

/**
 * Validates the raw input with the contracts before the handler runs. Bad input throws
 * {@link InvalidGameEvent} (which the state machine does not retry) and the handler never runs,
 * so nothing is written. The event's `eventId` becomes the log correlation id.
 */
export function parseCompletion({ logger }: CompletionHandlerOptions): MiddlewareObj<CompletionEvent, unknown, Error, Context> {
  return {
    before: (request) => {
      try {
        request.event = parseCompletionEvent(request.event);
      } catch (error) {
        if (error instanceof InvalidGameEvent) logger.error('rejected invalid game event', { issues: error.issues });
        throw error;
      }
      logger.setCorrelationId(request.event.detail.eventId);
      logger.appendKeys({ detailType: request.event['detail-type'] });
    },
    onError: (request) => {
      if (!(request.error instanceof InvalidGameEvent)) logger.error('completion handling failed', request.error as Error);
    },
  };
}

/**
 * Logs the handler's result with `message` after the logic succeeded, while the event's correlation id
 * and keys are still on the logger (middy runs `after` in reverse order, so before the context resets).
 */
export function logResult({ logger }: CompletionHandlerOptions, message: string): MiddlewareObj<CompletionEvent, unknown, Error, Context> {
  return {
    after: ({ response }) => {
      logger.info(message, typeof response === 'object' && response !== null ? { ...response } : { result: response });
    },
  };
}

/** The one way a gamekeeper function is wrapped: logger context, contract parsing, then the logic. */
export function completionHandler<TResult>(logic: CompletionLogic<TResult>, { logger, logResult: resultMessage }: CompletionHandlerOptions) {
  const handler = middy<CompletionEvent, TResult, Error, Context>().use(injectLambdaContext(logger, { resetKeys: true })).use(parseCompletion({ logger }));
  if (resultMessage !== undefined) handler.use(logResult({ logger }, resultMessage));
  return handler.handler(logic);
}
