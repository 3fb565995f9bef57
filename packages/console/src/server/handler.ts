import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Asset, bundleWeb } from './bundle';
import {
  type ConsoleRuntime,
  deadLetterQueueNames,
  deadLetters,
  executionDetail,
  listExecutions,
  liveSnapshot,
  metricSeries,
  overview,
  recentEvents,
  stateMachineGraph,
} from './views';

export interface ConsoleOptions {
  /** Where the console is mounted (default `/console`); every URL it serves starts with it. */
  basePath?: string;
  /** How often the live stream looks for changes (ms, default 500). */
  pollMs?: number;
  /**
   * Re-sends dead letters to their bus (the CLI passes `gamekeeper redrive`'s logic): one by its SQS
   * message id, or every one; `all` also re-sends those that failed validation. Without it the Dead
   * letters page has no redrive buttons and `POST api/redrive` answers 501.
   */
  redrive?: (options: RedriveRequest) => Promise<RedriveResult>;
}

export interface RedriveRequest {
  messageId?: string;
  all?: boolean;
}

/** What a redrive reports (the CLI's RedriveSummary); shown as it is. */
export interface RedriveResult {
  redriven: number;
}

export type ConsoleHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** The page's bundle (built on first use): for size checks. */
  assets(): Promise<{ js: Asset; css: Asset }>;
  /** Ends every live stream and stops polling. */
  close(): void;
};

