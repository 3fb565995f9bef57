import { DetailType, ErrorName } from '@gamekeeper/contracts';
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, type IChainable, JitterType, type RetryProps, TaskInput, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { GameFunction } from './game-function';

// Error names AWS and Powertools give (ours are the contracts' ErrorName), grouped by where they come from.

/** The Lambda service's own errors, as the Lambda integration reports them. */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'] as const;
/** A timed-out invocation: every writer is replay-safe, so running it again is harmless. */
export const TIMEOUT_ERRORS = ['Sandbox.Timedout'] as const;
/** Throttling (DynamoDB, CloudWatch, EventBridge) that outlasted the SDK's own retries. */
export const THROTTLING_ERRORS = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'] as const;
/**
 * Powertools idempotency (the metric service): another attempt still holds the event's record (it ends
 * or expires), or the record could not be read or written (its table throttled).
 */
export const IDEMPOTENCY_ERRORS = ['IdempotencyAlreadyInProgressError', 'IdempotencyPersistenceLayerError', 'IdempotencyInconsistentStateError'] as const;

/**
 * Transient failures worth retrying: the groups above and the services' named retryable errors.
 * InvalidGameEvent is deliberately absent. (The order is the template's; keep it.)
 */
export const RETRYABLE_ERRORS: string[] = [
  ...LAMBDA_SERVICE_ERRORS,
  ...TIMEOUT_ERRORS,
  ...THROTTLING_ERRORS,
  ErrorName.ConcurrentUpdateConflict,
  ErrorName.ReportPublishFailed,
  ...IDEMPOTENCY_ERRORS,
];

/** Errors no retry can fix (the same input fails the same way): never in a Retry. */
export const NON_RETRYABLE_ERRORS: string[] = [ErrorName.InvalidGameEvent];

/** The one Retry every gamekeeper task carries: 6 attempts from 1 s, ×2, capped at 20 s, full jitter. */
export const TASK_RETRY: RetryProps = {
  errors: RETRYABLE_ERRORS,
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxAttempts: 6,
  maxDelay: Duration.seconds(20),
  jitterStrategy: JitterType.FULL,
};

/** A function as the builders accept it: a gamekeeper construct or any Lambda function (e.g. imported by ARN). */
export type TaskFunction = IFunction | GameFunction;

export interface GameTaskOptions {
  /** The construct id and state name; defaults to the task's own name (e.g. `UpdateCompletedLevel`). */
  stateName?: string;
  /** Where the EventBridge event is in the state's input; the whole input (`$`) by default. */
  eventPath?: string;
  /**
   * Where the function's result goes. Unset (the default): the state's output is the function's payload
   * (`OutputPath: $.Payload`). Set (e.g. `JsonPath.DISCARD`): the state's input passes through with the
   * whole Lambda result at that path.
   */
  resultPath?: string;
}

/** Invokes one function with the event as its payload; the explicit Retry is the only one (the integration's own is off). */
function gameTask(scope: Construct, defaultName: string, fn: TaskFunction, options: GameTaskOptions = {}): TaskStateBase {
  const stateName = options.stateName ?? defaultName;
  const eventPath = options.eventPath ?? '$';
  return new LambdaInvoke(scope, stateName, {
    stateName,
    lambdaFunction: 'function' in fn ? fn.function : fn,
    ...(eventPath === '$' ? {} : { payload: TaskInput.fromJsonPathAt(eventPath) }),
    ...(options.resultPath === undefined ? { outputPath: '$.Payload' } : { resultPath: options.resultPath }),
    // The explicit Retry below is the only one, so its backoff and jitter are what applies.
    retryOnServiceExceptions: false,
  }).addRetry(TASK_RETRY);
}

/** GenerateReport: the report function with the event; retried on transient errors and `ReportPublishFailed`. */
export const generateReportTask = (scope: Construct, fn: TaskFunction, options?: GameTaskOptions) => gameTask(scope, 'GenerateReport', fn, options);
/** UpdateCompletedLevel: the level store with the event; retried on transient errors and `ConcurrentUpdateConflict`. */
export const updateCompletedLevelTask = (scope: Construct, fn: TaskFunction, options?: GameTaskOptions) => gameTask(scope, 'UpdateCompletedLevel', fn, options);
/** UpdateCompletedGame: the game store with the event; retried on transient errors and `ConcurrentUpdateConflict`. */
export const updateCompletedGameTask = (scope: Construct, fn: TaskFunction, options?: GameTaskOptions) => gameTask(scope, 'UpdateCompletedGame', fn, options);
/** LogMetric: the metric function with the event; retried on transient errors and the idempotency errors. */
export const logMetricTask = (scope: Construct, fn: TaskFunction, options?: GameTaskOptions) => gameTask(scope, 'LogMetric', fn, options);

/**
 * The Choice `IsGameCompleted`: a game completion goes to `game`, anything else to `level` (whose writer
 * rejects what is not a level completion with InvalidGameEvent). `eventPath` is where the event is.
 */
export function isGameCompletedChoice(scope: Construct, props: { game: IChainable; level: IChainable; eventPath?: string }): Choice {
  const eventPath = props.eventPath ?? '$';
  return new Choice(scope, 'IsGameCompleted', { stateName: 'IsGameCompleted' })
    .when(Condition.stringEquals(`${eventPath}['detail-type']`, DetailType.GameCompleted), props.game)
    .otherwise(props.level);
}
