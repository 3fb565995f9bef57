import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, Fail, JitterType, JsonPath, Parallel, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DetailType, ErrorName } from '@gamekeeper/contracts';
import { Construct } from 'constructs';

/**
 * Transient failures worth retrying: the Lambda service's own, a timed-out invocation (every writer is
 * replay-safe, so running it again is harmless), throttling that outlasted the SDK's own retries, and
 * the services' named retryable errors. InvalidGameEvent is deliberately absent.
 */
export const RETRYABLE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  ErrorName.ConcurrentUpdateConflict,
  'ReportPublishFailed',
  // Powertools idempotency: another attempt still holds the event's record (it ends or expires), or the
  // record could not be read or written (its table throttled).
  'IdempotencyAlreadyInProgressError',
  'IdempotencyPersistenceLayerError',
  'IdempotencyInconsistentStateError',
];

/** Where a failed execution's error and cause travel with the dead-lettered event (as the rule's DLQ does). */
export const DEAD_LETTER_ATTRIBUTES = { error: 'ERROR_CODE', cause: 'ERROR_MESSAGE', execution: 'EXECUTION_ARN' } as const;

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