const SECURITY_HEADERS = {
  // Nothing but this origin's own script and styles; no inline script, no plugins, no framing.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The console: an HTTP handler the local runtime mounts under a path of its own port
 * (`runtime.mount('/console', createConsole(runtime))`). It serves the page, its bundle (built by esbuild
 * on first request, in memory), read-only JSON views of the runtime's state under `api/`, and a
 * server-sent event stream under `api/stream` that says when that state changed. The page reads
 * tables, sends events and such through the AWS APIs on the same origin.
 */
export function createConsole(runtime: ConsoleRuntime, options: ConsoleOptions = {}): ConsoleHandler {
  const base = normalizeBase(options.basePath ?? '/console');
  let assets: Promise<{ js: Asset; css: Asset }> | undefined;
  const getAssets = () => (assets ??= bundleWeb());
  const stream = liveStream(runtime, options.pollMs ?? 500);
  const tableCounts = cachedTableCounts(runtime, 2_000);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://console.local');
      if (!isLocalHost(req.headers.host, runtime.url)) return sendText(res, 403, 'The console answers on its loopback address only.');
      const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) || '/' : url.pathname;
      if (path === '/api/redrive') return await redrive(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'The console is read-only: GET only.', { allow: 'GET, HEAD' });
      const q = url.searchParams;
      switch (path) {
        case '/':
        case '/index.html':
          return sendBody(req, res, 200, Buffer.from(page(base)), 'text/html; charset=utf-8');
        case '/app.js':
        case '/app.css': {
          const asset = (await getAssets())[path === '/app.js' ? 'js' : 'css'];
          const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
          return sendBody(req, res, 200, gzip ? asset.gzip : asset.body, asset.contentType, gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {});
        }
        case '/api/stream':
          return stream.add(res);
        case '/api/overview':
          return sendJson(req, res, overview(runtime, await tableCounts()));
        case '/api/state-machines':
          return sendJson(
            req,
            res,
            runtime.model.stateMachines.map((m) => ({ name: m.name, arn: m.arn, type: m.type, definition: m.definition })),
          );
        case '/api/graph': {
          const graph = stateMachineGraph(runtime, q.get('name') ?? '');
          return graph ? sendJson(req, res, await graph) : sendJson(req, res, { message: 'No such state machine' }, 404);
        }
        case '/api/executions':
          return sendJson(
            req,
            res,
            listExecutions(runtime, {
              status: q.get('status') || undefined,
              detailType: q.get('detailType') || undefined,
              player: q.get('player') || undefined,
              eventId: q.get('eventId') || undefined,
              offset: Number(q.get('offset') ?? 0) || 0,
              limit: Number(q.get('limit') ?? 50) || 50,
            }),
          );
        case '/api/execution': {
          const detail = executionDetail(runtime, q.get('arn') ?? '');
          return detail ? sendJson(req, res, detail) : sendJson(req, res, { message: 'No such execution (it may have been forgotten: only the newest are retained)' }, 404);
        }
        case '/api/tables':
          return sendJson(req, res, runtime.model.tables);
        case '/api/dead-letters':
          return sendJson(req, res, { deadLetterQueues: deadLetterQueueNames(runtime), queues: deadLetters(runtime), redrive: options.redrive !== undefined });
        case '/api/events':
          return sendJson(req, res, recentEvents(runtime, Number(q.get('limit') ?? 100) || 100));
        case '/api/metrics':
          return sendJson(req, res, metricSeries(runtime));
        default:
          return sendText(res, 404, 'Not found');
      }
    } catch (error) {
      if (!res.headersSent) sendText(res, 500, `Console error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    }
  };
  /** `POST api/redrive` with `{ messageId? , all? }`: the one thing the console changes, from its own page only. */
  const redrive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendText(res, 405, 'Redrive is POST only.', { allow: 'POST' });
    if (!isSameOrigin(req, runtime.url)) return sendText(res, 403, 'Redrive is accepted from the console page only (same origin).');
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) return sendText(res, 415, 'Send JSON: { "messageId"?: string, "all"?: boolean }.');
    if (!options.redrive) return sendJson(req, res, { message: 'This runtime was started without redrive: use `gamekeeper redrive`.' }, 501);
    let body: { messageId?: unknown; all?: unknown };
    try {
      body = JSON.parse((await readBody(req, 4096)) || '{}') as typeof body;
    } catch (error) {
      return sendJson(req, res, { message: `Not a redrive request: ${error instanceof Error ? error.message : String(error)}` }, 400);
    }
    if (typeof body !== 'object' || body === null || (body.messageId !== undefined && typeof body.messageId !== 'string') || (body.all !== undefined && typeof body.all !== 'boolean')) {
      return sendJson(req, res, { message: 'Expected { "messageId"?: string, "all"?: boolean }.' }, 400);
    }
    const request: RedriveRequest = { ...(typeof body.messageId === 'string' ? { messageId: body.messageId } : {}), ...(body.all === true ? { all: true } : {}) };
    return sendJson(req, res, await options.redrive(request));
  };

  return Object.assign((req: IncomingMessage, res: ServerResponse) => void handle(req, res), { assets: getAssets, close: () => stream.close() });
}

/**
 * A state-changing request must come from the console's own page: the browser says it is a same-origin
 * fetch (`Sec-Fetch-Site`), or, from a browser that does not send that, its `Origin` is this loopback
 * origin. (The page's `no-referrer` policy makes browsers send `Origin: null` on same-origin POSTs, so
 * `Sec-Fetch-Site` is the one that decides in current browsers.) A page on another site, even one on
 * another loopback port, is refused; and the JSON body it must send needs a CORS preflight nobody answers.
 */
function isSameOrigin(req: IncomingMessage, runtimeUrl: string): boolean {
  const host = req.headers.host;
  if (!host || !isLocalHost(host, runtimeUrl)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    const from = new URL(origin);
    return (from.protocol === 'http:' || from.protocol === 'https:') && from.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function normalizeBase(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (trimmed !== '' && !/^\/[A-Za-z0-9._~/-]*$/.test(trimmed)) throw new Error(`Invalid console base path: ${base}`);
  return trimmed;
}

/** Loopback names only (a page on another site that rebinds its name to 127.0.0.1 gets nothing). */
function isLocalHost(host: string | undefined, runtimeUrl: string): boolean {
  if (!host) return true;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const own = new URL(runtimeUrl).hostname.toLowerCase();
  return name === own || name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

function page(base: string): string {
  const attr = base.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>gamekeeper console</title>
<link rel="stylesheet" href="${attr}/app.css">
<script src="${attr}/app.js" defer></script>
</head>
<body data-base="${attr}">
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;
}

function sendBody(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': body.length, ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, value: unknown, status = 200): void {
  sendBody(req, res, status, Buffer.from(JSON.stringify(value)), 'application/json; charset=utf-8');
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, ...headers });
  res.end(body);
}

/**
 * Server-sent events: one timer for all open pages (only while one is open) compares a cheap snapshot of
 * the runtime's counters every `pollMs` and sends it when it changed.
 */
function liveStream(runtime: ConsoleRuntime, pollMs: number) {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  let ticks = 0;
  const tick = () => {
    ticks += 1;
    const snapshot = JSON.stringify(liveSnapshot(runtime));
    if (snapshot !== last) {
      last = snapshot;
      for (const client of clients) client.write(`event: change\ndata: ${snapshot}\n\n`);
    } else if (ticks % Math.max(1, Math.round(15_000 / pollMs)) === 0) {
      for (const client of clients) client.write(': keep-alive\n\n');
    }
  };
  return {
    add(res: ServerResponse) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: change\ndata: ${JSON.stringify(liveSnapshot(runtime))}\n\n`);
      clients.add(res);
      res.on('close', () => {
        clients.delete(res);
        if (clients.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      });
      if (!timer) {
        last = '';
        timer = setInterval(tick, pollMs);
        timer.unref();
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}

/** Items per table, counted with DynamoDB Scan (Select COUNT) on the runtime's endpoint, at most every `maxAgeMs`. */
function cachedTableCounts(runtime: ConsoleRuntime, maxAgeMs: number) {
  let at = 0;
  let pending: Promise<Record<string, number | null>> | undefined;
  return () => {
    if (!pending || Date.now() - at > maxAgeMs) {
      at = Date.now();
      pending = Promise.all(runtime.model.tables.map(async (t) => [t.name, await countItems(runtime.url, t.name)] as const)).then(Object.fromEntries);
    }
    return pending;
  };
}

async function countItems(endpoint: string, table: string): Promise<number | null> {
  try {
    let count = 0;
    let start: unknown;
    do {
      const response = await fetch(endpoint, {
        method: 'POST',
        // The local endpoint checks no signature, but dynalite wants the headers of one.
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.Scan',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
          'x-amz-date': '20260101T000000Z',
        },
        body: JSON.stringify({ TableName: table, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
      });
      if (!response.ok) return null;
      const page = (await response.json()) as { Count?: number; LastEvaluatedKey?: unknown };
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  } catch {
    return null;
  }
}
