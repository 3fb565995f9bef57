import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../protocol/aws-error';
import { ASYNC_INVOKE_DEFAULTS, type AsyncInvokeConfigModel } from '../template/model';
import { type FunctionInvocationError, LambdaFunctionError } from './function-pool';
import type { LocalFunctions } from './functions';

/**
 * What an asynchronous invocation came to: `Success`, or why Lambda gave up on the event: a function
 * error on every attempt (`RetriesExhausted`), or an event older than `MaximumEventAgeInSeconds` before a
 * retry (`EventAgeExceeded`). The conditions are the invocation record's `requestContext.condition`.
 */
export type AsyncInvokeCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface AsyncInvokeOutcome {
  condition: AsyncInvokeCondition;
  /** The attempts that ran (the record's `approximateInvokeCount`). */
  attempts: number;
  /** The destination the invocation record went to, when there is one the runtime emulates. */
  destination?: string;
}

/**
 * Lambda's invocation record, as it sends it to an asynchronous invocation's destination (the SQS message
 * body): the event as `requestPayload`, the function's answer (or error) as `responsePayload`.
 */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: AsyncInvokeCondition; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError?: 'Unhandled' };
  responsePayload?: unknown;
}

export interface AsyncInvokerOptions {
  functions: Pick<LocalFunctions, 'invoke' | 'find'>;
  /**
   * Sends an invocation record (its JSON) to a destination by ARN; answers false when the destination is
   * not one the runtime emulates (only the template's SQS queues are), and the record is dropped.
   */
  sendToDestination?: (destinationArn: string, record: string) => boolean;
  now?: () => number;
}

export interface AsyncInvokeOptions {
  /** The request id every attempt carries (a new UUID when absent), as Lambda keeps one across retries. */
  requestId?: string;
  /** When Lambda accepted the event (epoch ms; now when absent): its age counts from here. */
  acceptedAt?: number;
}

/** The Lambda service's own failure (the function never ran), as opposed to the function's error. */
export function isLambdaServiceError(error: unknown): boolean {
  return error instanceof AwsServiceError || (error instanceof LambdaFunctionError && error.name.startsWith('Lambda.'));
}

/**
 * Lambda's asynchronous invocation, as EventBridge targets and Invoke with `InvocationType: Event` get it:
 * a function error is retried up to the function's `MaximumRetryAttempts` (2 unless its
 * `AWS::Lambda::EventInvokeConfig` says otherwise) while the event is younger than
 * `MaximumEventAgeInSeconds`; then, with an on-failure destination, Lambda's invocation record goes there,
 * and without one the event is dropped. A success goes to the on-success destination when there is one.
 * The Lambda service's own errors (a function that does not exist, an injected service fault) are thrown:
 * the caller decides (EventBridge retries its delivery). Retries run at once (Lambda waits a minute, then
 * two): locally nothing is gained by waiting.
 */
export function asyncInvoker(options: AsyncInvokerOptions): (nameOrArn: string, payload: unknown, invokeOptions?: AsyncInvokeOptions) => Promise<AsyncInvokeOutcome> {
  const now = options.now ?? Date.now;
  return async (nameOrArn, payload, invokeOptions = {}) => {
    const requestId = invokeOptions.requestId ?? randomUUID();
    const acceptedAt = invokeOptions.acceptedAt ?? now();
    // The settings when the event was accepted; a template update applies to the events after it.
    const model = options.functions.find(nameOrArn)?.model;
    const config: AsyncInvokeConfigModel = model?.asyncInvoke ?? { ...ASYNC_INVOKE_DEFAULTS };
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let error: FunctionInvocationError;
      try {
        const result = await options.functions.invoke(nameOrArn, payload, { requestId });
        return settle('Success', attempts, { statusCode: 200, executedVersion: '$LATEST' }, result);
      } catch (thrown) {
        if (isLambdaServiceError(thrown)) throw thrown;
        error =
          thrown instanceof LambdaFunctionError
            ? thrown.payload
            : { errorType: thrown instanceof Error ? thrown.name : 'Error', errorMessage: thrown instanceof Error ? thrown.message : String(thrown) };
      }
      const failed = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' } as const;
      if (attempts > config.maximumRetryAttempts) return settle('RetriesExhausted', attempts, failed, error);
      if (now() - acceptedAt > config.maximumEventAgeInSeconds * 1000) return settle('EventAgeExceeded', attempts, failed, error);
    }

    function settle(condition: AsyncInvokeCondition, attempts: number, responseContext: InvocationRecord['responseContext'], responsePayload: unknown): AsyncInvokeOutcome {
      const destination = condition === 'Success' ? config.onSuccess : config.onFailure;
      if (!destination || !model || !options.sendToDestination) return { condition, attempts };
      const record: InvocationRecord = {
        version: '1.0',
        timestamp: new Date(now()).toISOString(),
        requestContext: { requestId, functionArn: `${model.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
        requestPayload: payload,
        responseContext,
        ...(responsePayload !== undefined ? { responsePayload } : {}),
      };
      return options.sendToDestination(destination, JSON.stringify(record)) ? { condition, attempts, destination } : { condition, attempts };
    }
  };
}
