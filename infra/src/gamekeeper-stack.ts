import { COMPLETION_DETAIL_TYPES, DetailType, EVENT_BUS_NAME, Source } from '@gamekeeper/contracts';
import { DEFAULT_METRICS_NAMESPACE } from '@gamekeeper/metric/config';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, type IChainable, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CompletionsApi, type CompletionsApiAuthorization, type CompletionsApiThrottle } from './completions-api';
import { GameStoreFunction, LevelStoreFunction, MetricFunction, ReportFunction, gameTable } from './functions';
import { HousekeepingWorkflow } from './housekeeping-workflow';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { RebuildWorkflow } from './rebuild-workflow';

/**
 * How much the state machines log to CloudWatch Logs. `ERROR` (the default): failed executions only,
 * without execution data (inputs and outputs). `ALL`: every state transition with its input and output,
 * for debugging; on Express this costs about as much as the rest of the flow (see the README).
 */
export type StateMachineLogLevel = 'ERROR' | 'ALL';

export interface GamekeeperStackProps extends StackProps {
  /** CloudWatch namespace of the completion metrics. */
  metricsNamespace?: string;
  /** State machine logging for both machines. Default `ERROR` (no execution data). */
  stateMachineLogLevel?: StateMachineLogLevel;
  /** How long the bus archive keeps completion events (the Rebuild's source). Default 365 days. */
  archiveRetention?: Duration;
  /** How many events the Rebuild writes at once (its Map's MaxConcurrency), 1 to 40. Default 10. */
  rebuildMaxConcurrency?: number;
  /** The HTTP API's authorization. Default IAM (SigV4). */
  apiAuthorization?: CompletionsApiAuthorization;
  /** The HTTP API's stage throttling. Default 50 requests/s, burst 100. */
  apiThrottle?: CompletionsApiThrottle;
}

export const DEFAULT_ARCHIVE_RETENTION = Duration.days(365);
export const DEFAULT_REBUILD_MAX_CONCURRENCY = 10;

/**
 * The deployed system: bus, archive and two rules; the housekeeping and rebuild state machines; the HTTP
 * API; four functions, three tables, alarms.
 */
export class GamekeeperStack extends Stack {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly rule: Rule;
  /** `Report.LevelReportGenerated` → the metric function directly. */
  readonly reportRule: Rule;
  readonly stateMachine: StateMachine;
  readonly rebuildStateMachine: StateMachine;
  readonly api: CompletionsApi;
  readonly deadLetterQueue: Queue;
  readonly functions: { report: ReportFunction; levelStore: LevelStoreFunction; gameStore: GameStoreFunction; metric: MetricFunction };
  readonly tables: { completedLevel: Table; completedGame: Table; metricIdempotency: Table };

  constructor(scope: Construct, id: string, props: GamekeeperStackProps = {}) {
    super(scope, id, props);
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const logLevel = props.stateMachineLogLevel ?? 'ERROR';

    this.bus = new EventBus(this, 'GameEventsBus', { eventBusName: EVENT_BUS_NAME });
    const completions = { source: [Source.GameBackend], detailType: [...COMPLETION_DETAIL_TYPES] };
    // Every completion, kept for the Rebuild (the tables are folds of these events).
    this.archive = this.bus.archive('CompletionsArchive', {
      description: 'Level and game completions from the game backend, the source of a Rebuild',
      eventPattern: completions,
      retention: props.archiveRetention ?? DEFAULT_ARCHIVE_RETENTION,
    });

    this.tables = {
      completedLevel: gameTable(this, 'CompletedLevelTable', LevelStoreFunction.tableKey),
      completedGame: gameTable(this, 'CompletedGameTable', GameStoreFunction.tableKey),
      metricIdempotency: gameTable(this, 'MetricIdempotencyTable', MetricFunction.tableKey, MetricFunction.timeToLiveAttribute),
    };

    this.functions = {
      report: new ReportFunction(this, 'Report', { bus: this.bus }),
      levelStore: new LevelStoreFunction(this, 'LevelStore', { table: this.tables.completedLevel }),
      gameStore: new GameStoreFunction(this, 'GameStore', { table: this.tables.completedGame }),
      metric: new MetricFunction(this, 'Metric', { idempotencyTable: this.tables.metricIdempotency, namespace: metricsNamespace }),
    };
    const { report, levelStore, gameStore, metric } = this.functions;

    // The one dead-letter store: events EventBridge could not deliver (both rules' DLQ) and events whose
    // housekeeping failed after its retries (the state machine's Catch), both with the event as the body; and
    // the metric function's failed asynchronous invocations (its on-failure destination: Lambda's invocation
    // record, the event as its `requestPayload`).
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const workflow = new HousekeepingWorkflow(this, 'Workflow', { deadLetters: this.deadLetterQueue, report, levelStore, gameStore, metric });
    this.stateMachine = this.stateMachineOf('Housekeeping', workflow.definition, logLevel);

    // Rebuild: the same writers over a batch of events; no report, no metric.
    const rebuild = new RebuildWorkflow(this, 'RebuildWorkflow', {
      levelStore,
      gameStore,
      maxConcurrency: props.rebuildMaxConcurrency ?? DEFAULT_REBUILD_MAX_CONCURRENCY,
    });
    this.rebuildStateMachine = this.stateMachineOf('Rebuild', rebuild.definition, logLevel);

    // The same delivery guarantees for every rule: 12 attempts over up to 6 hours, then the DLQ.
    const delivery = { deadLetterQueue: this.deadLetterQueue, retryAttempts: 12, maxEventAge: Duration.hours(6) };
    this.rule = new Rule(this, 'HousekeepingRule', {
      eventBus: this.bus,
      description: 'Level and game completions from the game backend start the housekeeping',
      eventPattern: completions,
      targets: [new SfnStateMachine(this.stateMachine, delivery)],
    });
    // One function alone on an event: the metric function counts reports by rating, no state machine.
    this.reportRule = new Rule(this, 'ReportMetricRule', {
      eventBus: this.bus,
      description: 'Level reports from the report service are counted by the metric function',
      eventPattern: { source: [Source.Report], detailType: [DetailType.LevelReportGenerated] },
      targets: [new LambdaFunction(metric.function, delivery)],
    });
    // EventBridge invokes the metric function asynchronously: its DLQ holds events it could not *deliver*.
    // An event the function fails on is retried by Lambda (2 retries), then its invocation record (the event
    // as `requestPayload`, the error as `responsePayload`) goes to the same queue: nothing is dropped.
    metric.function.configureAsyncInvoke({ onFailure: new SqsDestination(this.deadLetterQueue), retryAttempts: 2 });

    this.api = new CompletionsApi(this, 'CompletionsApi', {
      levelStore,
      gameStore,
      ...(props.apiAuthorization ? { authorization: props.apiAuthorization } : {}),
      ...(props.apiThrottle ? { throttle: props.apiThrottle } : {}),
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
      'Events that were not delivered, whose housekeeping failed or that the metric function failed on are waiting in the dead-letter queue (gamekeeper redrive)',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    );

    acknowledgeNagFindings(this);
  }

  /** An Express state machine (see the README for why both are Express) with X-Ray and its own log group. */
  private stateMachineOf(name: string, definition: IChainable, logLevel: StateMachineLogLevel): StateMachine {
    return new StateMachine(this, `${name}StateMachine`, {
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, `${name}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        level: logLevel === 'ALL' ? LogLevel.ALL : LogLevel.ERROR,
        includeExecutionData: logLevel === 'ALL',
      },
    });
  }
}
