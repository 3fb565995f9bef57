import { COMPLETION_DETAIL_TYPES, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
// Each service's `config` entry only: its env-var names and table keys, without loading handler code
// (no SDK, no Powertools) into synthesis.
import { COMPLETED_GAME_TABLE_ENV, completedGameTableKey } from '@gamekeeper/game-store/config';
import { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey } from '@gamekeeper/level-store/config';
import { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE, METRICS_NAMESPACE_ENV, idempotencyTableKey } from '@gamekeeper/metric/config';
import { EVENT_BUS_ENV } from '@gamekeeper/report/config';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { GameFunction } from './game-function';
import { HousekeepingWorkflow } from './housekeeping-workflow';
import { acknowledgeNagFindings } from './nag-acknowledgements';

export interface GamekeeperStackProps extends StackProps {
  /** CloudWatch namespace of the completion metrics. */
  metricsNamespace?: string;
}

interface KeySchema {
  partitionKey: string;
  sortKey?: string;
}

/** The deployed system: bus and rule, the housekeeping state machine, four functions, three tables, alarms. */
export class GamekeeperStack extends Stack {
  readonly bus: EventBus;
  readonly rule: Rule;
  readonly stateMachine: StateMachine;
  readonly deadLetterQueue: Queue;
  readonly functions: { report: GameFunction; levelStore: GameFunction; gameStore: GameFunction; metric: GameFunction };
  readonly tables: { completedLevel: Table; completedGame: Table; metricIdempotency: Table };

  constructor(scope: Construct, id: string, props: GamekeeperStackProps = {}) {
    super(scope, id, props);
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;

    this.bus = new EventBus(this, 'GameEventsBus', { eventBusName: EVENT_BUS_NAME });

    this.tables = {
      completedLevel: this.table('CompletedLevel', completedLevelTableKey),
      completedGame: this.table('CompletedGame', completedGameTableKey),
      metricIdempotency: this.table('MetricIdempotency', idempotencyTableKey, IDEMPOTENCY_TTL_ATTRIBUTE),
    };

    const report = new GameFunction(this, 'Report', {
      servicePackage: '@gamekeeper/report',
      serviceName: 'report',
      description: 'GenerateReport: builds the level report and publishes it on the bus',
      environment: { [EVENT_BUS_ENV]: this.bus.eventBusName },
    });
    this.bus.grantPutEventsTo(report.function);

    const levelStore = new GameFunction(this, 'LevelStore', {
      servicePackage: '@gamekeeper/level-store',
      serviceName: 'level-store',
      description: 'UpdateCompletedLevel: records level completions, replay-safe',
    }).bindTable({ table: this.tables.completedLevel, envVar: COMPLETED_LEVEL_TABLE_ENV });

    const gameStore = new GameFunction(this, 'GameStore', {
      servicePackage: '@gamekeeper/game-store',
      serviceName: 'game-store',
      description: 'UpdateCompletedGame: records game completions, replay-safe',
    }).bindTable({ table: this.tables.completedGame, envVar: COMPLETED_GAME_TABLE_ENV });

    const metric = new GameFunction(this, 'Metric', {
      servicePackage: '@gamekeeper/metric',
      serviceName: 'metric',
      description: 'LogMetric: CloudWatch metrics for each completion, once per event',
      environment: { [METRICS_NAMESPACE_ENV]: metricsNamespace },
    }).bindTable({
      table: this.tables.metricIdempotency,
      envVar: IDEMPOTENCY_TABLE_ENV,
      // Powertools idempotency records: create, read, complete, and release on failure.
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    });
    // PutMetricData has no resource-level permissions; the namespace condition is the narrowest scope.
    metric.function.addToRolePolicy(
      new PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': metricsNamespace } } }),
    );
    this.functions = { report, levelStore, gameStore, metric };

    // The one dead-letter store: events EventBridge could not deliver (the rule's DLQ) and events whose
    // housekeeping failed after its retries (the state machine's Catch). Both carry the event as the body.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const workflow = new HousekeepingWorkflow(this, 'Workflow', {
      deadLetters: this.deadLetterQueue,
      report: report.function,
      levelStore: levelStore.function,
      gameStore: gameStore.function,
      metric: metric.function,
    });
    this.stateMachine = new StateMachine(this, 'HousekeepingStateMachine', {
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromChainable(workflow.definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'HousekeepingLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        level: LogLevel.ALL,
        includeExecutionData: true,
      },
    });

    this.rule = new Rule(this, 'HousekeepingRule', {
      eventBus: this.bus,
      description: 'Level and game completions from the game backend start the housekeeping',
      eventPattern: { source: [Source.GameBackend], detailType: [...COMPLETION_DETAIL_TYPES] },
      targets: [
        new SfnStateMachine(this.stateMachine, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 12,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    const alarms = new Topic(this, 'AlarmTopic', { masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'), enforceSSL: true });
    // Both alarms page on the first occurrence in a minute; no data means nothing went wrong.
    const alarmOnFirst = (id: string, alarmDescription: string, metric: IMetric) =>
      new Alarm(this, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarms));
    alarmOnFirst(
      'ExecutionsFailedAlarm',
      'A housekeeping execution failed (after its retries)',
      this.stateMachine.metricFailed({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
    alarmOnFirst(
      'DeadLettersAlarm',
      'Completions that were not delivered or whose housekeeping failed are waiting in the dead-letter queue (gamekeeper redrive)',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    );

    acknowledgeNagFindings(this);
  }

  private table(id: string, key: KeySchema, timeToLiveAttribute?: string): Table {
    return new Table(this, `${id}Table`, {
      partitionKey: { name: key.partitionKey, type: AttributeType.STRING },
      ...(key.sortKey ? { sortKey: { name: key.sortKey, type: AttributeType.STRING } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
    });
  }
}
