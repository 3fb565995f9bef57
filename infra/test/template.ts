import { Template } from 'aws-cdk-lib/assertions';
import { createGamekeeperApp } from '../src/app';
import type { GamekeeperStackProps } from '../src/gamekeeper-stack';

// Synthesized in-process without bundling: fast, and the template is the same but for asset hashes.
export const noBundling = { context: { 'aws:cdk:bundling-stacks': [] } };

export type Resources = Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown>; DeletionPolicy?: string }>;

/** The stack's template and helpers to find resources by type and logical-id prefix. */
export function synthesize(stack: GamekeeperStackProps = {}) {
  const { stack: built } = createGamekeeperApp({ app: noBundling, stack });
  const template = Template.fromStack(built);
  const resources: Resources = template.toJSON().Resources;
  const logicalIdOf = (type: string, prefix: string) => {
    const id = Object.keys(resources).find((key) => resources[key]!.Type === type && key.startsWith(prefix));
    if (!id) throw new Error(`no ${type} starting with ${prefix}`);
    return id;
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  /** The ASL of a state machine, its function ARNs written as `arn:aws:lambda:...:function:<logical id>`. */
  const definitionOf = (prefix: string): Record<string, any> =>
    JSON.parse(resolveDefinition(resources[logicalIdOf('AWS::StepFunctions::StateMachine', prefix)]!.Properties.DefinitionString));
  /** The statements of the IAM policy attached to a role. */
  const policyOfRole = (rolePrefix: string): any[] => {
    const role = logicalIdOf('AWS::IAM::Role', rolePrefix);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role));
    return policy!.Properties.PolicyDocument.Statement;
  };
  return { template, resources, logicalIdOf, ofType, definitionOf, policyOfRole };
}

/** Turns the DefinitionString's Fn::Join (with function ARNs as Fn::GetAtt) into the ASL JSON. */
export const resolveDefinition = (value: any): string =>
  value['Fn::Join'][1]
    .map((part: any) => {
      if (typeof part === 'string') return part;
      if (part.Ref === 'AWS::Partition') return 'aws';
      if (part.Ref) return `https://sqs.us-east-1.amazonaws.com/123456789012/${part.Ref}`;
      return `arn:aws:lambda:us-east-1:123456789012:function:${part['Fn::GetAtt'][0]}`;
    })
    .join('');

/** Every state of a definition, including those inside Parallel branches and Map item processors. */
export const statesOf = (def: any): Record<string, any> =>
  Object.assign(
    {},
    def.States,
    ...Object.values<any>(def.States).flatMap((s) => [...(s.Branches ?? []), ...(s.ItemProcessor ? [s.ItemProcessor] : []), ...(s.Iterator ? [s.Iterator] : [])].map(statesOf)),
  );

export const actionsOf = (s: { Action: string | string[] }) => [s.Action].flat();
