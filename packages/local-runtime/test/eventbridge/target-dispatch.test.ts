import { describe, expect, it } from 'vitest';
import { LAMBDA_ASYNC_RETRIES, targetDispatch } from '../../src/eventbridge/target-dispatch';
import { FaultInjector } from '../../src/faults/faults';
import { LambdaFunctionError } from '../../src/lambda/function-pool';
import type { LocalFunctions } from '../../src/lambda/functions';
import type { StepFunctionsService } from '../../src/stepfunctions/service';
import type { RuleModel, RuleTargetModel } from '../../src/template/model';

// A rule whose target is a function: what EventBridge retries, and what Lambda's asynchronous invocation does.
const target: RuleTargetModel = { id: 'fn', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Counter', retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 60 } };
const rule = { name: 'r' } as RuleModel;

function dispatchTo(outcomes: Array<'ok' | Error>) {
  const calls: unknown[] = [];
  const functions = {
    invoke: async (_arn: string, input: unknown) => {
      calls.push(input);
      const outcome = outcomes[Math.min(calls.length - 1, outcomes.length - 1)];
      if (outcome instanceof Error) throw outcome;
      return { ok: true };
    },
    find: () => undefined,
  } as unknown as LocalFunctions;
  return { calls, deliver: targetDispatch({ stepFunctions: {} as StepFunctionsService, functions, faults: new FaultInjector() }) };
}

describe('delivering to a function target', () => {
  it('invokes it once when it succeeds', async () => {
    const { calls, deliver } = dispatchTo(['ok']);
    await deliver(target, { n: 1 }, rule);
    expect(calls).toEqual([{ n: 1 }]);
  });

  it("fails the delivery when the Lambda service refuses the invocation, so EventBridge's retry policy and DLQ apply", async () => {
    const { calls, deliver } = dispatchTo([new LambdaFunctionError({ errorType: 'Lambda.ServiceException', errorMessage: 'down' })]);
    await expect(deliver(target, { n: 2 }, rule)).rejects.toThrow('down');
    expect(calls).toHaveLength(1);
  });

  it("leaves a function error to Lambda: retried twice, then dropped without an on-failure destination (the delivery itself succeeded)", async () => {
    const { calls, deliver } = dispatchTo([new LambdaFunctionError({ errorType: 'InvalidGameEvent', errorMessage: 'bad' })]);
    await deliver(target, { n: 3 }, rule);
    expect(calls).toHaveLength(1 + LAMBDA_ASYNC_RETRIES);
  });

  it('stops retrying a function error once an attempt succeeds', async () => {
    const { calls, deliver } = dispatchTo([new LambdaFunctionError({ errorType: 'Sandbox.Timedout', errorMessage: 'slow' }), 'ok']);
    await deliver(target, { n: 4 }, rule);
    expect(calls).toHaveLength(2);
  });
});
