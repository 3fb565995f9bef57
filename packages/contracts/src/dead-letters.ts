/**
 * The SQS message attributes a dead-lettered event carries, named once for everything that writes or
 * reads them (the state machine's Catch in the infra, the local runtime, `gamekeeper redrive`). The body
 * is always the EventBridge event itself, so redriving it means sending the body again.
 *
 * - `ErrorCode`, `ErrorMessage`: what failed; set by EventBridge on the rule's dead-letter queue and by
 *   the state machine's Catch (the execution's error and cause) alike.
 * - `ExecutionArn`: the failed housekeeping execution; set by the state machine's Catch only.
 * - `RuleArn`, `TargetArn`: the rule and target EventBridge could not deliver to; set by EventBridge
 *   itself on the rule's dead-letter queue (AWS names them; we only read them).
 */
export const DeadLetterAttribute = {
  ErrorCode: 'ERROR_CODE',
  ErrorMessage: 'ERROR_MESSAGE',
  ExecutionArn: 'EXECUTION_ARN',
  RuleArn: 'RULE_ARN',
  TargetArn: 'TARGET_ARN',
} as const;
export type DeadLetterAttribute = (typeof DeadLetterAttribute)[keyof typeof DeadLetterAttribute];
