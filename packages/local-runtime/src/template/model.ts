import { SERVICE_PACKAGE_METADATA } from '@gamekeeper/bundling';
import { type AccountScope, arn, busNameFromArn, functionNameFromArn } from '../arn';
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
  arn: string;
  busName: string;
  enabled: boolean;
  pattern: unknown;
  targets: RuleTargetModel[];
}
/**
 * An `AWS::Events::Archive`: the events of its bus that match its pattern, kept for `RetentionDays`
 * (0 or absent: indefinitely). Named by `ArchiveName`, else like every unnamed resource here (the logical
 * id without the CDK hash; CloudFormation would add a random suffix).
 */
export interface ArchiveModel {
  name: string;
  /** `arn:aws:events:<region>:<account>:archive/<name>`. */
  arn: string;
  /** `SourceArn`: the ARN of the bus it archives. */
  eventSourceArn: string;
  busName: string;
  /** `EventPattern`; absent: every event on the bus. */
  pattern?: unknown;
  retentionDays: number;
  description?: string;
}
export interface StateMachineModel {
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
  roleArn?: string;
  /** The log group its `LoggingConfiguration` sends execution logs to, when the template gives one. */
  logGroupName?: string;
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
  /** Where its logs go: `LoggingConfig.LogGroup` when the template sets it, else `/aws/lambda/<name>` as on AWS. */
  logGroupName: string;
  /** `LoggingConfig.LogFormat`: `Text` (AWS's default) or `JSON`. */
  logFormat: 'Text' | 'JSON';
  runtime?: string;
  handler?: string;
  description?: string;
  roleArn?: string;
  /** `x86_64` unless the template says otherwise. */
  architectures: string[];
  tracingMode?: string;
  ephemeralStorageMb: number;
  tags: Record<string, string>;
  /**
   * How Lambda handles its asynchronous invocations (EventBridge targets, Invoke with `InvocationType:
   * Event`), from the template's `AWS::Lambda::EventInvokeConfig` on `$LATEST`. Absent: Lambda's defaults
   * (2 retries, 6 hours, no destinations).
   */
  asyncInvoke?: AsyncInvokeConfigModel;
}
/** An `AWS::Lambda::EventInvokeConfig` (qualifier `$LATEST`, the only version the runtime runs). */
export interface AsyncInvokeConfigModel {
  /** `MaximumRetryAttempts` (0 to 2): retries of a function error. Default 2. */
  maximumRetryAttempts: number;
  /** `MaximumEventAgeInSeconds` (60 to 21,600): an event older than this is not retried. Default 21,600. */
  maximumEventAgeInSeconds: number;
  /** `DestinationConfig.OnFailure.Destination`: where the invocation record of a failed event goes. */
  onFailure?: string;
  /** `DestinationConfig.OnSuccess.Destination`: where the invocation record of a successful event goes. */
  onSuccess?: string;
}
/** Lambda's asynchronous invocation defaults: 2 retries of a function error, events kept 6 hours. */
export const ASYNC_INVOKE_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 } as const;
export interface LogGroupModel {
  name: string;
  /** Without the `:*` suffix CloudFormation's `Arn` attribute carries. */
  arn: string;
  retentionInDays?: number;
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
  /** The template's `AWS::Events::Archive` resources. */
  archives: ArchiveModel[];
  stateMachines: StateMachineModel[];
  functions: FunctionModel[];
  tables: TableModel[];
  queues: QueueModel[];
  /** The template's `AWS::Logs::LogGroup` resources. */
  logGroups: LogGroupModel[];
  /** The template's API Gateway HTTP APIs (`AWS::ApiGatewayV2::Api`, protocol HTTP) with their Lambda proxy routes. */
  httpApis: HttpApiModel[];
}

export interface HttpRouteModel {
  /** `POST`, or `ANY`. */
  method: string;
  /** `/completions/level` (no path parameters or greedy paths are emulated). */
  path: string;
  functionArn: string;
  payloadFormatVersion: string;
}
export interface HttpApiModel {
  /** The API's id locally: its name. */
  id: string;
  name: string;
  routes: HttpRouteModel[];
  /** The `$default` stage's route throttling, when set. */
  throttle?: { rateLimit: number; burstLimit: number };
}

