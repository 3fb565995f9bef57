import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AwsServiceError } from './aws-error';
import { closesConnection } from './http';

/**
 * The AWS Query protocol (awsQuery: CloudWatch, SQS): a form-encoded body in (`Action=...&Version=...`
 * and the input flattened to dotted keys), an XML document out, errors as `<ErrorResponse>`.
 *
 * A service describes the shapes of its operations once (`<service>/query-shapes.ts`); this codec turns
 * the form into the same input object the JSON protocol hands the backend (timestamps as epoch
 * seconds, numbers as numbers), and the backend's output object into XML, so a backend never knows
 * which wire it is on.
 */

/** A leaf value. Timestamps are epoch seconds inside (as in the JSON protocols), ISO 8601 on this wire. */
export type QueryScalar = 'string' | 'integer' | 'double' | 'boolean' | 'timestamp' | 'blob';

export interface QueryList {
  kind: 'list';
  member: QueryShape;
  /** `Name.1`, repeated `<Name>` elements (SQS); otherwise `Name.member.1`, `<Name><member>` (CloudWatch). */
  flattened?: boolean;
}

export interface QueryMap {
  kind: 'map';
  value: QueryShape;
  /** `Name.1.Name` and repeated `<Name>` elements (SQS); otherwise `Name.entry.1.key`, `<Name><entry>`. */
  flattened?: boolean;
  /** The wire names of an entry's key and value (`key`/`value` unless the model renames them). */
  keyName?: string;
  valueName?: string;
}

export interface QueryStructure {
  kind: 'structure';
  members: Record<string, QueryMember>;
}

/** A structure member: its shape, or its shape and the wire name the model gives it (SQS `AttributeNames` is `AttributeName`). */
export type QueryMember = QueryShape | { shape: QueryShape; name: string };

export type QueryShape = QueryScalar | QueryList | QueryMap | QueryStructure;

export const structure = (members: Record<string, QueryMember>): QueryStructure => ({ kind: 'structure', members });
export const list = (member: QueryShape, options: { flattened?: boolean } = {}): QueryList => ({ kind: 'list', member, ...options });
export const map = (value: QueryShape, options: Omit<QueryMap, 'kind' | 'value'> = {}): QueryMap => ({ kind: 'map', value, ...options });
/** A member whose wire name differs from its name in the input and output objects. */
export const named = (name: string, shape: QueryShape): QueryMember => ({ name, shape });

export interface QueryOperation {
  input: QueryStructure;
  /** Absent for operations without output: their reply has no `<XResult>`. */
  output?: QueryStructure;
}

export interface QueryShapes {
  operations: Record<string, QueryOperation>;
  /** The member a request posted to a resource's URL names by that URL (SQS: the queue URL is the path, `QueueUrl` may be left out). */
  urlMember?: string;
}

/** How one service speaks the Query protocol: its XML namespace, its API version and its shapes. */
export interface QueryProtocol {
  xmlns: string;
  version: string;
  shapes: QueryShapes;
}

/** AWS's common Query errors for requests that cannot be read (their codes and statuses as AWS documents them). */
export const malformedQueryString = (message: string) => new AwsServiceError('MalformedQueryString', message, { status: 404 });
export const invalidQueryParameter = (message: string) => new AwsServiceError('InvalidQueryParameter', message);
export const missingAction = () => new AwsServiceError('MissingAction', 'The request must contain the parameter Action.');
export const invalidAction = (action: string, version: string | undefined) =>
  new AwsServiceError('InvalidAction', `The action ${action}${version ? ` for version ${version}` : ''} is not valid for this endpoint: it is not emulated locally.`);

