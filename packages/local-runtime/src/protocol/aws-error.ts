/**
 * An error the local endpoint returns in the AWS JSON protocol shape: HTTP status plus
 * `{"__type": code, "message": ...}`, which the AWS SDKs turn into their typed exceptions.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra response headers, e.g. `x-amzn-query-error` for query-compatible services. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export interface ServiceResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One AWS service on the local edge endpoint: an operation name and its JSON body in, a response out. */
export interface LocalService {
  handle(operation: string, body: unknown): Promise<ServiceResponse>;
}

export const ok = (body: unknown): ServiceResponse => ({ status: 200, body });

/** Epoch seconds, as the AWS JSON protocols encode timestamps. */
export const epochSeconds = (date: Date | number) => (typeof date === 'number' ? date : date.getTime()) / 1000;
