import type { CfnTemplate } from '@gamekeeper/local-runtime';
import { describe, expect, it } from 'vitest';
import { metricSeriesProfile } from '../../src/cost/metric-series';
import { type CostAssumptions, customMetricCount, customMetricsMonthlyUsd, estimateCost, executionLogEvents } from '../../src/cost/model';
import { PRICES } from '../../src/cost/prices';
import { formatCostReport } from '../../src/cost/report';
import { readCostStack } from '../../src/cost/template';

// A small template of the same shape as the real one: a rule starts an Express machine whose Parallel runs
// a report task beside a Choice on the detail-type into one of two store tasks; the report may publish
// events, which a second rule sends to a counter function; one on-demand table, one archive.
const task = (fn: string) => ({ Type: 'Task', Resource: 'arn:${AWS::Partition}:states:::lambda:invoke', Parameters: { FunctionName: `\${${fn}}`, 'Payload.$': '$' }, End: true });
const definition = {
  StartAt: 'P',
  States: {
    P: {
      Type: 'Parallel',
      End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
      Branches: [
        { StartAt: 'Report', States: { Report: task('ReportFn') } },
        {
          StartAt: 'Which',
          States: {
            Which: { Type: 'Choice', Choices: [{ Variable: "$['detail-type']", StringEquals: 'Game', Next: 'StoreGame' }], Default: 'StoreLevel' },
            StoreLevel: task('StoreFn'),
            StoreGame: task('StoreFn'),
          },
        },
      ],
    },
    Failed: { Type: 'Fail' },
  },
};
/** The definition as CDK writes it: a Fn::Join with the partition and the functions' ARNs as references. */
function definitionString(): unknown {
  const parts = JSON.stringify(definition).split(/\$\{([A-Za-z:]+)\}/);
  return { 'Fn::Join': ['', parts.map((part, i) => (i % 2 === 0 ? part : part.startsWith('AWS::') ? { Ref: part } : { 'Fn::GetAtt': [part, 'Arn'] }))] };
}
const lambda = (pkg: string, role: string, properties: Record<string, unknown>) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Role: { 'Fn::GetAtt': [role, 'Arn'] }, ...properties },
  Metadata: { 'gamekeeper:servicePackage': pkg },
});
const policy = (role: string, actions: string[], resource: unknown) => ({
  Type: 'AWS::IAM::Policy',
  Properties: { Roles: [{ Ref: role }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] } },
});

function template(overrides: { machine?: Record<string, unknown>; counterActions?: string[] } = {}): CfnTemplate {
  return {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bus' } },
      Archive: { Type: 'AWS::Events::Archive', Properties: { RetentionDays: 30 } },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
      ReportRole: { Type: 'AWS::IAM::Role' },
      StoreRole: { Type: 'AWS::IAM::Role' },
      CounterRole: { Type: 'AWS::IAM::Role' },
      ReportFn: lambda('@x/report', 'ReportRole', { MemorySize: 512, Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Environment: { Variables: { BUS: { Ref: 'Bus' }, MODE: 'fast' } } }),
      StoreFn: lambda('@x/store', 'StoreRole', { MemorySize: 256 }),
      CounterFn: lambda('@x/counter', 'CounterRole', { Architectures: ['arm64'] }),
      ReportPolicy: policy('ReportRole', ['events:PutEvents'], { 'Fn::GetAtt': ['Bus', 'Arn'] }),
      StorePolicy: policy('StoreRole', ['dynamodb:GetItem', 'dynamodb:PutItem'], [{ 'Fn::GetAtt': ['Table', 'Arn'] }]),
      ...(overrides.counterActions ? { CounterPolicy: policy('CounterRole', overrides.counterActions, '*') } : {}),
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineType: 'EXPRESS',
          DefinitionString: definitionString(),
          LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
          TracingConfiguration: { Enabled: true },
          ...overrides.machine,
        },
      },
      CompletionRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { source: ['game'], 'detail-type': ['Level', 'Game'] },
          Targets: [{ Arn: { Ref: 'Machine' }, Id: 'T', RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 12 } }],
        },
      },
      CounterRule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['reports'] }, Targets: [{ Arn: { 'Fn::GetAtt': ['CounterFn', 'Arn'] }, Id: 'T' }] } },
    },
  };
}

const assumptions: CostAssumptions = {
  durationMs: { report: 40, store: 30.2, counter: 10 },
  orchestrationMs: 20,
  logBytesPerInvocation: { report: 1000, store: 1000, counter: 500 },
  extraLogBytesPerInvocation: 0,
  dynamoRequests: { store: { consistentReads: 1, writes: 1, itemBytes: 1500 } },
  mix: { Level: 1 },
  eventBytes: 1000,
  xraySampledShare: 0.1,
};

