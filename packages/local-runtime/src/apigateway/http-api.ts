import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountScope } from '../arn';
import type { RawHandler } from '../edge/server';
import type { LocalFunctions } from '../lambda/functions';
import { LambdaFunctionError } from '../lambda/function-pool';
import { AwsServiceError } from '../protocol/aws-error';
import { readBody } from '../protocol/http';
import type { HttpApiModel, HttpRouteModel } from '../template/model';

/** Where the HTTP APIs live on the one port: `<endpoint>/_aws/execute-api/<api id>/<route path>`. */
export const HTTP_API_PATH = '/_aws/execute-api';
/** API Gateway's payload limit for HTTP APIs. */
export const HTTP_API_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The template's API Gateway HTTP APIs with Lambda proxy routes (payload format 2.0): a request becomes
 * the 2.0 event, the function's answer becomes the response the 2.0 way, and API Gateway's own answers
 * (404, 413, 429, 500, 503) are its own. Authorization (IAM, JWT) is not checked locally.
 */
export class HttpApis {
  private byId = new Map<string, { api: HttpApiModel; bucket: (() => boolean) | undefined }>();

  constructor(private readonly deps: { apis: HttpApiModel[]; functions: LocalFunctions; scope: AccountScope }) {
    this.replace(deps.apis);
  }

  /** New APIs and routes (a template update): requests from now on are routed by them; an API whose throttling is unchanged keeps its bucket. */
  replace(apis: readonly HttpApiModel[]): void {
    const current = this.byId;
    this.byId = new Map(
      apis.map((api) => {
        const kept = current.get(api.id);
        const sameThrottle = kept && JSON.stringify(kept.api.throttle) === JSON.stringify(api.throttle);
        return [api.id, { api, bucket: sameThrottle ? kept.bucket : api.throttle ? tokenBucket(api.throttle) : undefined }];
      }),
    );
  }

  readonly handler: RawHandler = (req, res) => {
    const { functions, scope } = this.deps;
    const url = new URL(req.url ?? '/', 'http://local');
    const [apiId = '', ...rest] = url.pathname.slice(HTTP_API_PATH.length + 1).split('/');
    const path = `/${rest.join('/')}`;
    const found = this.byId.get(apiId);
    const route = found?.api.routes.find((r) => (r.method === req.method || r.method === 'ANY') && r.path === path);
    if (!found || !route) return answer(req, res, 404, 'Not Found');
    if (found.bucket && !found.bucket()) return answer(req, res, 429, 'Too Many Requests');
    void invoke(req, res, { api: found.api, route, url, path, functions, scope });
  };
}

async function invoke(
  req: IncomingMessage,
  res: ServerResponse,
  { api, route, url, path, functions, scope }: { api: HttpApiModel; route: HttpRouteModel; url: URL; path: string; functions: LocalFunctions; scope: AccountScope },
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, { timeoutMs: 30_000, maxBytes: HTTP_API_MAX_BODY_BYTES });
  } catch (error) {
    const status = error instanceof AwsServiceError ? error.status : 400;
    return answer(req, res, status, status === 413 ? 'Request Entity Too Large' : 'Bad Request');
  }
  const requestId = randomUUID();
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v)]));
  const text = isText(headers['content-type']);
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: scope.accountId,
      apiId: api.id,
      domainName: headers.host ?? 'localhost',
      http: { method: req.method, path, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
  let result: unknown;
  try {
    result = await functions.invoke(route.functionArn, event);
  } catch (error) {
    const timedOut = error instanceof LambdaFunctionError && error.name === 'Sandbox.Timedout';
    return answer(req, res, timedOut ? 503 : 500, timedOut ? 'Service Unavailable' : 'Internal Server Error', requestId);
  }
  respond(res, result, requestId);
}

/** Payload format 2.0: a result with `statusCode` is the response; anything else is a 200 JSON body. */
function respond(res: ServerResponse, result: unknown, requestId: string): void {
  const shaped = typeof result === 'object' && result !== null && 'statusCode' in result ? (result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] }) : undefined;
  const status = shaped ? Number(shaped.statusCode) : 200;
  const body = shaped ? Buffer.from(shaped.body ?? '', shaped.isBase64Encoded ? 'base64' : 'utf8') : Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null));
  const headers: Record<string, string | string[]> = {
    'content-type': shaped ? 'text/plain; charset=utf-8' : 'application/json',
    ...(shaped?.headers ?? {}),
    ...(shaped?.cookies?.length ? { 'set-cookie': shaped.cookies } : {}),
    'content-length': String(body.length),
    'apigw-requestid': requestId,
  };
  res.writeHead(status, headers);
  res.end(body);
}

/** API Gateway's own answers carry `{"message": ...}`. */
function answer(req: IncomingMessage, res: ServerResponse, status: number, message: string, requestId: string = randomUUID()): void {
  req.resume();
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'apigw-requestid': requestId, ...(status === 413 ? { connection: 'close' } : {}) });
  res.end(body);
}

const isText = (contentType: string | undefined) => !contentType || /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]+\+json))/i.test(contentType);

/** The stage's throttling: `rateLimit` requests a second on average, bursts up to `burstLimit`. */
function tokenBucket({ rateLimit, burstLimit }: { rateLimit: number; burstLimit: number }): () => boolean {
  let tokens = burstLimit;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(burstLimit, tokens + ((now - last) / 1000) * rateLimit);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
