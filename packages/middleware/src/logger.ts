import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools); the service name comes from the package that owns the function. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