describe('readCostStack', () => {
  it('reads the workflow the completion rule starts, its paths by detail-type, and the rule', () => {
    const stack = readCostStack(template());
    expect(stack.workflow).toMatchObject({ logicalId: 'Machine', type: 'EXPRESS', logLevel: 'ERROR', includeExecutionData: false, tracing: true });
    expect(stack.workflow.paths.map((p) => [p.detailTypes, p.states.map((s) => s.function ?? s.state)])).toEqual([
      [['Game'], ['P', 'ReportFn', 'Which', 'StoreFn']],
      [['Level'], ['P', 'ReportFn', 'Which', 'StoreFn']],
    ]);
    expect(stack.workflow.paths[1]?.states.map((s) => s.state)).toEqual(['P', 'Report', 'Which', 'StoreLevel']);
    expect(stack.completionRule).toEqual({ logicalId: 'CompletionRule', sources: ['game'], detailTypes: ['Level', 'Game'], maxEventAgeSeconds: 21600, retryAttempts: 12 });
    expect(stack.followOnRules).toEqual([{ logicalId: 'CounterRule', sources: ['reports'], detailTypes: [], function: 'CounterFn' }]);
    expect(stack.archives).toEqual([{ logicalId: 'Archive', retentionDays: 30 }]);
    expect(stack.tables).toEqual({ Table: { onDemand: true } });
  });

  it('reads each function: name from its package, memory (128 MB unless set), architecture, tracing, literal env, grants, tables', () => {
    const { functions } = readCostStack(template());
    expect(functions.ReportFn).toEqual({ logicalId: 'ReportFn', name: 'report', memoryMb: 512, architecture: 'arm64', tracing: true, environment: { MODE: 'fast' }, actions: ['events:PutEvents'], tables: [] });
    expect(functions.StoreFn).toMatchObject({ name: 'store', memoryMb: 256, architecture: 'x86_64', tracing: false, actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], tables: ['Table'] });
    expect(functions.CounterFn).toMatchObject({ name: 'counter', memoryMb: 128, architecture: 'arm64', actions: [] });
  });

  it('refuses a template where no rule starts a state machine', () => {
    const { CompletionRule: _r, ...rest } = template().Resources;
    expect(() => readCostStack({ Resources: rest })).toThrow(/no rule in the template starts a state machine/);
  });
});

describe('estimateCost on the small template', () => {
  it('adds up every service per million completions (worked by hand)', () => {
    const estimate = estimateCost(readCostStack(template()), assumptions, PRICES);

    // EventBridge: the completion and the report's event ($1 each), 1,000 bytes archived ($0.10/GB).
    // Express: $1 + 100 ms (max(40, 30.2) + 20 = 60, rounded up) × 64 MB × $0.00001667.
    // Lambda: 3 requests; 40 ms × 0.5 GB arm + 31 ms × 0.25 GB x86 + 10 ms × 0.125 GB arm.
    // DynamoDB: 1 consistent read of 1.5 KB (1 unit) + 1 write (2 units). Logs: 2,500 bytes. X-Ray: 1 trace × 10%.
    expect(estimate.byService.EventBridge).toBeCloseTo(2.1, 9);
    expect(estimate.byService['Step Functions']).toBeCloseTo(1 + 0.1 * (64 / 1024) * 16.67, 9);
    expect(estimate.byService.Lambda).toBeCloseTo(0.6 + 0.04 * 0.5 * 13.3334 + 0.031 * 0.25 * 16.6667 + 0.01 * 0.125 * 13.3334, 9);
    expect(estimate.byService.DynamoDB).toBeCloseTo(0.125 + 2 * 0.625, 9);
    expect(estimate.byService['CloudWatch Logs']).toBeCloseTo(1.25, 9);
    expect(estimate.byService['CloudWatch metrics']).toBe(0);
    expect(estimate.byService['X-Ray']).toBeCloseTo(0.5, 9);
    expect(estimate.totalPerMillion).toBeCloseTo(7.341689, 5);
    expect(estimate.paths).toEqual([{ detailType: 'Level', share: 1, transitions: 4, invocations: ['report', 'store', 'counter'], durationMs: 60, billedMs: 100 }]);
    expect(estimate.metricApiCallers).toEqual([]);
    expect(estimate.goalMet).toBe(true);
  });

  it('weighs the paths by the mix', () => {
    const stack = readCostStack(template());
    const half = estimateCost(stack, { ...assumptions, mix: { Level: 0.5, Game: 0.5 } }, PRICES);
    expect(half.paths.map((p) => [p.detailType, p.share])).toEqual([['Level', 0.5], ['Game', 0.5]]);
    expect(half.totalPerMillion).toBeCloseTo(estimateCost(stack, assumptions, PRICES).totalPerMillion, 9);
    expect(() => estimateCost(stack, { ...assumptions, mix: { Other: 1 } }, PRICES)).toThrow(/no path of Machine takes Other/);
  });

  it('bills a Standard machine per state transition on the path', () => {
    const estimate = estimateCost(readCostStack(template({ machine: { StateMachineType: 'STANDARD' } })), assumptions, PRICES);
    expect(estimate.lines.filter((l) => l.service === 'Step Functions')).toEqual([
      { service: 'Step Functions', item: 'Standard state transitions', perCompletion: 4, unit: 'transition', usdPerMillion: expect.closeTo(100, 9) },
    ]);
  });

  it('counts the state machine logs at level ALL: events per execution, with or without execution data', () => {
    const path = readCostStack(template()).workflow.paths[1]!;
    expect(executionLogEvents(path.states)).toBe(2 + 4 + 5 + 2 + 5);
    const withData = estimateCost(readCostStack(template({ machine: { LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true } } })), assumptions, PRICES);
    expect(withData.byService['CloudWatch Logs']).toBeCloseTo(1.25 + (18 * 1400 * 0.5) / 1000, 9);
  });

  it('charges PutMetricData per invocation of a function allowed to call it, and then misses the goal', () => {
    const estimate = estimateCost(readCostStack(template({ counterActions: ['cloudwatch:PutMetricData'] })), assumptions, PRICES);
    expect(estimate.metricApiCallers).toEqual(['counter']);
    expect(estimate.byService['CloudWatch metrics']).toBeCloseTo(10, 9);
    expect(estimate.goalMet).toBe(false);
  });

  it('names a missing duration instead of guessing it', () => {
    expect(() => estimateCost(readCostStack(template()), { ...assumptions, durationMs: { report: 1, store: 1 } }, PRICES)).toThrow('no duration for function counter (give --duration-ms counter=<ms>)');
  });
});