/** CDK appends an 8-character hash to logical ids; locally the readable part is the physical name. */
export function localName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '') || logicalId;
}

/** How each resource type's ARN is built from its physical name (rules are built apart: they need their bus). */
const arnFor: Record<string, (scope: AccountScope, name: string) => string> = {
  'AWS::Events::EventBus': arn.eventBus,
  'AWS::Events::Archive': arn.archive,
  'AWS::StepFunctions::StateMachine': arn.stateMachine,
  'AWS::Lambda::Function': arn.lambdaFunction,
  'AWS::DynamoDB::Table': arn.table,
  'AWS::SQS::Queue': arn.queue,
  'AWS::SNS::Topic': arn.topic,
  'AWS::Logs::LogGroup': arn.logGroup,
  'AWS::IAM::Role': arn.role,
  'AWS::KMS::Key': arn.kmsKey,
};
const explicitNameProperty: Record<string, string> = {
  'AWS::ApiGatewayV2::Api': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
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
    if (type === 'AWS::Events::Rule') return arn.rule({ region, accountId }, busNameFromArn(props(logicalId).EventBusName), nameOf(logicalId));
    const build = arnFor[type];
    return build ? build({ region, accountId }, nameOf(logicalId)) : `arn:aws:local:${region}:${accountId}:${logicalId}`;
  }
  const props = (logicalId: string) => resolveValue(resources[logicalId]!.Properties ?? {}, ctx) as Record<string, any>;
  const ofType = (type: string) => Object.keys(resources).filter((id) => resources[id]!.Type === type);

  // Asynchronous invocation settings, by the name of the function they configure (its Ref, name or ARN).
  const asyncInvokeByFunction = new Map<string, AsyncInvokeConfigModel>();
  for (const id of ofType('AWS::Lambda::EventInvokeConfig')) {
    const p = props(id);
    if (String(p.Qualifier ?? '$LATEST') !== '$LATEST') continue;
    const onFailure = p.DestinationConfig?.OnFailure?.Destination;
    const onSuccess = p.DestinationConfig?.OnSuccess?.Destination;
    asyncInvokeByFunction.set(functionNameFromArn(String(p.FunctionName)), {
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? ASYNC_INVOKE_DEFAULTS.maximumRetryAttempts),
      maximumEventAgeInSeconds: Number(p.MaximumEventAgeInSeconds ?? ASYNC_INVOKE_DEFAULTS.maximumEventAgeInSeconds),
      ...(typeof onFailure === 'string' ? { onFailure } : {}),
      ...(typeof onSuccess === 'string' ? { onSuccess } : {}),
    });
  }

  return {
    region,
    accountId,
    buses: ofType('AWS::Events::EventBus').map((id) => ({ name: nameOf(id), arn: arnOf(id) })),
    rules: ofType('AWS::Events::Rule').map((id) => {
      const p = props(id);
      return {
        name: nameOf(id),
        arn: arnOf(id),
        busName: busNameFromArn(p.EventBusName),
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
    archives: ofType('AWS::Events::Archive').map((id) => {
      const p = props(id);
      const eventSourceArn = String(p.SourceArn);
      const pattern = typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern;
      return {
        name: nameOf(id),
        arn: arnOf(id),
        eventSourceArn,
        busName: busNameFromArn(eventSourceArn),
        ...(pattern !== undefined ? { pattern } : {}),
        retentionDays: Number(p.RetentionDays ?? 0),
        ...(typeof p.Description === 'string' && p.Description !== '' ? { description: p.Description } : {}),
      };
    }),
    stateMachines: ofType('AWS::StepFunctions::StateMachine').map((id) => {
      const p = props(id);
      const definition = p.DefinitionString !== undefined ? JSON.parse(String(p.DefinitionString)) : p.Definition;
      const logGroupArn = (p.LoggingConfiguration?.Destinations as Record<string, any>[] | undefined)?.find((d) => d.CloudWatchLogsLogGroup)?.CloudWatchLogsLogGroup?.LogGroupArn;
      return {
        name: nameOf(id),
        arn: arnOf(id),
        type: p.StateMachineType ?? 'STANDARD',
        definition,
        roleArn: p.RoleArn,
        ...(typeof logGroupArn === 'string' ? { logGroupName: logGroupNameFromArn(logGroupArn) } : {}),
      };
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
        logGroupName: typeof p.LoggingConfig?.LogGroup === 'string' ? logGroupNameFromArn(p.LoggingConfig.LogGroup) : `/aws/lambda/${nameOf(id)}`,
        logFormat: p.LoggingConfig?.LogFormat === 'JSON' ? 'JSON' : 'Text',
        ...(p.Runtime !== undefined ? { runtime: String(p.Runtime) } : {}),
        ...(p.Handler !== undefined ? { handler: String(p.Handler) } : {}),
        ...(p.Description !== undefined ? { description: String(p.Description) } : {}),
        ...(p.Role !== undefined ? { roleArn: String(p.Role) } : {}),
        architectures: Array.isArray(p.Architectures) && p.Architectures.length > 0 ? p.Architectures.map(String) : ['x86_64'],
        ...(p.TracingConfig?.Mode !== undefined ? { tracingMode: String(p.TracingConfig.Mode) } : {}),
        ephemeralStorageMb: Number(p.EphemeralStorage?.Size ?? 512),
        tags: Object.fromEntries(((p.Tags ?? []) as { Key: string; Value: unknown }[]).map((t) => [String(t.Key), String(t.Value)])),
        ...(asyncInvokeByFunction.has(nameOf(id)) ? { asyncInvoke: asyncInvokeByFunction.get(nameOf(id))! } : {}),
      };
    }),
    tables: ofType('AWS::DynamoDB::Table').map((id) => {
      const p = props(id);
      return { name: nameOf(id), arn: arnOf(id), keySchema: p.KeySchema, attributeDefinitions: p.AttributeDefinitions };
    }),
    queues: ofType('AWS::SQS::Queue').map((id) => ({ name: nameOf(id), arn: arnOf(id) })),
    logGroups: ofType('AWS::Logs::LogGroup').map((id) => {
      const retention = props(id).RetentionInDays;
      return { name: nameOf(id), arn: arnOf(id), ...(retention !== undefined ? { retentionInDays: Number(retention) } : {}) };
    }),
    httpApis: ofType('AWS::ApiGatewayV2::Api')
      .filter((id) => props(id).ProtocolType === 'HTTP')
      .map((id) => {
        const apiId = nameOf(id);
        const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map((i) => [nameOf(i), props(i)]));
        const routes = ofType('AWS::ApiGatewayV2::Route')
          .map((r) => props(r))
          .filter((route) => route.ApiId === apiId && typeof route.RouteKey === 'string' && route.RouteKey.includes(' '))
          .flatMap((route): HttpRouteModel[] => {
            const integration = integrations.get(String(route.Target ?? '').replace(/^integrations\//, ''));
            if (!integration || integration.IntegrationType !== 'AWS_PROXY') return [];
            const [method, path] = String(route.RouteKey).split(' ') as [string, string];
            return [{ method, path, functionArn: String(integration.IntegrationUri), payloadFormatVersion: String(integration.PayloadFormatVersion ?? '2.0') }];
          });
        const stage = ofType('AWS::ApiGatewayV2::Stage')
          .map((s) => props(s))
          .find((s) => s.ApiId === apiId && s.StageName === '$default');
        const settings = stage?.DefaultRouteSettings;
        return {
          id: apiId,
          name: apiId,
          routes,
          ...(settings?.ThrottlingRateLimit !== undefined ? { throttle: { rateLimit: Number(settings.ThrottlingRateLimit), burstLimit: Number(settings.ThrottlingBurstLimit ?? settings.ThrottlingRateLimit) } } : {}),
        };
      }),
  };
}

/** A log group's name from its name or ARN (`arn:aws:logs:...:log-group:NAME` with or without `:*`). */
export function logGroupNameFromArn(value: string): string {
  const marker = ':log-group:';
  const at = value.startsWith('arn:') ? value.indexOf(marker) : -1;
  return at < 0 ? value : value.slice(at + marker.length).replace(/:\*$/, '');
}
