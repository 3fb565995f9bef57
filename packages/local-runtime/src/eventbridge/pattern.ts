import { isIP } from 'node:net';

/**
 * Amazon EventBridge event patterns: validation with AWS-like messages, and a compiled matcher.
 * Grammar: exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but (value, list,
 * prefix, suffix, equals-ignore-case, wildcard), numeric comparisons and ranges, exists, cidr, and
 * `$or` at any level; nested objects; event arrays match when any element matches. See PATTERNS.md.
 */
export class InvalidEventPatternException extends Error {
  override readonly name = 'InvalidEventPatternException';
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

type Matcher = (value: unknown) => boolean;
/**
 * A compiled pattern object. It sees every event node at its path: EventBridge flattens arrays of
 * objects, so `{"a": {"b": [1], "c": [2]}}` matches `{"a": [{"b": 1}, {"c": 2}]}`.
 */
type ObjectMatcher = (nodes: Record<string, unknown>[]) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (reason: string): never => {
  throw new InvalidEventPatternException(reason);
};

export function validatePattern(pattern: unknown): void {
  compilePattern(pattern);
}

export function matchesPattern(pattern: unknown, event: object): boolean {
  return compilePattern(pattern)(event);
}

/** Validates the pattern and compiles it once into a fast predicate over events. */
export function compilePattern(pattern: unknown): (event: object) => boolean {
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern);
    } catch {
      fail('Filter is not valid JSON');
    }
  }
  if (!isObject(pattern)) fail('Filter is not an object');
  if (Object.keys(pattern as object).length === 0) fail('Empty objects are not allowed');
  const root = compileObject(pattern as Record<string, unknown>, '');
  return (event) => root([event as Record<string, unknown>]);
}

function compileObject(pattern: Record<string, unknown>, path: string): ObjectMatcher {
  const parts: ObjectMatcher[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) fail('$or must be an array of at least two pattern objects');
      const alternatives = (value as Record<string, unknown>[]).map((alt) => {
        if (Object.keys(alt).length === 0) fail('Empty objects are not allowed');
        return compileObject(alt, path);
      });
      parts.push((nodes) => alternatives.some((alt) => alt(nodes)));
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value, where);
      parts.push((nodes) => leaf(nodes.filter((n) => key in n && n[key] !== undefined).map((n) => n[key])));
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) fail('Empty objects are not allowed');
      const nested = compileObject(value, where);
      parts.push((nodes) => nested(nodes.flatMap((n) => (Array.isArray(n[key]) ? (n[key] as unknown[]).filter(isObject) : isObject(n[key]) ? [n[key] as Record<string, unknown>] : []))));
    } else {
      fail(`"${where}" must be an object or an array`);
    }
  }
  return (nodes) => parts.every((part) => part(nodes));
}

/** A leaf: alternatives (OR) matched against every value found at the path, array values flattened. */
function compileLeaf(alternatives: unknown[], where: string): (values: unknown[]) => boolean {
  if (alternatives.length === 0) fail(`Empty arrays are not allowed ("${where}")`);
  let existence: boolean | undefined;
  const matchers: Matcher[] = [];
  for (const alternative of alternatives) {
    if (isObject(alternative) && 'exists' in alternative) {
      if (Object.keys(alternative).length !== 1) fail('exists match pattern must have no other fields');
      if (typeof alternative.exists !== 'boolean') fail('exists match pattern must be either true or false.');
      existence = alternative.exists as boolean;
    } else {
      matchers.push(compileMatcher(alternative, where));
    }
  }
  return (values) => {
    const leaves = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
    // Exists matching applies to leaf values only, never to an object.
    const present = leaves.some((v) => !isObject(v));
    if (existence !== undefined && present === existence) return true;
    return leaves.some((v) => !isObject(v) && matchers.some((m) => m(v)));
  };
}

function compileMatcher(alternative: unknown, where: string): Matcher {
  if (alternative === null || typeof alternative === 'string' || typeof alternative === 'boolean') return (v) => v === alternative;
  if (typeof alternative === 'number') {
    if (!Number.isFinite(alternative)) fail(`"${where}": numbers must be finite`);
    return (v) => typeof v === 'number' && v === alternative;
  }
  if (Array.isArray(alternative)) fail(`"${where}": nested arrays are not allowed`);
  const operator = alternative as Record<string, unknown>;
  const names = Object.keys(operator);
  if (names.length !== 1) fail(`"${where}": a match expression must have exactly one operator, got ${names.length}`);
  const [name] = names as [string];
  const arg = operator[name];
  switch (name) {
    case 'prefix':
    case 'suffix':
      return stringAffix(name, arg);
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail('equals-ignore-case match pattern must be a string');
      const lower = (arg as string).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'wildcard':
      return wildcard(arg);
    case 'anything-but':
      return anythingBut(arg);
    case 'numeric':
      return numeric(arg);
    case 'cidr':
      return cidr(arg);
    default:
      return fail(`Unrecognized match type ${name}`);
  }
}

