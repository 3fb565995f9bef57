import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GamekeeperStack, type GamekeeperStackProps } from './gamekeeper-stack';

export const STACK_NAME = 'Gamekeeper';

/** The CDK app with the stack and cdk-nag's AwsSolutions checks (unacknowledged findings are errors). */
export function createGamekeeperApp(props: { app?: AppProps; stack?: GamekeeperStackProps } = {}) {
  const app = new App(props.app);
  const stack = new GamekeeperStack(app, STACK_NAME, props.stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

/**
 * The stack's CloudFormation template, synthesized in-process without bundling the functions (for the
 * local runtime, which bundles each function from its own package, and for fast tests).
 */
export function synthesizeGamekeeperTemplate(props: { stack?: GamekeeperStackProps } = {}): Record<string, any> {
  const { app, stack } = createGamekeeperApp({ app: { context: { 'aws:cdk:bundling-stacks': [] } }, ...props });
  return app.synth().getStackByName(stack.stackName).template;
}