export function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The form's parameters, refused as AWS refuses a query string it cannot read (bad escapes, repeated keys). */
export function parseQueryForm(body: Buffer): Map<string, string> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw malformedQueryString('The query string is not valid UTF-8.');
  }
  const params = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeFormComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeFormComponent(pair.slice(eq + 1));
    if (key === '') throw malformedQueryString('The query string contains a parameter without a name.');
    if (params.has(key)) throw invalidQueryParameter(`The parameter ${key} appears more than once in the request.`);
    params.set(key, value);
  }
  return params;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeFormComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw malformedQueryString(`The query string contains a malformed escape sequence or invalid UTF-8: ${text.slice(0, 64)}`);
  }
}

/** One node of the dotted keys (`MetricData.member.1.MetricName`), as a tree. */
interface FormNode {
  value?: string;
  children?: Map<string, FormNode>;
}

function formTree(params: Map<string, string>): FormNode {
  const root: FormNode = {};
  for (const [key, value] of params) {
    const segments = key.split('.');
    if (segments.some((s) => s === '')) throw invalidQueryParameter(`The parameter name ${key} is malformed.`);
    let node = root;
    for (const segment of segments) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = {}));
      node = child;
    }
    node.value = value;
  }
  return root;
}

/** The operation's input object from the form, shaped as the JSON protocol would give it. Unknown parameters are ignored, as AWS does. */
export function decodeQueryInput(params: Map<string, string>, input: QueryStructure): Record<string, unknown> {
  return decodeStructure(formTree(params), input, '');
}

const memberShape = (member: QueryMember): QueryShape => (typeof member === 'object' && 'shape' in member ? member.shape : member);
const wireName = (name: string, member: QueryMember): string => (typeof member === 'object' && 'shape' in member ? member.name : name);
const join = (path: string, segment: string) => (path ? `${path}.${segment}` : segment);

