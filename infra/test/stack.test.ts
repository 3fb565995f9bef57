import { COMPLETION_DETAIL_TYPES, DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGamekeeperApp } from '../src/app';
import { RETRYABLE_ERRORS } from '../src/housekeeping-workflow';
import { noBundling, type Resources, statesOf, synthesize } from './template';

let template: Template;
let resources: Resources;
let definition: Record<string, any>;
let rebuildDefinition: Record<string, any>;
let logicalIdOf: (type: string, prefix: string) => string;

beforeAll(() => {
  const synthesized = synthesize();
  ({ template, resources, logicalIdOf } = synthesized);
  definition = synthesized.definitionOf('HousekeepingStateMachine');
  rebuildDefinition = synthesized.definitionOf('RebuildStateMachine');
});

describe('event bus and rule', () => {
  it('has the custom bus named in the contracts', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: EVENT_BUS_NAME });
  });

  it('matches the contracts’ source and completion detail-types, and targets the state machine with retries and a DLQ', () => {
    const rule = resources[logicalIdOf('AWS::Events::Rule', 'HousekeepingRule')]!.Properties;
    expect(rule.EventPattern).toEqual({ source: [Source.GameBackend], 'detail-type': [...COMPLETION_DETAIL_TYPES] });
    expect(rule.EventPattern['detail-type']).not.toContain(DetailType.LevelReportGenerated);
    expect(rule.EventBusName).toEqual({ Ref: logicalIdOf('AWS::Events::EventBus', 'GameEventsBus') });
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0]).toMatchObject({
      Arn: { Ref: logicalIdOf('AWS::StepFunctions::StateMachine', 'HousekeepingStateMachine') },
      RetryPolicy: { MaximumRetryAttempts: 12, MaximumEventAgeInSeconds: 21600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'DeadLetterQueue'), 'Arn'] } },
    });
  });

  it('encrypts the dead-letter queue and enforces TLS on it', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('the housekeeping state machine', () => {
  it('is an Express workflow with tracing, logging errors only and without execution data by default', () => {
    expect(resources[logicalIdOf('AWS::StepFunctions::StateMachine', 'HousekeepingStateMachine')]!.Properties).toMatchObject({
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
  });

  it('logs ALL with execution data, on both machines, when the stack says so', () => {
    const { ofType } = synthesize({ stateMachineLogLevel: 'ALL' });
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    for (const [, machine] of machines) expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
  });

  it.each([
    ['housekeeping', () => definition],
    ['rebuild', () => rebuildDefinition],
  ])('the %s machine is valid ASL per asl-validator (paths and ARNs checked)', (_name, definitionOf) => {
    const { isValid, errorsText } = aslValidator(definitionOf(), { checkPaths: true, checkArn: true });
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);
  });

  it('runs a Parallel with three branches: report, the level/game choice, metric', () => {
    expect(definition.StartAt).toBe('Housekeeping');
    const parallel = definition.States.Housekeeping;
    expect(parallel.Type).toBe('Parallel');
    expect(parallel.Branches.map((b: any) => b.StartAt)).toEqual(['GenerateReport', 'IsGameCompleted', 'LogMetric']);
  });

  it('chooses the game store for game completions and the level store otherwise', () => {
    const choice = parallel().Branches[1].States.IsGameCompleted;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([{ Variable: "$['detail-type']", StringEquals: DetailType.GameCompleted, Next: 'UpdateCompletedGame' }]);
    expect(choice.Default).toBe('UpdateCompletedLevel');
  });

  it('invokes each function with the whole event and returns its payload', () => {
    const states = statesOf(definition);
    const functionOf = { GenerateReport: 'ReportFunction', UpdateCompletedLevel: 'LevelStoreFunction', UpdateCompletedGame: 'GameStoreFunction', LogMetric: 'MetricFunction' };
    for (const [state, fn] of Object.entries(functionOf)) {
      expect(states[state]).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', Parameters: { 'Payload.$': '$' } });
      expect(states[state].Parameters.FunctionName).toMatch(new RegExp(`function:${fn}`));
    }
  });

  it('retries transient errors with backoff and full jitter, and never retries InvalidGameEvent', () => {
    const tasks = Object.values(statesOf(definition)).filter((s: any) => s.Type === 'Task' && s.Resource.endsWith(':lambda:invoke'));
    expect(tasks).toHaveLength(4);
    for (const task of tasks as any[]) {
      expect(task.Retry).toEqual([{ ErrorEquals: RETRYABLE_ERRORS, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 20, JitterStrategy: 'FULL' }]);
      const retried = task.Retry.flatMap((r: any) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']));
      for (const never of ['InvalidGameEvent', 'States.ALL', 'States.TaskFailed']) expect(retried).not.toContain(never);
    }
  });

  it('sends whatever still fails to the dead-letter queue with its error and cause, then fails with that error', () => {
    expect(parallel().Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordDeadLetter' }]);
    const record = definition.States.RecordDeadLetter;
    expect(record).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessage',
      ResultPath: null,
      Next: 'HousekeepingFailed',
      Parameters: {
        'MessageBody.$': 'States.JsonToString($$.Execution.Input)',
        MessageAttributes: {
          ERROR_CODE: { DataType: 'String', 'StringValue.$': '$.failure.Error' },
          ERROR_MESSAGE: { DataType: 'String', 'StringValue.$': '$.failure.Cause' },
          EXECUTION_ARN: { DataType: 'String', 'StringValue.$': '$$.Execution.Id' },
        },
      },
    });
    expect(record.Parameters.QueueUrl).toContain(logicalIdOf('AWS::SQS::Queue', 'DeadLetterQueue'));
    expect(record.Retry[0]).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 6, JitterStrategy: 'FULL' });
    expect(definition.States.HousekeepingFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  it('uses one dead-letter queue for the rule and the state machine', () => {
    const queues = Object.values(resources).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queues).toHaveLength(1);
  });
});
const parallel = () => definition.States.Housekeeping;

describe('functions', () => {
  it('run nodejs22.x on arm64 with tracing, and name their service package for the local runtime', () => {
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map(([, r]) => r.Metadata?.['gamekeeper:servicePackage']).sort()).toEqual([
      '@gamekeeper/game-store',
      '@gamekeeper/level-store',
      '@gamekeeper/metric',
      '@gamekeeper/report',
    ]);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', LOG_LEVEL: 'INFO' });
    }
  });
});

