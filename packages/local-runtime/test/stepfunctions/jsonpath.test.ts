import { describe, expect, it } from 'vitest';
import { StepFunctionsService } from '../../src/stepfunctions/service';

// aws-local-stepfunctions is patched (patches/aws-local-stepfunctions@3.0.0.patch, see the README): an
// indefinite JSONPath (filter, wildcard, deep scan, slice, union) that matches nothing gives [] as on AWS,
// where the unpatched engine failed the execution with States.Runtime "... does not point to a value".

const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Paths';

/** Runs a one-state machine whose Pass state has these Parameters, and returns the execution's end. */
async function run(parameters: Record<string, unknown>, input: unknown, states?: Record<string, unknown>) {
  const definition = states
    ? { StartAt: 'First', States: states }
    : { StartAt: 'First', States: { First: { Type: 'Pass', Parameters: parameters, End: true } } };
  const service = new StepFunctionsService({
    stateMachines: [{ name: 'Paths', arn: stateMachineArn, type: 'EXPRESS', definition }],
    region: 'us-east-1',
    accountId: '000000000000',
    invokeFunction: async () => null,
  });
  const execution = service.start({ stateMachineArn, input: JSON.stringify(input) });
  await execution.done;
  return { status: execution.status, output: execution.output === undefined ? undefined : JSON.parse(execution.output), error: execution.error, cause: execution.cause };
}

const outcomes = [{ outcome: 'written', index: 0 }, { outcome: 'written', index: 1 }, { outcome: 'failed', index: 2 }];

describe('JSONPath in Parameters and ResultSelector, as on AWS', () => {
  it('gives [] for a filter that matches nothing', async () => {
    const result = await run({ 'failed.$': "$[?(@.outcome == 'failed')]" }, [{ outcome: 'written', index: 0 }]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { failed: [] } });
  });

  it('still gives every match of a filter, as an array even when there is one', async () => {
    const result = await run({ 'written.$': "$[?(@.outcome == 'written')]", 'failed.$': "$[?(@.outcome == 'failed')]" }, outcomes);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { written: outcomes.slice(0, 2), failed: [outcomes[2]] } });
  });

  it('gives [] for the other indefinite paths that match nothing: wildcard, deep scan, slice, union', async () => {
    const result = await run({ 'wildcard.$': '$.items[*].id', 'scan.$': '$..missing', 'slice.$': '$.items[0:2]', 'union.$': '$.items[0,1]' }, { items: [] });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { wildcard: [], scan: [], slice: [], union: [] } });
  });

  it('still fails on a definite path that points to nothing (States.Runtime, as on AWS)', async () => {
    const result = await run({ 'value.$': '$.missing' }, { present: 1 });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toMatch(/\$\.missing/);
  });

  it('runs a Map whose ResultSelector filters the iterations: none failed, then one failed', async () => {
    // The Rebuild's shape: each iteration reports an outcome; the summary counts one kind and lists the other.
    const states = {
      First: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Outcome',
          States: {
            Outcome: {
              Type: 'Choice',
              Choices: [{ Variable: '$.bad', BooleanEquals: true, Next: 'Failed' }],
              Default: 'Written',
            },
            Failed: { Type: 'Pass', Parameters: { outcome: 'failed', 'id.$': '$.id' }, End: true },
            Written: { Type: 'Pass', Parameters: { outcome: 'written', 'id.$': '$.id' }, End: true },
          },
        },
        ResultSelector: { 'written.$': "$[?(@.outcome == 'written')]", 'failed.$': "$[?(@.outcome == 'failed')]" },
        Next: 'Summary',
      },
      Summary: { Type: 'Pass', Parameters: { 'written.$': 'States.ArrayLength($.written)', 'failed.$': '$.failed' }, End: true },
    };
    const allWritten = await run({}, { items: [{ id: 'a', bad: false }, { id: 'b', bad: false }] }, states);
    expect(allWritten).toMatchObject({ status: 'SUCCEEDED', output: { written: 2, failed: [] } });
    const oneFailed = await run({}, { items: [{ id: 'a', bad: false }, { id: 'b', bad: true }] }, states);
    expect(oneFailed).toMatchObject({ status: 'SUCCEEDED', output: { written: 1, failed: [{ outcome: 'failed', id: 'b' }] } });
    const noneWritten = await run({}, { items: [{ id: 'c', bad: true }] }, states);
    expect(noneWritten).toMatchObject({ status: 'SUCCEEDED', output: { written: 0, failed: [{ outcome: 'failed', id: 'c' }] } });
  });
});
