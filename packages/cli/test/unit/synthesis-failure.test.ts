import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/synthesize-app';

// How a failed synthesis is told: what failed, and the workspace file, line and column where it did.
const root = '/work/repo';
const appDir = `${root}/infra`;

describe('describeFailure', () => {
  it("takes the file, line and column of a syntax error from esbuild's message", () => {
    const error = Object.assign(new Error(`Transform failed with 1 error:\n${appDir}/src/gamekeeper-stack.ts:65:65: ERROR: Unexpected ";"`), { name: 'TransformError' });
    expect(describeFailure(error, appDir)).toEqual({ stage: 'compile', message: 'Unexpected ";"', location: 'infra/src/gamekeeper-stack.ts:65:65' });
  });

  it("takes the app's own frame of the stack for an error thrown while synthesizing, not the CDK's or the synthesizer's", () => {
    const error = new Error('no housekeeping today');
    error.stack = [
      'Error: no housekeeping today',
      `    at Stack.validate (${root}/node_modules/.pnpm/aws-cdk-lib@2.276.0/node_modules/aws-cdk-lib/core/lib/stack.js:1:100)`,
      `    at new GamekeeperStack (file://${appDir}/src/gamekeeper-stack.ts?gk-synth=7:67:25)`,
      `    at createGamekeeperApp (file://${appDir}/src/app.ts?gk-synth=7:10:17)`,
    ].join('\n');
    expect(describeFailure(error, appDir)).toEqual({ stage: 'synthesize', message: 'no housekeeping today', location: 'infra/src/gamekeeper-stack.ts:67:25' });
  });

  it('names an invalid state machine definition as the ASL check does, and a missing module as a compile error', () => {
    expect(describeFailure(new Error('State machine Housekeeping: invalid definition: States.Foo is not valid'), appDir)).toEqual({
      stage: 'validate',
      message: 'State machine Housekeeping: invalid definition: States.Foo is not valid',
    });
    const missing = Object.assign(new Error(`Cannot find module '${appDir}/src/nope' imported from ${appDir}/src/gamekeeper-stack.ts?gk-synth=3`), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(describeFailure(missing, appDir)).toMatchObject({ stage: 'compile', message: "Cannot find module 'infra/src/nope' imported from infra/src/gamekeeper-stack.ts" });
  });
});
