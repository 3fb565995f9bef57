import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { AwsServiceError, type ServiceBackend, notEmulated } from '../protocol/aws-error';
import { BODY_TIMEOUT_MS, readBody } from '../protocol/http';
import { type JsonVersion, decodeJsonBody, sendJson, sendJsonError } from '../protocol/json';
import { type QueryProtocol, decodeQueryInput, invalidAction, isFormEncoded, missingAction, parseQueryForm, sendQueryError, sendQueryResult } from '../protocol/query';

export { BODY_TIMEOUT_MS, MAX_BODY_BYTES } from '../protocol/http';

/** One emulated AWS service as the edge sees it: where its requests are recognized and its backend. */
export interface ServiceEndpoint {
  /** The service's name as AWS writes it (`EventBridge`), for the list of what is emulated. */
  name: string;
  /** The X-Amz-Target prefix of its JSON protocol, e.g. `AWSEvents` (the part before the dot). */
  targetPrefix: string;
  jsonVersion: JsonVersion;
  /** The SDKs were generated query-compatible (CloudWatch, SQS): errors also carry the Query code. */
  queryCompatible?: boolean;
  /** It also speaks the AWS Query protocol (CloudWatch, SQS): form-encoded `Action=` requests, XML replies. */
  query?: QueryProtocol;
  backend: ServiceBackend;
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface EdgeOptions {
  services: ServiceEndpoint[];
  /** A service that speaks HTTP itself (dynalite for DynamoDB), by X-Amz-Target prefix. */
  rawServices?: Record<string, RawHandler>;
  /** How long a client may take to send its body (default {@link BODY_TIMEOUT_MS}). */
  bodyTimeoutMs?: number;
}

export interface EdgeServer extends Server {
  /** Adds services (a runtime listens first: its functions and queue URLs need the endpoint's address). */
  addServices(services: ServiceEndpoint[]): void;
  /**
   * Routes every request whose path starts with `pathPrefix` (the Lambda REST API, a browser console) to
   * `handler`; an AWS service served this way names its operations for the list at `GET /`.
   */
  mount(pathPrefix: string, handler: RawHandler, emulated?: { service: string; operations: readonly string[] }): void;
}

/**
 * One loopback endpoint for every emulated AWS service, routed as AWS's front door would: by
 * X-Amz-Target for the JSON protocols, so `AWS_ENDPOINT_URL` points any AWS SDK or the AWS CLI at all of
 * them. Paths mounted by the caller (a browser console) come first. Created here, listened on by the
 * caller (tests drive it in-process on a random port).
 */
export function createEdgeServer(options: EdgeOptions): EdgeServer {
  const services = new Map(options.services.map((service) => [service.targetPrefix, service]));
  const mounts: { prefix: string; handler: RawHandler; emulated?: { service: string; operations: readonly string[] } }[] = [];
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const mounted = mounts.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
    if (mounted) return mounted.handler(req, res);

    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target && req.method === 'GET' && (path === '/' || path.startsWith('/?'))) {
      req.resume();
      return sendJson(res, '1.1', 200, {
        emulated: [
          ...[...services.values()].map(({ name, targetPrefix, backend, query }) => ({ service: name, targetPrefix, ...(query ? { queryVersion: query.version } : {}), operations: backend.operations })),
          ...mounts.flatMap(({ prefix, emulated }) => (emulated ? [{ service: emulated.service, path: prefix, operations: emulated.operations }] : [])),
        ],
      });
    }
    const dot = target.indexOf('.');
    const prefix = dot < 0 ? target : target.slice(0, dot);
    const operation = dot < 0 ? '' : target.slice(dot + 1);
    const raw = options.rawServices?.[prefix];
    if (raw) return raw(req, res);
    if (!target && req.method === 'POST' && isFormEncoded(req.headers['content-type'])) return serveQuery(req, res, [...services.values()], bodyTimeoutMs);

    const service = services.get(prefix);
    const version = service?.jsonVersion ?? '1.1';
    const fail = (error: AwsServiceError) => sendJsonError(res, version, error, service?.queryCompatible);
    if (req.method !== 'POST') {
      req.resume();
      return fail(new AwsServiceError('UnknownOperationException', `${req.method} ${path} is not an AWS JSON protocol request`));
    }
    if (!service || !operation) {
      req.resume();
      return fail(new AwsServiceError('UnknownOperationException', target ? `Unknown target: ${target}` : 'Missing X-Amz-Target header'));
    }
    if (!service.backend.operations.includes(operation)) {
      req.resume();
      return fail(notEmulated(service.name, operation));
    }
    readBody(req, { timeoutMs: bodyTimeoutMs })
      .then(async (body) => sendJson(res, version, 200, await service.backend.handle(operation, decodeJsonBody(body))))
      .catch((error: unknown) => fail(asAwsError(error)));
  }) as EdgeServer;
  server.addServices = (added) => {
    for (const service of added) services.set(service.targetPrefix, service);
  };
  server.mount = (pathPrefix, handler, emulated) => {
    mounts.push({ prefix: pathPrefix.replace(/\/$/, ''), handler, ...(emulated ? { emulated } : {}) });
  };
  return server;
}

/**
 * A Query-protocol request, routed as AWS's front door would: to the service whose Query description
 * knows the `Action` (CloudWatch's and SQS's action names do not collide), narrowed by `Version` when
 * given. The service's XML namespace is on every reply once the service is known, errors included.
 */
function serveQuery(req: IncomingMessage, res: ServerResponse, services: ServiceEndpoint[], bodyTimeoutMs: number): void {
  let xmlns: string | undefined;
  readBody(req, { timeoutMs: bodyTimeoutMs })
    .then(async (body) => {
      const params = parseQueryForm(body);
      const action = params.get('Action');
      const version = params.get('Version');
      const speaking = services.filter((s): s is ServiceEndpoint & { query: QueryProtocol } => !!s.query && (!version || s.query.version === version));
      const service = speaking.find((s) => action && Object.hasOwn(s.query.shapes.operations, action)) ?? (version && speaking.length === 1 ? speaking[0] : undefined);
      xmlns = service?.query.xmlns;
      if (!action) throw missingAction();
      if (!service) throw invalidAction(action, version);
      const operation = Object.hasOwn(service.query.shapes.operations, action) ? service.query.shapes.operations[action] : undefined;
      if (!operation || !service.backend.operations.includes(action)) throw notEmulated(service.name, action);
      const input = decodeQueryInput(params, operation.input);
      // A request posted to a resource's URL (an SQS queue URL) names that resource.
      const { urlMember } = service.query.shapes;
      const pathname = (req.url ?? '/').split('?')[0]!;
      if (urlMember && input[urlMember] === undefined && pathname !== '/') input[urlMember] = `http://${req.headers.host ?? 'localhost'}${pathname}`;
      sendQueryResult(res, service.query, action, await service.backend.handle(action, input));
    })
    .catch((error: unknown) => sendQueryError(res, asAwsError(error), xmlns));
}

/** Anything a service throws that is not an AWS error is the service's fault: a 500, as AWS answers. */
export function asAwsError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsServiceError('InternalFailure', `Internal error: ${message}`, { status: 500 });
}
