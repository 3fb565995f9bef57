import { COMPLETION_DETAIL_TYPES, DetailType, ErrorName, Source } from '@gamekeeper/contracts';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COMPLETION_ROUTES,
  LevelStoreFunction,
  RETRYABLE_ERRORS,
  ReportFunction,
  TASK_RETRY,
  gameTable,
  generateReportTask,
  isGameCompletedChoice,
  updateCompletedLevelTask,
} from '../src/index';
import { noBundling, resolveDefinition, statesOf, synthesize } from './template';

let synthesized: ReturnType<typeof synthesize>;
let housekeeping: Record<string, any>;
let rebuild: Record<string, any>;

beforeAll(() => {
  synthesized = synthesize();
  housekeeping = synthesized.definitionOf('HousekeepingStateMachine');
  rebuild = synthesized.definitionOf('RebuildStateMachine');
});

const invokeTasks = (def: any) => Object.entries(statesOf(def)).filter(([, s]) => s.Type === 'Task' && s.Resource.endsWith(':lambda:invoke'));
const retryOf = [{ ErrorEquals: RETRYABLE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 20, JitterStrategy: 'FULL' }];

describe('in another flow: the Rebuild state machine', () => {
  it('is a second state machine, Express, traced, logging errors only by default', () => {
    const machines = synthesized.ofType('AWS::StepFunctions::StateMachine');
    expect(machines.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['HousekeepingStateMachine', 'RebuildStateMachine']);
    expect(synthesized.resources[synthesized.logicalIdOf('AWS::StepFunctions::StateMachine', 'RebuildStateMachine')]!.Properties).toMatchObject({
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
  });

  it('invokes the same function ARNs as the housekeeping store tasks, with the same Retry, and no others', () => {
    const functionsOf = (def: any) => Object.fromEntries(invokeTasks(def).map(([name, s]) => [name, s.Parameters.FunctionName]));
    const rebuildFunctions = functionsOf(rebuild);
    const housekeepingFunctions = functionsOf(housekeeping);
    expect(Object.keys(rebuildFunctions).sort()).toEqual(['UpdateCompletedGame', 'UpdateCompletedLevel']);
    expect(rebuildFunctions.UpdateCompletedLevel).toBe(housekeepingFunctions.UpdateCompletedLevel);
    expect(rebuildFunctions.UpdateCompletedGame).toBe(housekeepingFunctions.UpdateCompletedGame);
    for (const [, task] of invokeTasks(rebuild)) expect(task.Retry).toEqual(retryOf);
    // No report, no metric: the whole definition names neither function.
    expect(JSON.stringify(rebuild)).not.toMatch(/ReportFunction|MetricFunction|GenerateReport|LogMetric|sqs:/);
  });

  it('maps over `events` with bounded concurrency, each item as { index, event }', () => {
    expect(rebuild.StartAt).toBe('RebuildEvents');
    const map = rebuild.States.RebuildEvents;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.events',
      MaxConcurrency: 10,
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'event.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'HasDetailType' },
      Next: 'Summary',
    });
    expect(map.Catch).toBeUndefined();
    const custom = synthesize({ rebuildMaxConcurrency: 25 }).definitionOf('RebuildStateMachine');
    expect(custom.States.RebuildEvents.MaxConcurrency).toBe(25);
    expect(() => synthesize({ rebuildMaxConcurrency: 0 })).toThrow(/rebuildMaxConcurrency/);
  });

  it('routes each event through the IsGameCompleted Choice to the writers, checking first that it has a detail-type', () => {
    const states = rebuild.States.RebuildEvents.ItemProcessor.States;
    expect(states.HasDetailType).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: "$.event['detail-type']", IsPresent: true, Next: 'IsGameCompleted' }],
      Default: 'NotACompletion',
    });
    expect(states.IsGameCompleted).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: "$.event['detail-type']", StringEquals: DetailType.GameCompleted, Next: 'UpdateCompletedGame' }],
      Default: 'UpdateCompletedLevel',
    });
    for (const task of ['UpdateCompletedGame', 'UpdateCompletedLevel']) {
      expect(states[task]).toMatchObject({ Parameters: { 'Payload.$': '$.event' }, ResultPath: null, Next: 'Written' });
      expect(states[task].OutputPath).toBeUndefined();
    }
    expect(states.NotACompletion).toMatchObject({ Type: 'Pass', Result: { Error: ErrorName.InvalidGameEvent }, ResultPath: '$.failure', Next: 'HasEventId' });
  });

  it('catches a failed event inside its iteration and records it, so the batch goes on', () => {
    const states = rebuild.States.RebuildEvents.ItemProcessor.States;
    for (const task of ['UpdateCompletedGame', 'UpdateCompletedLevel']) {
      expect(states[task].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'HasEventId' }]);
    }
    expect(states.HasEventId.Choices).toEqual([{ Variable: '$.event.detail.eventId', IsPresent: true, Next: 'RecordFailure' }]);
    expect(states.RecordFailure).toEqual({
      Type: 'Pass',
      Parameters: { outcome: 'failed', 'index.$': '$.index', 'eventId.$': '$.event.detail.eventId', 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
      End: true,
    });
    expect(states.RecordFailureWithoutEventId.Parameters).not.toHaveProperty('eventId.$');
    expect(states.Written).toEqual({ Type: 'Pass', Parameters: { outcome: 'written', 'index.$': '$.index' }, End: true });
    // No state inside an iteration can fail it: every task catches, every other state is a Choice or Pass.
    for (const state of Object.values<any>(states)) expect(['Choice', 'Pass', 'Task']).toContain(state.Type);
  });

  it('outputs { written: <count>, failed: [...] } through the Map’s ResultSelector and a final Pass', () => {
    expect(rebuild.States.RebuildEvents.ResultSelector).toEqual({ 'written.$': "$[?(@.outcome == 'written')]", 'failed.$': "$[?(@.outcome == 'failed')]" });
    expect(rebuild.States.Summary).toEqual({ Type: 'Pass', Parameters: { 'written.$': 'States.ArrayLength($.written)', 'failed.$': '$.failed' }, End: true });
  });
});

