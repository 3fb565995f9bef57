/** A user mistake: printed as one clear line, exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
