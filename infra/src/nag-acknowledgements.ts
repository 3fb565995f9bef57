import { type CfnResource, Validations } from 'aws-cdk-lib';
import type { GamekeeperStack } from './gamekeeper-stack';

const nag = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/**
 * Every cdk-nag AwsSolutions finding this stack keeps, each with the reason it is acceptable.
 * Anything not acknowledged here fails synthesis.
 */
export function acknowledgeNagFindings(stack: GamekeeperStack): void {
  for (const fn of Object.values(stack.functions)) {
    const role = fn.function.role!;
    Validations.of(role).acknowledge({
      id: nag('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'),
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; it grants no data access.',
    });
    Validations.of(role).acknowledge({
      id: nag('IAM5[Resource::*]'),
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; neither has cloudwatch:PutMetricData (metric function only), which is limited to the metrics namespace by the cloudwatch:namespace condition.',
    });
    Validations.of(fn.function).acknowledge({
      id: nag('L1'),
      reason: 'Functions run on nodejs22.x, the runtime the services are built and tested for; a runtime upgrade is a planned change, not drift.',
    });
    const logicalId = stack.getLogicalId(fn.function.node.defaultChild as CfnResource);
    Validations.of(stack.stateMachine.role).acknowledge({
      id: nag(`IAM5[Resource::<${logicalId}.Arn>:*]`),
      reason: 'The Lambda integration may invoke this function’s versions and aliases (<arn>:*); it reaches no other function.',
    });
  }
  Validations.of(stack.stateMachine.role).acknowledge({
    id: nag('IAM5[Resource::*]'),
    reason: 'X-Ray tracing and CloudWatch Logs delivery actions of the state machine have no resource-level permissions.',
  });
  Validations.of(stack.deadLetterQueue).acknowledge({
    id: nag('SQS3'),
    reason: 'This queue is itself the dead-letter queue of the housekeeping rule target; a DLQ of a DLQ would only move the problem.',
  });
}
