import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Fail, JitterType, JsonPath, Parallel } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DeadLetterAttribute } from '@gamekeeper/contracts';
import { Construct } from 'constructs';
import { generateReportTask, isGameCompletedChoice, logMetricTask, type TaskFunction, updateCompletedGameTask, updateCompletedLevelTask } from './tasks';

// The Retry policy, the error names and the task builders live in ./tasks (shared with the Rebuild
// workflow); re-exported here for callers that import them from the workflow.
export { IDEMPOTENCY_ERRORS, LAMBDA_SERVICE_ERRORS, RETRYABLE_ERRORS, THROTTLING_ERRORS, TIMEOUT_ERRORS } from './tasks';

/** Where a failed execution's error and cause travel with the dead-lettered event (as the rule's DLQ does). */
export const DEAD_LETTER_ATTRIBUTES = {
  error: DeadLetterAttribute.ErrorCode,
  cause: DeadLetterAttribute.ErrorMessage,
  execution: DeadLetterAttribute.ExecutionArn,
} as const;

/** The four functions, as constructs (`ReportFunction`, ...) or any Lambda functions. */
export interface HousekeepingFunctions {
  report: TaskFunction;
  levelStore: TaskFunction;
  gameStore: TaskFunction;
  metric: TaskFunction;
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
    const isGameCompleted = isGameCompletedChoice(this, {
      game: updateCompletedGameTask(this, props.gameStore),
      level: updateCompletedLevelTask(this, props.levelStore),
    });

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
      .branch(generateReportTask(this, props.report))
      .branch(isGameCompleted)
      .branch(logMetricTask(this, props.metric))
      .addCatch(recordDeadLetter.next(failed), { errors: ['States.ALL'], resultPath: '$.failure' });
  }
}
