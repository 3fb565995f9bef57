import type { FaultInjector } from '../faults/faults';
import type { LocalFunctions } from '../lambda/functions';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { DeliverToTarget } from './service';

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
      // An asynchronous invocation: EventBridge's part ends when Lambda accepts it; a function error is
      // Lambda's to handle (locally: logged in the function's log group, not retried). Awaited here so
      // the event settles in the journal, and `idle()` resolves, only once the function has run.
      await functions.invoke(target.arn, input).catch(() => undefined);
      return;
    }
    throw new Error(`The local runtime cannot deliver to target ${target.arn}`);
  };
}
