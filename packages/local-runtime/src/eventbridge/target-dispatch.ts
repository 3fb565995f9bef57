import type { FaultInjector } from '../faults/faults';
import { type AsyncInvokerOptions, asyncInvoker } from '../lambda/async-invoke';
import type { LocalFunctions } from '../lambda/functions';
import type { StepFunctionsService } from '../stepfunctions/service';
import { ASYNC_INVOKE_DEFAULTS } from '../template/model';
import type { DeliverToTarget } from './service';

/** Lambda's default MaximumRetryAttempts for asynchronous invocations. */
export const LAMBDA_ASYNC_RETRIES = ASYNC_INVOKE_DEFAULTS.maximumRetryAttempts;

/**
 * Delivers a matched event to a rule target by the target's kind (its ARN): a state machine starts an
 * execution, a function is invoked asynchronously. Duplicate and delayed delivery faults apply here, as
 * EventBridge's own at-least-once delivery would produce them.
 */
export function targetDispatch({
  stepFunctions,
  functions,
  faults,
  sendToDestination,
}: {
  stepFunctions: StepFunctionsService;
  functions: LocalFunctions;
  faults: FaultInjector;
  /** Where the functions' asynchronous invocation records go (their on-failure/on-success destinations). */
  sendToDestination?: AsyncInvokerOptions['sendToDestination'];
}): DeliverToTarget {
  const invokeAsync = asyncInvoker({ functions, ...(sendToDestination ? { sendToDestination } : {}) });
  return async (target, input, _rule, started) => {
    if (target.arn.startsWith('arn:aws:states:')) {
      const delay = faults.deliveryDelayMs(input);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      // Delivered once the execution has ended (succeeded, or failed and dead-lettered by its Catch):
      // until then the event stays unsettled in the journal and a restart delivers it again.
      const inputText = JSON.stringify(input);
      const run = () => {
        const execution = stepFunctions.start({ stateMachineArn: target.arn, input: inputText }, input);
        started?.({ executionArn: execution.executionArn });
        return execution.done;
      };
      const runs = [run()];
      if (faults.duplicateDelivery(input)) runs.push(run());
      await Promise.all(runs);
      return;
    }
    if (target.arn.startsWith('arn:aws:lambda:')) {
      // An asynchronous invocation. The Lambda service refusing it (its own error, a function that does not
      // exist) is a delivery failure: thrown, so EventBridge retries it under the target's retry policy and
      // then dead-letters it. A function error is Lambda's: it retries it (the function's
      // MaximumRetryAttempts, 2 by default), then sends the invocation record to the function's on-failure
      // destination, or drops the event when it has none. Awaited, so the event settles in the journal (and
      // `idle()` resolves) only once the function has run and any record is in its queue.
      await invokeAsync(target.arn, input);
      return;
    }
    throw new Error(`The local runtime cannot deliver to target ${target.arn}`);
  };
}