describe('the event archive', () => {
  it('keeps the completions the housekeeping rule matches, 365 days by default', () => {
    const [[, archive]] = synthesized.ofType('AWS::Events::Archive') as [[string, any]];
    expect(archive.Properties).toMatchObject({
      SourceArn: { 'Fn::GetAtt': [synthesized.logicalIdOf('AWS::Events::EventBus', 'GameEventsBus'), 'Arn'] },
      RetentionDays: 365,
      EventPattern: { source: [Source.GameBackend], 'detail-type': [...COMPLETION_DETAIL_TYPES] },
    });
  });

  it('takes its retention from the stack props', () => {
    const [[, archive]] = synthesize({ archiveRetention: Duration.days(30) }).ofType('AWS::Events::Archive') as [[string, any]];
    expect(archive.Properties.RetentionDays).toBe(30);
  });
});

describe('behind an HTTP API', () => {
  const functionArn = (prefix: string) => ({ 'Fn::GetAtt': [synthesized.logicalIdOf('AWS::Lambda::Function', prefix), 'Arn'] });

  it('routes POST /completions/level and /game to the level and game store through Lambda proxy integrations (payload 2.0)', () => {
    const { ofType, resources } = synthesized;
    expect(ofType('AWS::ApiGatewayV2::Api').map(([, api]) => api.Properties.ProtocolType)).toEqual(['HTTP']);
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([`POST ${COMPLETION_ROUTES.game}`, `POST ${COMPLETION_ROUTES.level}`]);
    const integrationOf = (routeKey: string) => {
      const route = routes.find((r) => r.RouteKey === routeKey)!;
      return resources[route.Target['Fn::Join'][1][1].Ref]!.Properties;
    };
    expect(integrationOf(`POST ${COMPLETION_ROUTES.level}`)).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: functionArn('LevelStoreFunction') });
    expect(integrationOf(`POST ${COMPLETION_ROUTES.game}`)).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: functionArn('GameStoreFunction') });
    // The existing functions: still exactly four.
    expect(ofType('AWS::Lambda::Function')).toHaveLength(4);
  });

  it('lets API Gateway invoke each store from its own route only', () => {
    const permissions = synthesized.ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties).filter((p) => p.Principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(2);
    for (const [fn, path] of [
      ['LevelStoreFunction', COMPLETION_ROUTES.level],
      ['GameStoreFunction', COMPLETION_ROUTES.game],
    ] as const) {
      const permission = permissions.find((p) => p.FunctionName['Fn::GetAtt'][0].startsWith(fn))!;
      expect(permission.Action).toBe('lambda:InvokeFunction');
      expect(permission.SourceArn['Fn::Join'][1].at(-1)).toBe(`/*/*${path}`);
    }
  });

  it('requires IAM authorization and throttles the $default stage (50/s, burst 100) by default, with access logs', () => {
    const { ofType } = synthesized;
    for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, any]];
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
  });

  it('takes JWT authorization and throttling from the stack props', () => {
    const { ofType, resources } = synthesize({
      apiAuthorization: { type: 'jwt', issuer: 'https://auth.example.com/', audience: ['game-servers'], scopes: ['completions/write'] },
      apiThrottle: { rateLimit: 5, burstLimit: 10 },
    });
    const [[authorizerId, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, any]];
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['game-servers'] } });
    for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId }, AuthorizationScopes: ['completions/write'] });
    }
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, any]];
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')).toHaveLength(2);
  });
});

