/** Who AWS blames for an error: the caller (4xx) or the service (5xx). Query-protocol errors carry it. */
export type Fault = 'Sender' | 'Receiver';

export interface AwsErrorOptions {
  /** HTTP status (400 unless given). */
  status?: number;
  /**
   * The error code in the AWS Query protocol, where it differs from the JSON one (CloudWatch's
   * `InvalidParameterValue` is `InvalidParameterValueException` in JSON). Services that speak JSON with
   * query compatibility also send it in the `x-amzn-query-error` header.
   */
  queryCode?: string;
}

/**
 * The one error every local service throws. Each protocol codec renders it in its own shape (JSON
 * `__type`, Query XML `<Error><Code>`, REST headers), so a service never knows which wire it is on.
 */
export class AwsServiceError extends Error {
  readonly status: number;
  readonly queryCode: string;

  constructor(
    readonly code: string,
    message: string,
    options: AwsErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    this.queryCode = options.queryCode ?? code;
  }

  get fault(): Fault {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** An operation the local endpoint does not emulate, answered as AWS answers an unknown operation on each protocol. */
export function notEmulated(service: string, operation: string): AwsServiceError {
  return new AwsServiceError('UnknownOperationException', `${service} operation ${operation} is not emulated by the local endpoint`, { queryCode: 'InvalidAction' });
}

/** A required string parameter, or the service's own "missing parameter" error (each service words it its way). */
export function requireString(value: unknown, missing: () => AwsServiceError): string {
  if (typeof value !== 'string' || value.length === 0) throw missing();
  return value;
}

/** One AWS service's operations, protocol-free: an operation name and its input in, the output out. */
export interface ServiceBackend {
  /** The operations it emulates: the edge answers every other one as not emulated, and lists these at `GET /`. */
  readonly operations: readonly string[];
  handle(operation: string, input: any): Promise<unknown>;
}

/** Epoch seconds, as the AWS JSON protocols encode timestamps. */
export const epochSeconds = (date: Date | number) => (typeof date === 'number' ? date : date.getTime()) / 1000;
