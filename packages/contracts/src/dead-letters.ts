/**
 * The SQS message attributes a dead-lettered event carries, named once for everything that writes or
 * reads them (the state machine's Catch in the infra, the local runtime, `gamekeeper redrive`). The body
 * is the EventBridge event itself, so redriving it means sending the body again; except for the metric
 * function's failed asynchronous invocations, whose body is Lambda's invocation record (no attributes, the
 * event as its `requestPayload`, the error in its `responsePayload`): see {@link readDeadLetter}.
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

/**
 * Lambda's invocation record, the message its on-failure destination receives for an asynchronous
 * invocation it gave up on (after `MaximumRetryAttempts`, or past `MaximumEventAgeInSeconds`).
 */
export interface LambdaInvocationRecord {
  version: string;
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  /** The event the function was invoked with: for a rule target, the EventBridge event. */
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  /** The function's error: `{ errorType, errorMessage, trace? }`. */
  responsePayload?: unknown;
}

/** What a dead letter's body holds: the event to redrive, and the error when the body says it (an invocation record). */
export interface DeadLetterContent {
  /** The EventBridge event (parsed), or undefined when the body is not JSON. */
  event: unknown;
  /** Set when the body is Lambda's invocation record. */
  record?: LambdaInvocationRecord;
  /** The function's `errorType` and `errorMessage`, from an invocation record's `responsePayload`. */
  errorType?: string;
  errorMessage?: string;
}

/** The invocation record a value is (by its `requestContext.functionArn` and `requestPayload`), or undefined. */
export function invocationRecordOf(value: unknown): LambdaInvocationRecord | undefined {
  if (typeof value !== 'object' || value === null || !('requestPayload' in value) || !('requestContext' in value)) return undefined;
  const context = (value as { requestContext: unknown }).requestContext;
  if (typeof context !== 'object' || context === null || typeof (context as { functionArn?: unknown }).functionArn !== 'string') return undefined;
  return value as LambdaInvocationRecord;
}

/** Reads a dead letter's body: the event itself, or Lambda's invocation record around it. */
export function readDeadLetter(body: string | undefined): DeadLetterContent {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return { event: undefined };
  }
  const record = invocationRecordOf(value);
  if (!record) return { event: value };
  const response = (typeof record.responsePayload === 'object' && record.responsePayload !== null ? record.responsePayload : {}) as { errorType?: unknown; errorMessage?: unknown };
  return {
    event: record.requestPayload,
    record,
    ...(typeof response.errorType === 'string' ? { errorType: response.errorType } : {}),
    ...(typeof response.errorMessage === 'string' ? { errorMessage: response.errorMessage } : {}),
  };
}
