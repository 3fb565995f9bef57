import type { FaultInjector } from '../faults/faults';
import { LambdaFunctionError } from '../lambda/function-pool';
import type { LocalFunctions } from '../lambda/functions';
import { AwsServiceError } from '../protocol/aws-error';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { DeliverToTarget } from './service';

/** Lambda's default MaximumRetryAttempts for asynchronous invocations. */
export const LAMBDA_ASYNC_RETRIES = 2;

/** The Lambda service's own failure (the function never ran), as opposed to the function's error. */
function isLambdaServiceError(error: unknown): boolean {
  return error instanceof AwsServiceError || (error instanceof LambdaFunctionError && error.name.startsWith('Lambda.'));
}

/**
 * Delivers a matched event to a rule target by the target's kind (its ARN): a state machine starts an
 * execution, a function is invoked asynchronously. Duplicate and delayed delivery faults apply here, as
 * EventBridge's own at-least-once delivery would produce them.
 */
export function targetDispatch({ stepFunctions, functions, faults }: { stepFunctions: StepFunctionsService; functions: LocalFunctions; faults: FaultInjector }): DeliverToTarget {
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
      // then dead-letters it. A function error is Lambda's: it retries twice, as its asynchronous
      // invocation does by default, then drops the event. Awaited, so the event settles in the journal
      // (and `idle()` resolves) only once the function has run.
      for (let attempt = 0; ; attempt++) {
        try {
          await functions.invoke(target.arn, input);
          return;
        } catch (error) {
          if (isLambdaServiceError(error)) throw error;
          if (attempt >= LAMBDA_ASYNC_RETRIES) return;
        }
      }
    }
    throw new Error(`The local runtime cannot deliver to target ${target.arn}`);
  };
}
