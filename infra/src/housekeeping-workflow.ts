import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, JitterType, Parallel, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DetailType, ErrorName } from '@gamekeeper/contracts';
import { Construct } from 'constructs';

/** Transient failures worth retrying: the Lambda service's own, throttling, and the services' named retryable errors. */
export const RETRYABLE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  ErrorName.ConcurrentUpdateConflict,
  'ReportPublishFailed',
];

export interface HousekeepingFunctions {
  report: IFunction;
  levelStore: IFunction;
  gameStore: IFunction;
  metric: IFunction;
}

/**
 * The housekeeping definition: a Parallel state with GenerateReport, a Choice on the detail-type routing
 * to UpdateCompletedGame or UpdateCompletedLevel, and LogMetric. Each task gets the whole event as its
 * payload; transient errors are retried with exponential backoff and full jitter; InvalidGameEvent is
 * never retried (it would fail the same way).
 */
export class HousekeepingWorkflow extends Construct {
  readonly definition: Parallel;

  constructor(scope: Construct, id: string, functions: HousekeepingFunctions) {
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
      .when(Condition.stringEquals("$['detail-type']", DetailType.GameCompleted), task('UpdateCompletedGame', functions.gameStore))
      .otherwise(task('UpdateCompletedLevel', functions.levelStore));

    this.definition = new Parallel(this, 'Housekeeping', { stateName: 'Housekeeping' })
      .branch(task('GenerateReport', functions.report))
      .branch(isGameCompleted)
      .branch(task('LogMetric', functions.metric));
  }
}