function stringAffix(kind: 'prefix' | 'suffix', arg: unknown): Matcher {
  let text: string;
  let ignoreCase = false;
  if (typeof arg === 'string') text = arg;
  else if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    text = (arg['equals-ignore-case'] as string).toLowerCase();
    ignoreCase = true;
  } else return fail(`${kind} match pattern must be a string`);
  return (v) => {
    if (typeof v !== 'string') return false;
    const s = ignoreCase ? v.toLowerCase() : v;
    return kind === 'prefix' ? s.startsWith(text) : s.endsWith(text);
  };
}

function wildcard(arg: unknown): Matcher {
  if (typeof arg !== 'string') return fail('wildcard match pattern must be a string');
  let source = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === '\\') {
      const next = arg[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i}`);
      source += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (arg[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${i + 1}`);
      source += '.*';
    } else source += c.replace(/[.+?^${}()|[\]]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (v) => typeof v === 'string' && regex.test(v);
}

function anythingBut(arg: unknown): Matcher {
  if (isObject(arg)) {
    const names = Object.keys(arg);
    if (names.length !== 1) fail('anything-but expects exactly one of prefix, suffix, equals-ignore-case, wildcard');
    const [name] = names as [string];
    const inner = arg[name];
    const list = (value: unknown, what: string): string[] => {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0 || !values.every((x) => typeof x === 'string')) fail(`Inside anything-but/${what}, value must be a string or a non-empty array of strings`);
      return values as string[];
    };
    let positive: Matcher;
    switch (name) {
      case 'prefix':
      case 'suffix':
        if (typeof inner !== 'string') fail(`Inside anything but/${name} list, start|null|boolean is not supported.`);
        positive = stringAffix(name, inner);
        break;
      case 'equals-ignore-case': {
        const lowered = new Set(list(inner, name).map((s) => s.toLowerCase()));
        positive = (v) => typeof v === 'string' && lowered.has(v.toLowerCase());
        break;
      }
      case 'wildcard': {
        const matchers = list(inner, name).map(wildcard);
        positive = (v) => matchers.some((m) => m(v));
        break;
      }
      default:
        return fail(`Unsupported anything-but pattern: ${name}`);
    }
    // Anything-but applies to values of the operator's kind: a number is "anything but" a string prefix.
    return (v) => v !== null && !positive(v);
  }
  const values = Array.isArray(arg) ? arg : [arg];
  if (values.length === 0) fail('Empty arrays are not allowed in anything-but');
  const kinds = new Set(values.map((v) => typeof v));
  if (!values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) || kinds.size > 1) {
    fail('Inside anything but list, start|null|boolean is not supported.');
  }
  const excluded = new Set(values);
  return (v) => (typeof v === 'string' || typeof v === 'number') && !excluded.has(v);
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numeric(arg: unknown): Matcher {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) fail('numeric match pattern must be an array of one or two [operator, number] pairs');
  const tests: Array<(v: number) => boolean> = [];
  let lower: number | undefined;
  let upper: number | undefined;
  for (let i = 0; i < (arg as unknown[]).length; i += 2) {
    const op = (arg as unknown[])[i];
    const bound = (arg as unknown[])[i + 1];
    if (typeof op !== 'string' || !(op in COMPARATORS)) fail(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof bound !== 'number' || !Number.isFinite(bound)) fail(`Value of ${String(op)} must be numeric`);
    if (op === '=' && (arg as unknown[]).length > 2) fail('"=" cannot be combined with another operator');
    if (op === '>' || op === '>=') {
      if (lower !== undefined) fail('Bad numeric range: two lower bounds');
      lower = bound as number;
    }
    if (op === '<' || op === '<=') {
      if (upper !== undefined) fail('Bad numeric range: two upper bounds');
      upper = bound as number;
    }
    const compare = COMPARATORS[op as string]!;
    tests.push((v) => compare(v, bound as number));
  }
  if (lower !== undefined && upper !== undefined && lower >= upper) fail('Bad numeric range: the lower bound must be below the upper bound');
  return (v) => typeof v === 'number' && tests.every((t) => t(v));
}

function cidr(arg: unknown): Matcher {
  if (typeof arg !== 'string') return fail('cidr match pattern must be a string');
  const [address, bits, ...rest] = arg.split('/');
  if (bits === undefined || rest.length > 0) fail(`Malformed CIDR, one '/' required: ${arg}`);
  const version = isIP(address!);
  if (version === 0) fail(`Nonstandard IP address: ${address}`);
  const prefix = Number(bits);
  const width = version === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) fail(`Invalid CIDR prefix length: ${bits}`);
  const network = ipToBigInt(address!, version);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return (v) => {
    if (typeof v !== 'string' || isIP(v) !== version) return false;
    return (ipToBigInt(v, version) & mask) === (network & mask);
  };
}

function ipToBigInt(ip: string, version: number): bigint {
  if (version === 4) return ip.split('.').reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n);
  let [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const expandV4 = (part: string) =>
    part.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  head = expandV4(head);
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? expandV4(tail).split(':') : [];
  const zeros = tail !== undefined ? Array(8 - headParts.length - tailParts.length).fill('0') : [];
  return [...headParts, ...zeros, ...tailParts].reduce((n, hextet) => (n << 16n) + BigInt(Number.parseInt(hextet || '0', 16)), 0n);
}
