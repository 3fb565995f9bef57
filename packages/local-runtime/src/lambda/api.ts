import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { arn } from '../arn';
import { AwsServiceError, notEmulated } from '../protocol/aws-error';
import { BODY_TIMEOUT_MS, closesConnection, readBody } from '../protocol/http';
import { type AsyncInvokerOptions, asyncInvoker } from './async-invoke';
import { LambdaFunctionError } from './function-pool';
import type { FunctionLog, LocalFunction, LocalFunctions } from './functions';

/** The Lambda API operations the local endpoint answers (REST-JSON under `/2015-03-31/functions`). */
export const LAMBDA_OPERATIONS = ['Invoke', 'ListFunctions', 'GetFunction', 'GetFunctionConfiguration'] as const;

/** Lambda's payload quotas: 6 MB synchronous (request and response), 1 MB asynchronous. */
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
/** The response size Lambda still returns (6 MB plus its framing); larger is `Function.ResponseSizeTooLarge`. */
const MAX_RESPONSE_BYTES = 6_291_556;
/** `LogType: Tail` returns the last 4 KB of the invocation's log. */
const TAIL_BYTES = 4 * 1024;

/** The function-name constraint from Lambda's API reference (name, ARN or partial ARN, optional qualifier). */
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface LambdaApiOptions {
  functions: LocalFunctions;
  region: string;
  accountId: string;
  /** How long a client may take to send its body (default {@link BODY_TIMEOUT_MS}). */
  bodyTimeoutMs?: number;
  /** Where `Event` invocations' records go (the functions' on-failure/on-success destinations). */
  sendToDestination?: AsyncInvokerOptions['sendToDestination'];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The Lambda API on the local endpoint (REST-JSON, routed by path as AWS's front door routes it):
 * Invoke (RequestResponse, Event, DryRun; `LogType: Tail`), ListFunctions, GetFunction and
 * GetFunctionConfiguration over the functions the runtime runs. Errors in Lambda's REST-JSON shape:
 * the status, `x-amzn-errortype`, and `{"Type","Message"}`. Mount it at `/2015-03-31/functions`.
 */
export function createLambdaApi(options: LambdaApiOptions): Handler {
  const { functions, region, accountId } = options;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const scope = { region, accountId };
  const codeInfo = new Map<string, { mtimeMs: number; size: number; sha256: string }>();
  const invokeAsync = asyncInvoker({ functions, ...(options.sendToDestination ? { sendToDestination: options.sendToDestination } : {}) });

  /** The function a path segment names, or Lambda's error for it. `$LATEST` is the only version. */
  function resolve(rawName: string, queryQualifier: string | null): LocalFunction {
    const match = rawName.length <= 170 ? FUNCTION_NAME.exec(rawName) : null;
    if (!match) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '${rawName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME.source.slice(1, -1)}`,
      );
    }
    const name = match[7]!;
    const nameQualifier = match[9];
    if (nameQualifier && queryQualifier && nameQualifier !== queryQualifier) {
      throw new AwsServiceError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    const qualifier = nameQualifier ?? queryQualifier ?? undefined;
    const inRegion = match[3] ? match[3].slice(0, -1) : region;
    const inAccount = match[5] ? match[5].slice(0, -1) : accountId;
    const found = inRegion === region && inAccount === accountId ? functions.find(name) : undefined;
    if (!found || (qualifier !== undefined && qualifier !== '$LATEST')) {
      const missing = `arn:aws:lambda:${inRegion}:${inAccount}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`;
      throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${missing}`, { status: 404 });
    }
    return found;
  }

  function code(fn: LocalFunction): { size: number; sha256: string; lastModified: string } {
    const stat = statSync(fn.codeFile);
    let info = codeInfo.get(fn.codeFile);
    if (!info || info.mtimeMs !== stat.mtimeMs) {
      const bytes = readFileSync(fn.codeFile);
      info = { mtimeMs: stat.mtimeMs, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64') };
      codeInfo.set(fn.codeFile, info);
    }
    return { size: info.size, sha256: info.sha256, lastModified: new Date(stat.mtimeMs).toISOString().replace('Z', '+0000') };
  }

  /** FunctionConfiguration, from the template (and the bundle that is the function's code). */
  function configuration(fn: LocalFunction): Record<string, unknown> {
    const { model } = fn;
    const { size, sha256, lastModified } = code(fn);
    return {
      FunctionName: model.name,
      FunctionArn: arn.lambdaFunction(scope, model.name),
      ...(model.runtime ? { Runtime: model.runtime } : {}),
      ...(model.roleArn ? { Role: model.roleArn } : {}),
      ...(model.handler ? { Handler: model.handler } : {}),
      CodeSize: size,
      Description: model.description ?? '',
      Timeout: model.timeoutSeconds,
      MemorySize: model.memoryMb,
      LastModified: lastModified,
      CodeSha256: sha256,
      Version: '$LATEST',
      ...(Object.keys(model.environment).length > 0 ? { Environment: { Variables: model.environment } } : {}),
      TracingConfig: { Mode: model.tracingMode ?? 'PassThrough' },
      RevisionId: revisionId(sha256, model.name),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: model.architectures,
      EphemeralStorage: { Size: model.ephemeralStorageMb },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: model.logFormat, LogGroup: model.logGroupName },
    };
  }

  const operations = {
    ListFunctions(url: URL) {
      const maxItems = integerParam(url, 'MaxItems', 1, 10_000) ?? 50;
      const marker = url.searchParams.get('Marker');
      let offset = 0;
      if (marker !== null) {
        const decoded = Number(Buffer.from(marker, 'base64').toString('utf8'));
        if (!Number.isInteger(decoded) || decoded < 0) throw new AwsServiceError('InvalidParameterValueException', 'Invalid marker');
        offset = decoded;
      }
      const all = functions.list();
      const page = all.slice(offset, offset + maxItems);
      return {
        Functions: page.map(configuration),
        ...(offset + maxItems < all.length ? { NextMarker: Buffer.from(String(offset + maxItems)).toString('base64') } : {}),
      };
    },
    GetFunction(url: URL, name: string) {
      const fn = resolve(name, url.searchParams.get('Qualifier'));
      const tags = { 'aws:cloudformation:logical-id': fn.model.logicalId, ...fn.model.tags };
      return {
        Configuration: configuration(fn),
        // A presigned S3 URL on AWS; locally the bundle the runtime runs.
        Code: { RepositoryType: 'S3', Location: pathToFileURL(fn.codeFile).href },
        Tags: tags,
      };
    },
    GetFunctionConfiguration(url: URL, name: string) {
      return configuration(resolve(name, url.searchParams.get('Qualifier')));
    },
  };

  async function invoke(req: IncomingMessage, res: ServerResponse, url: URL, name: string): Promise<void> {
    const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
      throw enumError(invocationType, 'invocationType', ['Event', 'RequestResponse', 'DryRun']);
    }
    const logType = header(req, 'x-amz-log-type') ?? 'None';
    if (logType !== 'None' && logType !== 'Tail') throw enumError(logType, 'logType', ['None', 'Tail']);
    const fn = resolve(name, url.searchParams.get('Qualifier'));
    const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    const body = await readBody(req, {
      timeoutMs: bodyTimeoutMs,
      maxBytes: limit,
      tooLarge: (max) => new AwsServiceError('RequestTooLargeException', `Request must be smaller than ${max} bytes for the InvokeFunction operation`, { status: 413 }),
    });
    const payload = parsePayload(body);
    const requestId = randomUUID();

    if (invocationType === 'DryRun') return send(res, 204, undefined, { 'x-amzn-requestid': requestId });
    if (invocationType === 'Event') {
      // Accepted now, run by the service afterwards: a function error is retried (MaximumRetryAttempts) and
      // then goes to the function's on-failure destination, if it has one; the outcome reaches the caller
      // only through the function's logs and its destinations.
      send(res, 202, undefined, { 'x-amzn-requestid': requestId });
      void invokeAsync(fn.model.name, payload, { requestId }).catch(() => undefined);
      return;
    }

    let log: FunctionLog | undefined;
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
    const tail = (): Record<string, string> => (logType === 'Tail' ? { 'x-amz-log-result': tailOf(log) } : {});
    try {
      const result = await functions.invoke(fn.model.name, payload, { requestId, onLog: (l) => (log = l) });
      const text = JSON.stringify(result ?? null);
      if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
        const error = { errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'Function.ResponseSizeTooLarge' };
        return send(res, 200, JSON.stringify(error), { ...headers, 'x-amz-function-error': 'Unhandled', ...tail() });
      }
      send(res, 200, text, { ...headers, ...tail() });
    } catch (error) {
      if (!(error instanceof LambdaFunctionError)) throw error;
      // The Lambda service itself failed (an injected fault): its error, not the function's.
      if (error.payload.errorType === 'Lambda.ServiceException') throw new AwsServiceError('ServiceException', error.payload.errorMessage, { status: 500 });
      send(res, 200, JSON.stringify(error.payload), { ...headers, 'x-amz-function-error': 'Unhandled', ...tail() });
    }
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    const run = async () => {
      if (route.operation === 'Invoke') return invoke(req, res, url, route.name!);
      req.resume();
      if (route.operation === 'ListFunctions') return send(res, 200, JSON.stringify(operations.ListFunctions(url)));
      if (route.operation === 'GetFunction') return send(res, 200, JSON.stringify(operations.GetFunction(url, route.name!)));
      if (route.operation === 'GetFunctionConfiguration') return send(res, 200, JSON.stringify(operations.GetFunctionConfiguration(url, route.name!)));
      throw notEmulated('Lambda', route.operation);
    };
    run().catch((error: unknown) => {
      req.resume();
      sendError(res, toAwsError(error));
    });
  };
}

/** Which Lambda operation a method and path are (the emulated ones, and the names of the others). */
function routeOf(method: string, pathname: string): { operation: string; name?: string } {
  const rest = pathname.replace(/^\/2015-03-31\/functions\/?/, '');
  const parts = rest === '' ? [] : rest.split('/');
  if (parts[parts.length - 1] === '' && parts.length > 0) parts.pop();
  let name: string;
  try {
    name = parts[0] !== undefined ? decodeURIComponent(parts[0]) : '';
  } catch {
    name = parts[0] ?? '';
  }
  const sub = parts.slice(1).join('/');
  const known: Record<string, string> = {
    'GET /': 'ListFunctions',
    'POST /': 'CreateFunction',
    'GET /fn': 'GetFunction',
    'DELETE /fn': 'DeleteFunction',
    'GET /fn/configuration': 'GetFunctionConfiguration',
    'PUT /fn/configuration': 'UpdateFunctionConfiguration',
    'POST /fn/invocations': 'Invoke',
    'PUT /fn/code': 'UpdateFunctionCode',
    'GET /fn/policy': 'GetPolicy',
    'POST /fn/policy': 'AddPermission',
    'GET /fn/versions': 'ListVersionsByFunction',
    'POST /fn/versions': 'PublishVersion',
    'GET /fn/aliases': 'ListAliases',
    'POST /fn/aliases': 'CreateAlias',
  };
  const shape = parts.length === 0 ? '/' : `/fn${sub ? `/${sub}` : ''}`;
  const operation = known[`${method} ${shape}`];
  if (operation) return parts.length === 0 ? { operation } : { operation, name };
  if (sub.startsWith('policy/') && method === 'DELETE') return { operation: 'RemovePermission' };
  if (sub.startsWith('aliases/')) return { operation: { GET: 'GetAlias', PUT: 'UpdateAlias', DELETE: 'DeleteAlias' }[method] ?? `${method} ${pathname}` };
  return { operation: `${method} ${pathname}` };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function enumError(value: string, member: string, allowed: string[]): AwsServiceError {
  return new AwsServiceError('ValidationException', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
}

function integerParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${raw}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
  return value;
}

/** The event the function receives: the payload's JSON (an empty payload is `{}`, as Lambda passes it). */
function parsePayload(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AwsServiceError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${detail}`);
  }
}

/** The base64 of the last 4 KB of the invocation's log (START to REPORT), as `X-Amz-Log-Result` carries it. */
function tailOf(log: FunctionLog | undefined): string {
  const text = Buffer.from((log?.events ?? []).map((e) => e.message).join(''));
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
}

/** A stable revision id for the code a function runs (a UUID shape, as Lambda gives). */
function revisionId(sha256: string, name: string): string {
  const hex = createHash('sha256').update(`${name}:${sha256}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function toAwsError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsServiceError('ServiceException', `Internal error: ${message}`, { status: 500 });
}

function send(res: ServerResponse, status: number, body: string | undefined, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : { 'content-length': 0 }),
    'x-amzn-requestid': randomUUID(),
    ...(closesConnection(status) ? { connection: 'close' } : {}),
    ...headers,
  });
  res.end(body);
}

/** Lambda's REST-JSON error: the status, the code in `x-amzn-errortype`, `{"Type":"User"|"Service","Message"}`. */
function sendError(res: ServerResponse, error: AwsServiceError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, error.status, JSON.stringify({ Type: error.status >= 500 ? 'Service' : 'User', Message: error.message }), { 'x-amzn-errortype': error.code });
}
