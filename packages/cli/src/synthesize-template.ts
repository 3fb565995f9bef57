// Run as a child process by synth.ts: synthesizes the CDK app (without bundling: the local runtime bundles
// each function from its package), checks every state machine definition against the ASL specification
// as CreateStateMachine would, and prints the template as JSON on stdout.
import { synthesizeGamekeeperTemplate } from '@gamekeeper/infra';
import { checkStateMachineDefinitions } from '@gamekeeper/local-runtime/check-definitions';

const template = synthesizeGamekeeperTemplate();
checkStateMachineDefinitions(template as never);
process.stdout.write(JSON.stringify(template));
