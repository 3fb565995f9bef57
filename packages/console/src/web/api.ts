/** The console's own read-only views (`<base>/api/...`) and the AWS JSON APIs, both on this origin. */

export const base = document.body.dataset.base ?? '';

export async function getJson<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const qs = query.toString();
  const response = await fetch(`${base}/api/${path}${qs ? `?${qs}` : ''}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as T;
}

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * The local endpoint checks no signature, but dynalite (its DynamoDB) wants the headers of one to be there.
 */
const LOCAL_AUTH = {
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/local/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
  'x-amz-date': '20260101T000000Z',
};

/** An AWS JSON-protocol call (the local endpoint checks no signature): `aws('AWSEvents.PutEvents', '1.1', {...})`. */
export async function aws<T>(target: string, jsonVersion: '1.0' | '1.1', body: unknown): Promise<T> {
  const response = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': `application/x-amz-json-${jsonVersion}`, 'x-amz-target': target, ...LOCAL_AUTH },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const type = String(parsed.__type ?? `HTTP ${response.status}`);
    throw new AwsError(type.slice(type.lastIndexOf('#') + 1), String(parsed.message ?? parsed.Message ?? text));
  }
  return parsed as T;
}

/** A DynamoDB attribute value as plain JSON. */
export function unmarshall(value: Record<string, any>): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('M' in value) return Object.fromEntries(Object.entries(value.M as Record<string, any>).map(([k, v]) => [k, unmarshall(v)]));
  if ('L' in value) return (value.L as Record<string, any>[]).map(unmarshall);
  if ('SS' in value) return value.SS;
  if ('NS' in value) return (value.NS as string[]).map(Number);
  if ('B' in value) return `(binary ${String(value.B).length} b64 chars)`;
  if ('BS' in value) return `(binary set of ${(value.BS as unknown[]).length})`;
  return value;
}

export function unmarshallItem(item: Record<string, Record<string, any>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, unmarshall(v)]));
}

/** A POST to the console's own API with a JSON body (the only state it changes: redrive). */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
    } catch {
      // plain text
    }
    throw new Error(`${response.status}: ${message.slice(0, 300)}`);
  }
  return JSON.parse(text) as T;
}
