import type { z } from 'zod';

/**
 * Error names are part of the contract: Step Functions Retry/Catch match them as `errorType`,
 * so the infra imports these constants instead of repeating the strings.
 */
export const ErrorName = {
  InvalidGameEvent: 'InvalidGameEvent',
  ConcurrentUpdateConflict: 'ConcurrentUpdateConflict',
} as const;

/** Input that does not satisfy the contracts. Never retried: the same input fails the same way. */
export class InvalidGameEvent extends Error {
  override readonly name = ErrorName.InvalidGameEvent;
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: ErrorOptions) {
    super(`Invalid game event: ${issues.join('; ')}`, options);
    this.issues = issues;
  }

  static fromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): InvalidGameEvent {
    return new InvalidGameEvent(formatIssues(error, prefix), { cause: error });
  }
}

/** One line per problem: `detail.score: Too small: expected number to be >=0`. */
export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
