import type { core } from 'zod/mini';

/**
 * Error names are part of the contract: Step Functions Retry/Catch match them as `errorType`,
 * so the infra imports these constants instead of repeating the strings. Every error the project's
 * own code throws for a Retry or Catch to match is named here, and its class takes the name from here.
 */
export const ErrorName = {
  /** Input that breaks the contracts (any handler): never retried. */
  InvalidGameEvent: 'InvalidGameEvent',
  /** Too many concurrent writers to one item (`@gamekeeper/replay-safe-store`): retried. */
  ConcurrentUpdateConflict: 'ConcurrentUpdateConflict',
  /** The report could not be published after the producer's own resends (the report service): retried. */
  ReportPublishFailed: 'ReportPublishFailed',
} as const;
export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/** Input that does not satisfy the contracts. Never retried: the same input fails the same way. */
export class InvalidGameEvent extends Error {
  override readonly name = ErrorName.InvalidGameEvent;
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: ErrorOptions) {
    super(`Invalid game event: ${issues.join('; ')}`, options);
    this.issues = issues;
  }

  static fromZod(error: core.$ZodError, prefix: readonly PropertyKey[] = []): InvalidGameEvent {
    return new InvalidGameEvent(formatIssues(error, prefix), { cause: error });
  }
}

/** One line per problem: `detail.score: Too small: expected number to be >=0`. */
export function formatIssues(error: core.$ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
