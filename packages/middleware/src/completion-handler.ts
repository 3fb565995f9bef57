import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type CompletionEvent, type DetailType, type GameEvent, InvalidGameEvent, parseCompletionEvent, parseGameEvent } from '@gamekeeper/contracts';
import { httpApiAdapter } from './http-api';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

export type CompletionLogic<TResult> = (event: CompletionEvent, context: Context) => Promise<TResult>;
export type GameEventLogic<TResult> = (event: GameEvent, context: Context) => Promise<TResult>;

export interface CompletionHandlerOptions {
  logger: Logger;
  /** Also answer API Gateway HTTP API requests whose body is a detail of this type (see {@link httpApiAdapter}). */
  httpApi?: { detailType: DetailType };
  /** Log the logic's result under this message once it succeeds (an object result's fields become keys). */
  logResult?: string;
}

/**
 * Validates the raw input with the contracts before the handler runs. Bad input throws
 * {@link InvalidGameEvent} (which the state machine does not retry) and the handler never runs,
 * so nothing is written. The event's `eventId` becomes the log correlation id.
 */
export function parseCompletion(options: CompletionHandlerOptions): MiddlewareObj<CompletionEvent, unknown, Error, Context> {
  return parseWith(parseCompletionEvent, options);
}

/** Validates with the given contract parser; see {@link parseCompletion}. */
function parseWith<TEvent extends GameEvent>(parse: (input: unknown) => TEvent, { logger }: CompletionHandlerOptions): MiddlewareObj<TEvent, unknown, Error, Context> {
  return {
    before: (request) => {
      try {
        request.event = parse(request.event);
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
export function logResult<TEvent = CompletionEvent>({ logger }: CompletionHandlerOptions, message: string): MiddlewareObj<TEvent, unknown, Error, Context> {
  return {
    after: ({ response }) => {
      logger.info(message, typeof response === 'object' && response !== null ? { ...response } : { result: response });
    },
  };
}

/** The one way a gamekeeper function is wrapped: logger context, contract parsing, then the logic. */
export function completionHandler<TResult>(logic: CompletionLogic<TResult>, options: CompletionHandlerOptions) {
  return wrap(parseCompletionEvent, logic, options);
}

/** The same wrapping for a function that also takes the report service's events (any gamekeeper event). */
export function gameEventHandler<TResult>(logic: GameEventLogic<TResult>, options: CompletionHandlerOptions) {
  return wrap(parseGameEvent, logic, options);
}

function wrap<TEvent extends GameEvent, TResult>(parse: (input: unknown) => TEvent, logic: (event: TEvent, context: Context) => Promise<TResult>, options: CompletionHandlerOptions) {
  const { logger, logResult: resultMessage } = options;
  const handler = middy<TEvent, TResult, Error, Context>().use(injectLambdaContext(logger, { resetKeys: true }));
  // Before parsing: an HTTP request becomes the event the contracts parse, and its answer becomes HTTP.
  if (options.httpApi) handler.use(httpApiAdapter(options.httpApi.detailType) as never);
  handler.use(parseWith(parse, { logger }));
  if (resultMessage !== undefined) handler.use(logResult<TEvent>({ logger }, resultMessage));
  return handler.handler(logic);
}
