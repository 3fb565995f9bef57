import type { BusModel, RuleModel } from '../../src/template/model';

// The bus and rule the EventBridge tests deliver through: a completions rule with a state machine target.
export const scope = { region: 'us-east-1', accountId: '000000000000' };
export const gameEventsBus: BusModel = { name: 'game-events', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/game-events' };

/** The rule, with the target's retry policy each test needs. */
export function completionsRule(retryPolicy: RuleModel['targets'][number]['retryPolicy']): RuleModel {
  return {
    name: 'Completions',
    arn: 'arn:aws:events:us-east-1:000000000000:rule/game-events/Completions',
    busName: 'game-events',
    enabled: true,
    pattern: { source: ['game'], 'detail-type': ['Done'] },
    targets: [{ id: 'Target0', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Housekeeping', retryPolicy, deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:Dlq' }],
  };
}
