import { type ResolveContext, TemplateResolutionError, resolveValue } from './intrinsics';

/** A synthesized CloudFormation template, as `cdk synth` writes it. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Parameters?: Record<string, unknown>;
}

export interface BusModel {
  name: string;
  arn: string;
}
export interface RuleTargetModel {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
  deadLetterArn?: string;
}
export interface RuleModel {
  name: string;
  busName: string;
  enabled: boolean;
  pattern: unknown;
  targets: RuleTargetModel[];
}
export interface StateMachineModel {
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
  roleArn?: string;
}
export interface FunctionModel {
  logicalId: string;
  name: string;
  arn: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The workspace package whose `./handler` export is the function's code (infra puts it in Metadata). */
  servicePackage?: string;
}
export interface TableModel {
  name: string;
  arn: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
}
export interface QueueModel {
  name: string;
  arn: string;
}
export interface StackModel {
  region: string;
  accountId: string;
  buses: BusModel[];
  rules: RuleModel[];
  stateMachines: StateMachineModel[];
  functions: FunctionModel[];
  tables: TableModel[];
  queues: QueueModel[];
}

export const SERVICE_PACKAGE_METADATA = 'gamekeeper:servicePackage';

/** CDK appends an 8-character hash to logical ids; locally the readable part is the physical name. */
export function localName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '') || logicalId;
}

const arnFor: Record<string, (ctx: { region: string; accountId: string }, name: string) => string> = {
  'AWS::Events::EventBus': (c, n) => `arn:aws:events:${c.region}:${c.accountId}:event-bus/${n}`,
  'AWS::Events::Rule': (c, n) => `arn:aws:events:${c.region}:${c.accountId}:rule/${n}`,
  'AWS::StepFunctions::StateMachine': (c, n) => `arn:aws:states:${c.region}:${c.accountId}:stateMachine:${n}`,
  'AWS::Lambda::Function': (c, n) => `arn:aws:lambda:${c.region}:${c.accountId}:function:${n}`,
  'AWS::DynamoDB::Table': (c, n) => `arn:aws:dynamodb:${c.region}:${c.accountId}:table/${n}`,
  'AWS::SQS::Queue': (c, n) => `arn:aws:sqs:${c.region}:${c.accountId}:${n}`,
  'AWS::SNS::Topic': (c, n) => `arn:aws:sns:${c.region}:${c.accountId}:${n}`,
  'AWS::Logs::LogGroup': (c, n) => `arn:aws:logs:${c.region}:${c.accountId}:log-group:${n}`,
  'AWS::IAM::Role': (c, n) => `arn:aws:iam::${c.accountId}:role/${n}`,
  'AWS::KMS::Key': (c, n) => `arn:aws:kms:${c.region}:${c.accountId}:key/${n}`,
};
const explicitNameProperty: Record<string, string> = {
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
};
/** Resources whose `Ref` is their ARN rather than their name. */
const refIsArn = new Set(['AWS::StepFunctions::StateMachine', 'AWS::SNS::Topic']);

/** Builds the local model of every resource the runtime emulates from a synthesized template. */
export function loadStackModel(template: CfnTemplate, options: { region?: string; accountId?: string } = {}): StackModel {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const resources = template.Resources;
  const names = new Map<string, string>();
  const ctx: ResolveContext = {
    region,
    accountId,
    parameters: Object.fromEntries(Object.keys(template.Parameters ?? {}).map((p) => [p, `local-${p}`])),
    ref: (logicalId) => {
      const resource = resources[logicalId];
      if (!resource) throw new TemplateResolutionError(`Ref to unknown resource ${logicalId}`);
      if (refIsArn.has(resource.Type)) return arnOf(logicalId);
      if (resource.Type === 'AWS::SQS::Queue') return `http://sqs.${region}.localhost/${accountId}/${nameOf(logicalId)}`;
      return nameOf(logicalId);
    },
    getAtt: (logicalId, attribute) => {
      const resource = resources[logicalId];
      if (!resource) throw new TemplateResolutionError(`Fn::GetAtt on unknown resource ${logicalId}`);
      if (attribute === 'Arn') return arnOf(logicalId);
      if (attribute === 'QueueUrl') return ctx.ref(logicalId);
      return nameOf(logicalId);
    },
  };
  function nameOf(logicalId: string): string {
    const known = names.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId]!;
    const property = explicitNameProperty[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    const name = explicit !== undefined ? String(resolveValue(explicit, ctx)) : uniqueLocalName(logicalId);
    names.set(logicalId, name);
    return name;
  }
  function uniqueLocalName(logicalId: string): string {
    const short = localName(logicalId);
    const clash = Object.keys(resources).some((other) => other !== logicalId && localName(other) === short);
    return clash ? logicalId : short;
  }
  function arnOf(logicalId: string): string {
    const type = resources[logicalId]!.Type;
    const build = arnFor[type];
    return build ? build({ region, accountId }, nameOf(logicalId)) : `arn:aws:local:${region}:${accountId}:${logicalId}`;
  }
  const props = (logicalId: string) => resolveValue(resources[logicalId]!.Properties ?? {}, ctx) as Record<string, any>;
  const ofType = (type: string) => Object.keys(resources).filter((id) => resources[id]!.Type === type);

  return {
    region,
    accountId,
    buses: ofType('AWS::Events::EventBus').map((id) => ({ name: nameOf(id), arn: arnOf(id) })),
    rules: ofType('AWS::Events::Rule').map((id) => {
      const p = props(id);
      return {
        name: nameOf(id),
        busName: busNameFrom(p.EventBusName),
        enabled: (p.State ?? 'ENABLED') === 'ENABLED',
        pattern: typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern,
        targets: ((p.Targets ?? []) as Record<string, any>[]).map((t) => ({
          id: String(t.Id),
          arn: String(t.Arn),
          input: t.Input,
          inputPath: t.InputPath,
          retryPolicy: {
            maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? 185,
            maximumEventAgeInSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
          },
          deadLetterArn: t.DeadLetterConfig?.Arn,
        })),
      };
    }),
    stateMachines: ofType('AWS::StepFunctions::StateMachine').map((id) => {
      const p = props(id);
      const definition = p.DefinitionString !== undefined ? JSON.parse(String(p.DefinitionString)) : p.Definition;
      return { name: nameOf(id), arn: arnOf(id), type: p.StateMachineType ?? 'STANDARD', definition, roleArn: p.RoleArn };
    }),
    functions: ofType('AWS::Lambda::Function').map((id) => {
      const p = props(id);
      const servicePackage = resources[id]!.Metadata?.[SERVICE_PACKAGE_METADATA];
      return {
        logicalId: id,
        name: nameOf(id),
        arn: arnOf(id),
        environment: Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, String(v)])),
        timeoutSeconds: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
        ...(typeof servicePackage === 'string' ? { servicePackage } : {}),
      };
    }),
    tables: ofType('AWS::DynamoDB::Table').map((id) => {
      const p = props(id);
      return { name: nameOf(id), arn: arnOf(id), keySchema: p.KeySchema, attributeDefinitions: p.AttributeDefinitions };
    }),
    queues: ofType('AWS::SQS::Queue').map((id) => ({ name: nameOf(id), arn: arnOf(id) })),
  };
}

/** A rule's EventBusName may be a name or an ARN; absent means the default bus. */
function busNameFrom(value: unknown): string {
  if (value === undefined) return 'default';
  const text = String(value);
  return text.startsWith('arn:') ? text.slice(text.lastIndexOf('/') + 1) : text;
}
