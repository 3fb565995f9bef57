import '../shared/polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { type CfnTemplate, loadStackModel } from '../template/model';

/**
 * Checks every state machine definition in the template against the ASL specification, as
 * CreateStateMachine does on AWS; throws naming the state machine. A caller that checks once when it
 * synthesizes can start the runtime with `validateDefinitions: false` and skip the ~1 s it costs.
 * `checked` (definitions already found valid, as JSON) skips those and gains the new valid ones: a
 * caller that checks template after template (a watcher) checks only what changed.
 */
export function checkStateMachineDefinitions(template: CfnTemplate, checked?: Set<string>): void {
  for (const machine of loadStackModel(template).stateMachines) {
    const definition = JSON.stringify(machine.definition);
    if (checked?.has(definition)) continue;
    try {
      // A copy: the engine writes defaults into the definition it is given.
      new StateMachine(structuredClone(machine.definition) as never, { validationOptions: { checkPaths: true, checkArn: false } });
    } catch (error) {
      throw new Error(`State machine ${machine.name}: invalid definition: ${(error as Error).message}`, { cause: error });
    }
    checked?.add(definition);
  }
}