describe('alone on an event: the report rule', () => {
  it('matches Report.LevelReportGenerated from the report source and targets the metric function directly, with the DLQ and retry policy of the first rule', () => {
    const { resources, logicalIdOf } = synthesized;
    const rule = resources[logicalIdOf('AWS::Events::Rule', 'ReportMetricRule')]!.Properties;
    const first = resources[logicalIdOf('AWS::Events::Rule', 'HousekeepingRule')]!.Properties;
    expect(rule.EventPattern).toEqual({ source: [Source.Report], 'detail-type': [DetailType.LevelReportGenerated] });
    expect(rule.EventBusName).toEqual(first.EventBusName);
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'MetricFunction'), 'Arn'] });
    expect(rule.Targets[0].RetryPolicy).toEqual(first.Targets[0].RetryPolicy);
    expect(rule.Targets[0].DeadLetterConfig).toEqual(first.Targets[0].DeadLetterConfig);
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 12, MaximumEventAgeInSeconds: 21600 });
  });

  it('lets only that rule invoke the metric function, and send to the dead-letter queue', () => {
    const { ofType, logicalIdOf } = synthesized;
    const ruleArn = { 'Fn::GetAtt': [logicalIdOf('AWS::Events::Rule', 'ReportMetricRule'), 'Arn'] };
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties).filter((p) => p.Principal === 'events.amazonaws.com');
    expect(permissions).toEqual([{ Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'MetricFunction'), 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: ruleArn }]);
    const [[, queuePolicy]] = ofType('AWS::SQS::QueuePolicy') as [[string, any]];
    const sends = queuePolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(sends.map((s: any) => s.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['HousekeepingRule', 'ReportMetricRule']);
    for (const s of sends) expect(s).toMatchObject({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } });
  });

  it('sends an event the metric function fails on, after Lambda’s 2 asynchronous retries, to the dead-letter queue (on-failure destination)', () => {
    const { ofType, logicalIdOf } = synthesized;
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    expect(configs).toEqual([
      {
        FunctionName: { Ref: logicalIdOf('AWS::Lambda::Function', 'MetricFunction') },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'DeadLetterQueue'), 'Arn'] } } },
      },
    ]);
  });

  it('leaves the housekeeping rule blind to reports', () => {
    const rule = synthesized.resources[synthesized.logicalIdOf('AWS::Events::Rule', 'HousekeepingRule')]!.Properties;
    expect(rule.EventPattern['detail-type']).not.toContain(DetailType.LevelReportGenerated);
  });
});

describe('the reusable pieces, as another CDK app uses them', () => {
  it('compose a new state machine from a function construct and a task builder, with the same Retry', () => {
    // Prepare: another team's stack with its own table and the level store construct.
    const app = new App(noBundling);
    const stack = new Stack(app, 'OtherTeam');
    const table = gameTable(stack, 'Levels', LevelStoreFunction.tableKey);
    const levelStore = new LevelStoreFunction(stack, 'LevelStore', { table });
    const report = new ReportFunction(stack, 'Report', { bus: new EventBus(stack, 'Bus') });

    // Act
    const definition = isGameCompletedChoice(stack, { game: generateReportTask(stack, report), level: updateCompletedLevelTask(stack, levelStore) });
    new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(definition) });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;

    // Assess: the task carries the Retry; the construct its table binding and grant.
    const machine = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const asl = JSON.parse(resolveDefinition(machine.Properties.DefinitionString));
    expect(asl.States.UpdateCompletedLevel.Retry).toEqual(retryOf);
    expect(asl.States.GenerateReport.Retry).toEqual(retryOf);
    expect(TASK_RETRY.errors).not.toContain(ErrorName.InvalidGameEvent);
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.startsWith('UpdateCompletedLevel'));
    expect(fn.Properties.Environment.Variables).toHaveProperty('COMPLETED_LEVEL_TABLE_NAME');
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(statements).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Levels/), 'Arn'] })] }]);
  });
});
