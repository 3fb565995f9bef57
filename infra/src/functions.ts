// Each service's `config` entry only: its env-var names and table keys, without loading handler code
// (no SDK, no Powertools) into synthesis.
import { COMPLETED_GAME_TABLE_ENV, completedGameTableKey } from '@gamekeeper/game-store/config';
import { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey } from '@gamekeeper/level-store/config';
import { DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_TABLE_ENV, IDEMPOTENCY_TTL_ATTRIBUTE, METRICS_NAMESPACE_ENV, idempotencyTableKey } from '@gamekeeper/metric/config';
import { EVENT_BUS_ENV } from '@gamekeeper/report/config';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { GameFunction, type GameFunctionProps } from './game-function';

/** Settings another app may override; the service package, its name and its grants are fixed. */
export type GameFunctionOptions = Partial<Pick<GameFunctionProps, 'description' | 'timeout' | 'memorySize'>>;

/** A table's key schema as the service package declares it (`<service>/config`). */
export interface KeySchema {
  partitionKey: string;
  sortKey?: string;
}

/**
 * A gamekeeper table: on-demand, point-in-time recovery, AWS-managed encryption, retained when the
 * stack is deleted. The key schema comes from the service that owns the table.
 */
export function gameTable(scope: Construct, id: string, key: KeySchema, timeToLiveAttribute?: string): Table {
  return new Table(scope, id, {
    partitionKey: { name: key.partitionKey, type: AttributeType.STRING },
    ...(key.sortKey ? { sortKey: { name: key.sortKey, type: AttributeType.STRING } } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
  });
}

/** GenerateReport (`@gamekeeper/report`): builds the level report and publishes it on the bus; may put events on that bus only. */
export class ReportFunction extends GameFunction {
  constructor(scope: Construct, id: string, props: GameFunctionOptions & { bus: IEventBus }) {
    super(scope, id, {
      servicePackage: '@gamekeeper/report',
      serviceName: 'report',
      description: props.description ?? 'GenerateReport: builds the level report and publishes it on the bus',
      environment: { [EVENT_BUS_ENV]: props.bus.eventBusName },
      ...timing(props),
    });
    props.bus.grantPutEventsTo(this.function);
  }
}

/** What tells one completion store from the other: its package, name, default description and table variable. */
interface CompletionStoreService {
  servicePackage: string;
  serviceName: string;
  description: string;
  tableEnv: string;
}

/** A completion store's function: it reads and writes its one table, nothing else. */
abstract class CompletionStoreFunction extends GameFunction {
  protected constructor(scope: Construct, id: string, props: GameFunctionOptions & { table: ITable }, service: CompletionStoreService) {
    super(scope, id, {
      servicePackage: service.servicePackage,
      serviceName: service.serviceName,
      description: props.description ?? service.description,
      ...timing(props),
    });
    this.bindTable({ table: props.table, envVar: service.tableEnv });
  }
}

/** UpdateCompletedLevel (`@gamekeeper/level-store`): reads and writes its CompletedLevel table, nothing else. */
export class LevelStoreFunction extends CompletionStoreFunction {
  /** The key schema the level store expects of its table. */
  static readonly tableKey: KeySchema = completedLevelTableKey;

  constructor(scope: Construct, id: string, props: GameFunctionOptions & { table: ITable }) {
    super(scope, id, props, {
      servicePackage: '@gamekeeper/level-store',
      serviceName: 'level-store',
      description: 'UpdateCompletedLevel: records level completions, replay-safe',
      tableEnv: COMPLETED_LEVEL_TABLE_ENV,
    });
  }
}

/** UpdateCompletedGame (`@gamekeeper/game-store`): reads and writes its CompletedGame table, nothing else. */
export class GameStoreFunction extends CompletionStoreFunction {
  /** The key schema the game store expects of its table. */
  static readonly tableKey: KeySchema = completedGameTableKey;

  constructor(scope: Construct, id: string, props: GameFunctionOptions & { table: ITable }) {
    super(scope, id, props, {
      servicePackage: '@gamekeeper/game-store',
      serviceName: 'game-store',
      description: 'UpdateCompletedGame: records game completions, replay-safe',
      tableEnv: COMPLETED_GAME_TABLE_ENV,
    });
  }
}

/**
 * LogMetric (`@gamekeeper/metric`): emits the completion metrics as CloudWatch Embedded Metric Format (a
 * log line, so no CloudWatch API permission) once per event, guarded by its idempotency table.
 */
export class MetricFunction extends GameFunction {
  /** Powertools idempotency's record layout: partition key `id`, TTL attribute `expiration`. */
  static readonly tableKey: KeySchema = idempotencyTableKey;
  static readonly timeToLiveAttribute = IDEMPOTENCY_TTL_ATTRIBUTE;

  constructor(scope: Construct, id: string, props: GameFunctionOptions & { idempotencyTable: ITable; namespace?: string }) {
    super(scope, id, {
      servicePackage: '@gamekeeper/metric',
      serviceName: 'metric',
      description: props.description ?? 'LogMetric: CloudWatch metrics for each completion, once per event',
      environment: { [METRICS_NAMESPACE_ENV]: props.namespace ?? DEFAULT_METRICS_NAMESPACE },
      ...timing(props),
    });
    this.bindTable({
      table: props.idempotencyTable,
      envVar: IDEMPOTENCY_TABLE_ENV,
      // Powertools idempotency records: create, read, complete, and release on failure.
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    });
  }
}

const timing = (props: GameFunctionOptions) => ({
  ...(props.timeout ? { timeout: props.timeout } : {}),
  ...(props.memorySize ? { memorySize: props.memorySize } : {}),
});