describe('least privilege', () => {
  const policyOf = (functionPrefix: string) => {
    const role = logicalIdOf('AWS::IAM::Role', `${functionPrefix}FunctionServiceRole`);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role));
    return policy!.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
  };
  const actions = (s: { Action: string | string[] }) => [s.Action].flat();
  const dataStatements = (prefix: string) => policyOf(prefix).filter((s) => !actions(s).every((a) => a.startsWith('xray:')));
  const arnOf = (type: string, prefix: string) => ({ 'Fn::GetAtt': [logicalIdOf(type, prefix), 'Arn'] });

  it('gives no function or role a wildcard action', () => {
    const all = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const statement of all) for (const action of actions(statement)) expect(action).not.toMatch(/\*/);
  });

  it('lets the report put events on the gamekeeper bus only', () => {
    expect(dataStatements('Report')).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: arnOf('AWS::Events::EventBus', 'GameEventsBus') }]);
  });

  it.each([
    ['LevelStore', 'CompletedLevelTable'],
    ['GameStore', 'CompletedGameTable'],
  ])('lets %s read and write its own table only', (fn, table) => {
    expect(dataStatements(fn)).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [arnOf('AWS::DynamoDB::Table', table)] }]);
  });

  it('lets the metric function use its idempotency table and send its failed invocations to the dead-letter queue only (its metrics are EMF log lines: no CloudWatch API)', () => {
    expect(dataStatements('Metric')).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: [arnOf('AWS::DynamoDB::Table', 'MetricIdempotencyTable')],
      },
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: arnOf('AWS::SQS::Queue', 'DeadLetterQueue') },
    ]);
    const metricFunction = resources[logicalIdOf('AWS::Lambda::Function', 'MetricFunction')]!;
    expect(metricFunction.Properties.Environment.Variables).toMatchObject({ METRICS_NAMESPACE: 'Gamekeeper' });
  });

  it.each([
    ['HousekeepingStateMachineRole', ['Report', 'LevelStore', 'GameStore', 'Metric']],
    ['RebuildStateMachineRole', ['LevelStore', 'GameStore']],
  ])('lets %s invoke %j and nothing else', (rolePrefix, functions) => {
    const role = logicalIdOf('AWS::IAM::Role', rolePrefix);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))!;
    const invoke = policy.Properties.PolicyDocument.Statement.filter((s: any) => actions(s).includes('lambda:InvokeFunction'));
    const invoked = new Set(invoke.flatMap((s: any) => [s.Resource].flat()).map((r: any) => JSON.stringify(r).match(/"(\w+?)Function[0-9A-F]{8}"/)?.[1]));
    expect([...invoked].sort()).toEqual([...functions].sort());
  });
});