describe('custom metrics', () => {
  it('counts the metric service’s series: 13 per game by default, 4 more per game and level with METRICS_PER_LEVEL', () => {
    // 4 level metrics + 4 game totals per game, 5 LevelReports by rating (the metric service's README).
    expect(metricSeriesProfile(false)).toEqual({ perGame: 13, perGameAndLevel: 0 });
    expect(metricSeriesProfile(true)).toEqual({ perGame: 13, perGameAndLevel: 4 });
    expect(customMetricCount({ perGame: 13, perGameAndLevel: 4 }, 5, 50)).toBe(65 + 1000);
  });

  it('bills them by CloudWatch’s tiers', () => {
    expect(customMetricsMonthlyUsd(65)).toBeCloseTo(19.5, 9);
    expect(customMetricsMonthlyUsd(10_000)).toBeCloseTo(3000, 9);
    expect(customMetricsMonthlyUsd(20_000)).toBeCloseTo(3000 + 1000, 9);
    expect(customMetricsMonthlyUsd(1_000_100)).toBeCloseTo(3000 + 24_000 + 37_500 + 2, 9);
  });
});

describe('formatCostReport', () => {
  it('prints the table by service, the total, the goal and the metric charge', () => {
    const stack = readCostStack(template());
    const lines = formatCostReport({
      stack,
      estimate: estimateCost(stack, assumptions, PRICES),
      durationMs: assumptions.durationMs,
      orchestrationMs: 20,
      logBytes: assumptions.logBytesPerInvocation,
      extraLogBytes: 0,
      inputsSource: 'test',
      storeItem: { bytes: 1500, writeUnits: 2, readUnits: 1, note: 'test' },
      metrics: { games: 5, levels: 50, perGame: 13, perGameAndLevel: 0, perLevelOn: false },
      durationBreakEven: 3.5,
    });
    expect(lines.filter((l) => /^total\s+\$7\.34 per million completions$/.test(l))).toHaveLength(1);
    expect(lines).toContain('Goal (issue 11): at most $10.00 per million completions and no per-request metric API: MET');
    expect(lines).toContain('  the goal holds while function and orchestration durations stay under 3.50× these');
    expect(lines).toContain('Custom metrics for 5 games × 50 levels: 65 (13 per game; METRICS_PER_LEVEL off) = $19.50 a month');
    expect(lines.some((l) => l.startsWith('  $1.00 per million events (64 KB chunks)') && l.endsWith('https://aws.amazon.com/eventbridge/pricing/'))).toBe(true);
  });
});
