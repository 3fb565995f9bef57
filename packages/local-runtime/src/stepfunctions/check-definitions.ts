import '../shared/polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { type CfnTemplate, loadStackModel } from '../template/model';

/**
 * Checks every state machine definition in the template against the ASL specification, as
 * CreateStateMachine does on AWS; throws naming the state machine. A caller that checks once when it
 * synthesizes can start the runtime with `validateDefinitions: false` and skip the ~1 s it costs.
 */
export function checkStateMachineDefinitions(template: CfnTemplate): void {
  for (const machine of loadStackModel(template).stateMachines) {
    try {
      new StateMachine(machine.definition as never, { validationOptions: { checkPaths: true, checkArn: false } });
    } catch (error) {
      throw new Error(`State machine ${machine.name}: invalid definition: ${(error as Error).message}`, { cause: error });
    }
  }
}
