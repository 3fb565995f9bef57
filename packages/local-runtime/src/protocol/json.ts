import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AwsServiceError } from './aws-error';
import { closesConnection } from './http';

export type JsonVersion = '1.0' | '1.1';

/** The AWS JSON protocols (awsJson1_0, awsJson1_1): a JSON body in, a JSON body out, errors as `__type`. */
export function decodeJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, version: JsonVersion, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(closesConnection(status) ? { connection: 'close' } : {}),
    ...headers,
  });
  res.end(text);
}

/**
 * An error in the JSON protocols. `x-amzn-query-error` carries the Query-protocol code for services
 * whose SDKs were generated query-compatible (CloudWatch, SQS): the SDK prefers it as the error's name.
 */
export function sendJsonError(res: ServerResponse, version: JsonVersion, error: AwsServiceError, queryCompatible = false): void {
  const headers: Record<string, string> = queryCompatible ? { 'x-amzn-query-error': `${error.queryCode};${error.fault}` } : {};
  sendJson(res, version, error.status, { __type: error.code, message: error.message }, headers);
}
