import { type CfnResource, Validations } from 'aws-cdk-lib';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { GameFunction } from './game-function';
import type { GamekeeperStack } from './gamekeeper-stack';

const nag = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/**
 * Every cdk-nag AwsSolutions finding this stack keeps, each with the reason it is acceptable.
 * Anything not acknowledged here fails synthesis.
 */
export function acknowledgeNagFindings(stack: GamekeeperStack): void {
  const { report, levelStore, gameStore, metric } = stack.functions;
  for (const fn of [report, levelStore, gameStore, metric]) {
    const role = fn.function.role!;
    Validations.of(role).acknowledge({
      id: nag('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'),
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; it grants no data access.',
    });
    Validations.of(role).acknowledge({
      id: nag('IAM5[Resource::*]'),
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; they are the only actions on `*`.',
    });
    Validations.of(fn.function).acknowledge({
      id: nag('L1'),
      reason: 'Functions run on nodejs22.x, the runtime the services are built and tested for; a runtime upgrade is a planned change, not drift.',
    });
  }

  // Each state machine may invoke exactly the functions its tasks name.
  const machines: [StateMachine, GameFunction[]][] = [
    [stack.stateMachine, [report, levelStore, gameStore, metric]],
    [stack.rebuildStateMachine, [levelStore, gameStore]],
  ];
  for (const [machine, invoked] of machines) {
    for (const fn of invoked) {
      const logicalId = stack.getLogicalId(fn.function.node.defaultChild as CfnResource);
      Validations.of(machine.role).acknowledge({
        id: nag(`IAM5[Resource::<${logicalId}.Arn>:*]`),
        reason: 'The Lambda integration may invoke this function’s versions and aliases (<arn>:*); it reaches no other function.',
      });
    }
    Validations.of(machine.role).acknowledge({
      id: nag('IAM5[Resource::*]'),
      reason: 'X-Ray tracing and CloudWatch Logs delivery actions of the state machine have no resource-level permissions.',
    });
    Validations.of(machine).acknowledge({
      id: nag('SF1'),
      reason:
        'Logging ALL events with execution data costs about as much as the rest of an Express flow (README, "State machine logging"), so the default is ERROR; the stateMachineLogLevel stack prop turns ALL with data on for debugging.',
    });
  }
  Validations.of(stack.deadLetterQueue).acknowledge({
    id: nag('SQS3'),
    reason: 'This queue is itself the dead-letter queue of both rules’ targets and of the housekeeping Catch; a DLQ of a DLQ would only move the problem.',
  });
}
