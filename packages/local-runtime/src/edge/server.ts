import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { AwsServiceError, type LocalService } from '../shared/aws-error';

/** Largest request body the edge reads (AWS's own limits are lower for every emulated operation). */
export const MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;
/** A client that has not sent its whole body by then gets an error instead of holding a socket. */
export const BODY_TIMEOUT_MS = 10_000;

export interface EdgeRoute {
  /** The X-Amz-Target prefix, e.g. `AWSEvents` (the part before the dot). */
  targetPrefix: string;
  /** The JSON protocol version the service speaks (`1.0` or `1.1`). */
  jsonVersion: '1.0' | '1.1';
  service: LocalService;
}

export interface EdgeOptions {
  routes: EdgeRoute[];
  /** A service that handles raw HTTP itself (dynalite for DynamoDB), by X-Amz-Target prefix. */
  rawRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  onRequest?: (target: string, status: number, ms: number) => void;
  /** How long a client may take to send its body (default {@link BODY_TIMEOUT_MS}). */
  bodyTimeoutMs?: number;
}

/**
 * One loopback endpoint for every emulated AWS service, routed by X-Amz-Target like a single
 * "edge" endpoint, so `AWS_ENDPOINT_URL` points any AWS SDK or the AWS CLI at all of them.
 * Created here, listened on by the caller (tests drive it in-process on a random port).
 */
export function createEdgeServer(options: EdgeOptions): Server {
  const routes = new Map(options.routes.map((route) => [route.targetPrefix, route]));
  return createServer((req, res) => {
    const started = Date.now();
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix = '', operation = ''] = target.split('.', 2);
    const raw = options.rawRoutes?.[prefix];
    if (raw) {
      res.on('finish', () => options.onRequest?.(target, res.statusCode, Date.now() - started));
      raw(req, res);
      return;
    }
    const route = routes.get(prefix);
    const jsonVersion = route?.jsonVersion ?? '1.1';
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body ?? {});
      res.writeHead(status, {
        'content-type': `application/x-amz-json-${jsonVersion}`,
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': randomUUID(),
        // A body we stopped reading (too large, too slow) leaves the connection unusable: close it.
        ...(status === 408 || status === 413 ? { connection: 'close' } : {}),
        ...headers,
      });
      res.end(text);
      options.onRequest?.(target, status, Date.now() - started);
    };
    const fail = (error: AwsServiceError) => send(error.status, { __type: error.code, message: error.message }, error.headers);

    if (req.method !== 'POST') {
      drain(req);
      return fail(new AwsServiceError('UnknownOperationException', `${req.method} ${req.url} is not an AWS JSON protocol request`));
    }
    if (!route || !operation) {
      drain(req);
      return fail(new AwsServiceError('UnknownOperationException', target ? `Unknown target: ${target}` : 'Missing X-Amz-Target header'));
    }
    readBody(req, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS)
      .then(async (text) => {
        let body: unknown = {};
        if (text.trim()) {
          try {
            body = JSON.parse(text);
          } catch {
            throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
          }
        }
        const response = await route.service.handle(operation, body);
        send(response.status, response.body, response.headers);
      })
      .catch((error: unknown) => {
        if (error instanceof AwsServiceError) return fail(error);
        const message = error instanceof Error ? error.message : String(error);
        fail(new AwsServiceError('InternalFailure', `Internal error: ${message}`, 500));
      });
  });
}

function readBody(req: IncomingMessage, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      reject(new AwsServiceError('RequestTimeout', `Request body not received within ${timeoutMs} ms`, 408));
    }, timeoutMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        reject(new AwsServiceError('RequestEntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function drain(req: IncomingMessage): void {
  req.resume();
}