describe('every IAM statement in the stack', () => {
  /** `<owner>: <actions> on <resources> [if <condition>]`, with logical ids stripped of their hashes. */
  const nameOf = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
  const resourceText = (resource: any): string => {
    if (typeof resource === 'string') return resource;
    if (resource.Ref) return nameOf(resource.Ref);
    if (resource['Fn::GetAtt']) return nameOf(resource['Fn::GetAtt'][0]);
    if (resource['Fn::Join']) return resource['Fn::Join'][1].map(resourceText).join('');
    throw new Error(`unexpected resource ${JSON.stringify(resource)}`);
  };
  const listing = () =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((policy) =>
        policy.Properties.PolicyDocument.Statement.map((s: any) => {
          const owner = nameOf(policy.Properties.Roles[0].Ref).replace(/(ServiceRole|Role)$/, '');
          const condition = s.Condition ? ` if ${JSON.stringify(s.Condition)}` : '';
          return `${owner}: ${s.Effect} ${[s.Action].flat().join(',')} on ${[s.Resource].flat().map(resourceText).join(',')}${condition}`;
        }),
      )
      .sort();

  it('is exactly this list: each scoped to its own resource, wildcards only where AWS has no resource-level permission', () => {
    const xray = 'Allow xray:PutTraceSegments,xray:PutTelemetryRecords on *'; // X-Ray has no resource-level permissions
    expect(listing()).toEqual(
      [
        `GameStoreFunction: ${xray}`,
        'GameStoreFunction: Allow dynamodb:GetItem,dynamodb:PutItem on CompletedGameTable',
        `LevelStoreFunction: ${xray}`,
        'LevelStoreFunction: Allow dynamodb:GetItem,dynamodb:PutItem on CompletedLevelTable',
        `MetricFunction: ${xray}`,
        // Metrics are EMF log lines (AWSLambdaBasicExecutionRole's own log group): no cloudwatch:PutMetricData.
        'MetricFunction: Allow dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem on MetricIdempotencyTable',
        // Its on-failure destination (asynchronous invocations by the report rule): Lambda sends as the function's role.
        'MetricFunction: Allow sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl on DeadLetterQueue',
        `ReportFunction: ${xray}`,
        'ReportFunction: Allow events:PutEvents on GameEventsBus',
        'HousekeepingStateMachineEvents: Allow states:StartExecution on HousekeepingStateMachine',
        'HousekeepingStateMachine: Allow sqs:sendMessage on DeadLetterQueue',
        // `:*` is the function's own versions and aliases.
        ...['Report', 'LevelStore', 'GameStore', 'Metric'].map((fn) => `HousekeepingStateMachine: Allow lambda:InvokeFunction on ${fn}Function,${fn}Function:*`),
        // Log delivery to CloudWatch Logs: these actions take no resource ARN (AWS documents `*`).
        'HousekeepingStateMachine: Allow logs:CreateLogDelivery,logs:GetLogDelivery,logs:UpdateLogDelivery,logs:DeleteLogDelivery,logs:ListLogDeliveries,logs:PutResourcePolicy,logs:DescribeResourcePolicies,logs:DescribeLogGroups on *',
        'HousekeepingStateMachine: Allow xray:PutTraceSegments,xray:PutTelemetryRecords,xray:GetSamplingRules,xray:GetSamplingTargets on *',
        // The Rebuild machine: the two writers only (no report, no metric), its logs and X-Ray.
        ...['LevelStore', 'GameStore'].map((fn) => `RebuildStateMachine: Allow lambda:InvokeFunction on ${fn}Function,${fn}Function:*`),
        'RebuildStateMachine: Allow logs:CreateLogDelivery,logs:GetLogDelivery,logs:UpdateLogDelivery,logs:DeleteLogDelivery,logs:ListLogDeliveries,logs:PutResourcePolicy,logs:DescribeResourcePolicies,logs:DescribeLogGroups on *',
        'RebuildStateMachine: Allow xray:PutTraceSegments,xray:PutTelemetryRecords,xray:GetSamplingRules,xray:GetSamplingTargets on *',
      ].sort(),
    );
  });

  it('never allows a wildcard action or Deny-less NotAction', () => {
    for (const line of listing()) {
      const actions = line.split(' on ')[0]!.split(' ').pop()!.split(',');
      for (const action of actions) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
    }
  });
});

describe('queues', () => {
  it('the dead-letter queue is encrypted, TLS-only and keeps messages 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });
});

describe('tables', () => {
  it.each([
    ['CompletedLevelTable', [{ AttributeName: 'playerId', KeyType: 'HASH' }, { AttributeName: 'levelKey', KeyType: 'RANGE' }]],
    ['CompletedGameTable', [{ AttributeName: 'playerId', KeyType: 'HASH' }, { AttributeName: 'gameId', KeyType: 'RANGE' }]],
    ['MetricIdempotencyTable', [{ AttributeName: 'id', KeyType: 'HASH' }]],
  ])('%s is on-demand, encrypted, point-in-time recoverable and retained', (table, keySchema) => {
    const id = logicalIdOf('AWS::DynamoDB::Table', table);
    expect(resources[id]!.Properties).toMatchObject({
      KeySchema: keySchema,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
  });
});

describe('alarms', () => {
  it('alarm on failed executions and on dead letters, notifying an encrypted topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1 });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with every finding acknowledged (synthesis would fail otherwise)', () => {
    const { app } = createGamekeeperApp({ app: noBundling });
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on a finding nobody acknowledged', () => {
    const { app, stack } = createGamekeeperApp({ app: noBundling });
    stack.functions.report.function.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });
});
