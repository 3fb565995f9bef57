import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, Fail, JitterType, JsonPath, Parallel, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DeadLetterAttribute, DetailType, ErrorName } from '@gamekeeper/contracts';
import { Construct } from 'constructs';

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

/** Where a failed execution's error and cause travel with the dead-lettered event (as the rule's DLQ does). */
export const DEAD_LETTER_ATTRIBUTES = {
  error: DeadLetterAttribute.ErrorCode,
  cause: DeadLetterAttribute.ErrorMessage,
  execution: DeadLetterAttribute.ExecutionArn,
} as const;

export interface HousekeepingFunctions {
  report: IFunction;
  levelStore: IFunction;
  gameStore: IFunction;
  metric: IFunction;
}

export interface HousekeepingWorkflowProps extends HousekeepingFunctions {
  /** Receives the event of every execution that still fails after its retries, with the error and cause. */
  deadLetters: IQueue;
}

/**
 * The housekeeping definition: a Parallel state with GenerateReport, a Choice on the detail-type routing
 * to UpdateCompletedGame or UpdateCompletedLevel, and LogMetric. Each task gets the whole event as its
 * payload; transient errors are retried with exponential backoff and full jitter; InvalidGameEvent is
 * never retried (it would fail the same way). Whatever still fails is caught: the original event goes to
 * the dead-letter queue with the error and cause (nothing is lost; `gamekeeper redrive` replays it), and
 * the execution then fails with that same error, so alarms and Retry/Catch callers still see it.
 */
export class HousekeepingWorkflow extends Construct {
  readonly definition: Parallel;

  constructor(scope: Construct, id: string, props: HousekeepingWorkflowProps) {
    super(scope, id);
    const task = (name: string, fn: IFunction): TaskStateBase =>
      new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: fn,
        outputPath: '$.Payload',
        // The explicit Retry below is the only one, so its backoff and jitter are what applies.
        retryOnServiceExceptions: false,
      }).addRetry({
        errors: RETRYABLE_ERRORS,
        interval: Duration.seconds(1),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.seconds(20),
        jitterStrategy: JitterType.FULL,
      });

    const isGameCompleted = new Choice(this, 'IsGameCompleted', { stateName: 'IsGameCompleted' })
      .when(Condition.stringEquals("$['detail-type']", DetailType.GameCompleted), task('UpdateCompletedGame', props.gameStore))
      .otherwise(task('UpdateCompletedLevel', props.levelStore));

    // The SDK integration (not the optimized sqs:sendMessage one, which has no message attributes in CDK).
    const attribute = (path: string) => ({ DataType: 'String', StringValue: JsonPath.stringAt(path) });
    const recordDeadLetter = new CallAwsService(this, 'RecordDeadLetter', {
      stateName: 'RecordDeadLetter',
      service: 'sqs',
      action: 'sendMessage',
      iamResources: [props.deadLetters.queueArn],
      parameters: {
        QueueUrl: props.deadLetters.queueUrl,
        // The execution's input is the EventBridge event itself: the body is exactly what redrive re-sends.
        MessageBody: JsonPath.jsonToString(JsonPath.objectAt('$$.Execution.Input')),
        MessageAttributes: {
          [DEAD_LETTER_ATTRIBUTES.error]: attribute('$.failure.Error'),
          [DEAD_LETTER_ATTRIBUTES.cause]: attribute('$.failure.Cause'),
          [DEAD_LETTER_ATTRIBUTES.execution]: attribute('$$.Execution.Id'),
        },
      },
      resultPath: JsonPath.DISCARD,
    }).addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, jitterStrategy: JitterType.FULL });
    const failed = new Fail(this, 'HousekeepingFailed', { stateName: 'HousekeepingFailed', errorPath: '$.failure.Error', causePath: '$.failure.Cause' });

    this.definition = new Parallel(this, 'Housekeeping', { stateName: 'Housekeeping' })
      .branch(task('GenerateReport', props.report))
      .branch(isGameCompleted)
      .branch(task('LogMetric', props.metric))
      .addCatch(recordDeadLetter.next(failed), { errors: ['States.ALL'], resultPath: '$.failure' });
  }
}