function decodeStructure(node: FormNode, shape: QueryStructure, path: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const wire = wireName(name, member);
    const child = node.children?.get(wire);
    if (!child) continue;
    const value = decode(child, memberShape(member), join(path, wire));
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function decode(node: FormNode, shape: QueryShape, path: string): unknown {
  if (typeof shape === 'string') return node.value === undefined ? undefined : decodeScalar(node.value, shape, path);
  switch (shape.kind) {
    case 'structure':
      return decodeStructure(node, shape, path);
    case 'list': {
      const items = shape.flattened ? node.children : node.children?.get('member')?.children;
      if (!items) return node.value === '' ? [] : undefined;
      return indexed(items, shape.flattened ? path : join(path, 'member')).map(([i, item]) => decode(item, shape.member, join(path, shape.flattened ? i : `member.${i}`)));
    }
    case 'map': {
      const entries = shape.flattened ? node.children : node.children?.get('entry')?.children;
      if (!entries) return node.value === '' ? {} : undefined;
      const keyName = shape.keyName ?? 'key';
      const valueName = shape.valueName ?? 'value';
      const result: Record<string, unknown> = {};
      for (const [i, entry] of indexed(entries, shape.flattened ? path : join(path, 'entry'))) {
        const where = join(path, shape.flattened ? i : `entry.${i}`);
        const key = entry.children?.get(keyName)?.value;
        if (key === undefined || key === '') throw new AwsServiceError('MissingParameter', `The request must contain the parameter ${where}.${keyName}.`);
        const value = entry.children?.get(valueName);
        result[key] = value ? decode(value, shape.value, `${where}.${valueName}`) : undefined;
      }
      return result;
    }
  }
}

/** A list's or map's entries in index order; indexes are whole numbers from 1. */
function indexed(children: Map<string, FormNode>, path: string): [string, FormNode][] {
  for (const index of children.keys()) {
    if (!/^[1-9]\d{0,8}$/.test(index)) throw invalidQueryParameter(`The parameter ${join(path, index)} is malformed: list and map indexes are whole numbers from 1.`);
  }
  return [...children.entries()].sort((a, b) => Number(a[0]) - Number(b[0]));
}

const INTEGER = /^[-+]?\d+$/;
const DOUBLE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i;

function decodeScalar(text: string, type: QueryScalar, path: string): unknown {
  const invalid = (reason: string) => new AwsServiceError('InvalidParameterValue', `Value ${text} for parameter ${path} is invalid. Reason: ${reason}.`);
  switch (type) {
    case 'string':
    case 'blob':
      return text;
    case 'integer': {
      const value = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(value)) throw invalid('must be a whole number');
      return value;
    }
    case 'double': {
      if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return Number(text);
      if (!DOUBLE.test(text)) throw invalid('must be a number');
      return Number(text);
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw invalid('must be true or false');
      return text === 'true';
    case 'timestamp': {
      // ISO 8601 on this wire; epoch seconds are accepted too (some clients send them).
      const millis = ISO_8601.test(text) ? Date.parse(text) : DOUBLE.test(text) ? Number(text) * 1000 : Number.NaN;
      if (!Number.isFinite(millis)) throw invalid('must be an ISO 8601 timestamp');
      return millis / 1000;
    }
  }
}

/** The reply to a successful request: `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>`. */
export function encodeQueryResponse(protocol: QueryProtocol, action: string, output: unknown, requestId: string): string {
  const shape = protocol.shapes.operations[action]?.output;
  const result = shape ? element(`${action}Result`, encodeMembers(output, shape)) : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${escapeXml(protocol.xmlns)}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** The error reply: `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/>`. */
export function encodeQueryError(error: AwsServiceError, xmlns: string | undefined, requestId: string): string {
  const namespace = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  const detail = `<Type>${error.fault}</Type><Code>${escapeXml(error.queryCode)}</Code><Message>${escapeXml(error.message)}</Message>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${namespace}><Error>${detail}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

export function sendQueryResult(res: ServerResponse, protocol: QueryProtocol, action: string, output: unknown): void {
  const requestId = randomUUID();
  sendXml(res, 200, encodeQueryResponse(protocol, action, output, requestId), requestId);
}

export function sendQueryError(res: ServerResponse, error: AwsServiceError, xmlns?: string): void {
  const requestId = randomUUID();
  sendXml(res, error.status, encodeQueryError(error, xmlns, requestId), requestId);
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
    ...(closesConnection(status) ? { connection: 'close' } : {}),
  });
  res.end(xml);
}

function encodeMembers(value: unknown, shape: QueryStructure): string {
  if (typeof value !== 'object' || value === null) return '';
  const record = value as Record<string, unknown>;
  return Object.entries(shape.members)
    .map(([name, member]) => encode(wireName(name, member), record[name], memberShape(member)))
    .join('');
}

function encode(name: string, value: unknown, shape: QueryShape): string {
  if (value === undefined || value === null) return '';
  if (typeof shape === 'string') return element(name, escapeXml(encodeScalar(value, shape)));
  switch (shape.kind) {
    case 'structure':
      return element(name, encodeMembers(value, shape));
    case 'list': {
      const items = Array.isArray(value) ? value : [];
      if (shape.flattened) return items.map((item) => encode(name, item, shape.member)).join('');
      return element(name, items.map((item) => encode('member', item, shape.member)).join(''));
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
      const keyName = shape.keyName ?? 'key';
      const valueName = shape.valueName ?? 'value';
      const pair = ([key, v]: [string, unknown]) => element(keyName, escapeXml(key)) + encode(valueName, v, shape.value);
      if (shape.flattened) return entries.map((entry) => element(name, pair(entry))).join('');
      return element(name, entries.map((entry) => element('entry', pair(entry))).join(''));
    }
  }
}

function encodeScalar(value: unknown, type: QueryScalar): string {
  switch (type) {
    case 'timestamp': {
      const millis = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value));
      return new Date(millis).toISOString().replace('.000Z', 'Z');
    }
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

const element = (name: string, content: string) => (content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`);

/**
 * Text as XML character data. A carriage return is written as a reference (XML parsers turn a literal one
 * into a newline, and SQS digests the body as sent); characters XML 1.0 cannot carry at all become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' })[c]!);
}
