import { isIP } from 'node:net';
import { AwsServiceError } from '../protocol/aws-error';

/**
 * Amazon EventBridge event patterns: validation with AWS's messages, and a compiled matcher.
 * Grammar: exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but (value, list,
 * prefix, suffix, equals-ignore-case, wildcard, each as a value or a list), numeric comparisons and
 * ranges, exists, cidr, and `$or` at any level. The reference is AWS's own matcher, aws/event-ruler
 * (JsonRuleCompiler for validation and its wording), checked against AWS-recorded cases; see PATTERNS.md.
 */
export class InvalidEventPatternException extends AwsServiceError {
  constructor(reason: string) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
  }
}

/** The one place a refusal is constructed. */
const fail = (reason: string): never => {
  throw new InvalidEventPatternException(reason);
};

type Leaf = string | number | boolean | null;
/**
 * An event as event-ruler sees it: every leaf value under its dot-joined field path. Keys are joined
 * with "." whatever their own content, so `{"a.b": 1}` and `{"a": {"b": 1}}` are the same field
 * (event-ruler README, "Compiled rules and JSON keys with dots"; AWS-recorded in LocalStack's
 * dot_joining_* cases). Arrays are crushed: each element's leaves belong to the array's path, so
 * `{"a": {"b": [1], "c": [2]}}` matches `{"a": [{"b": 1}, {"c": 2}]}`.
 */
type FlatEvent = Map<string, Leaf[]>;
type Matcher = (value: Leaf) => boolean;
type RuleMatcher = (event: FlatEvent) => boolean;
/** Wildcard strings per field path, one entry per pattern (anything-but/wildcard lists are one pattern). */
type WildcardsByField = Map<string, string[][]>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  if (!isObject(pattern)) return fail('Filter is not an object');
  if (Object.keys(pattern).length === 0) fail('Empty objects are not allowed');
  const wildcards: WildcardsByField = new Map();
  const root = compileObject(pattern, '', new Set(), wildcards);
  checkWildcardComplexity(wildcards);
  return (event) => root(flattenEvent(event));
}

function flattenEvent(event: unknown): FlatEvent {
  const flat: FlatEvent = new Map();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, path);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
    } else if (path && (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
      const values = flat.get(path);
      if (values) values.push(value);
      else flat.set(path, [value]);
    }
  };
  visit(event, '');
  return flat;
}

/** `seen` holds the field paths already used by this conjunction: event-ruler refuses a path given twice. */
function compileObject(pattern: Record<string, unknown>, path: string, seen: Set<string>, wildcards: WildcardsByField): RuleMatcher {
  const parts: RuleMatcher[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) fail('$or must be an array of at least two pattern objects');
      const alternatives = (value as Record<string, unknown>[]).map((alt) => {
        if (Object.keys(alt).length === 0) fail('Empty objects are not allowed');
        return compileObject(alt, path, new Set(seen), wildcards);
      });
      parts.push((event) => alternatives.some((alt) => alt(event)));
      continue;
    }
    const field = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      if (seen.has(field)) fail(`Path \`${field}\` cannot be allowed multiple times`);
      seen.add(field);
      const leaf = compileLeaf(value, field, wildcards);
      parts.push((event) => leaf(event.get(field) ?? []));
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) fail('Empty objects are not allowed');
      parts.push(compileObject(value, field, seen, wildcards));
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return (event) => parts.every((part) => part(event));
}

/** A field's alternatives (OR), tried against every leaf value found at its path. */
function compileLeaf(alternatives: unknown[], field: string, wildcards: WildcardsByField): (values: Leaf[]) => boolean {
  if (alternatives.length === 0) fail('Empty arrays are not allowed');
  let ifPresent = false;
  let ifAbsent = false;
  const matchers: Matcher[] = [];
  for (const alternative of alternatives) {
    if (isObject(alternative) && 'exists' in alternative) {
      if (Object.keys(alternative).length !== 1) fail('exists match pattern must have no other fields');
      if (typeof alternative.exists !== 'boolean') fail('exists match pattern must be either true or false.');
      if (alternative.exists) ifPresent = true;
      else ifAbsent = true;
    } else {
      matchers.push(compileMatcher(alternative, field, wildcards));
    }
  }
  // Exists looks at leaf values only: an object, or an empty array, is not a value (AWS docs, "Exists matching").
  return (values) => (values.length > 0 ? ifPresent : ifAbsent) || values.some((v) => matchers.some((m) => m(v)));
}

function compileMatcher(alternative: unknown, field: string, wildcards: WildcardsByField): Matcher {
  if (alternative === null || typeof alternative === 'string' || typeof alternative === 'boolean') return (v) => v === alternative;
  if (typeof alternative === 'number') {
    if (!Number.isFinite(alternative)) fail(`"${field}": numbers must be finite`);
    return (v) => v === alternative;
  }
  if (Array.isArray(alternative)) fail(`"${field}": nested arrays are not allowed`);
  const operator = alternative as Record<string, unknown>;
  const names = Object.keys(operator);
  if (names.length !== 1) fail(`"${field}": a match expression must have exactly one operator, got ${names.length}`);
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
    case 'wildcard': {
      if (typeof arg !== 'string') fail('wildcard match pattern must be a string');
      addWildcards(wildcards, field, [arg as string]);
      return wildcard(arg as string);
    }
    case 'anything-but':
      return anythingBut(arg, field, wildcards);
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
  else if (isObject(arg) && Object.keys(arg).length === 1) {
    const [op] = Object.keys(arg) as [string];
    if (op !== 'equals-ignore-case') return fail(`Unsupported ${kind} pattern: ${op}`);
    if (typeof arg[op] !== 'string') return fail('equals-ignore-case match pattern must be a string');
    text = (arg[op] as string).toLowerCase();
    ignoreCase = true;
  } else return fail(`${kind} match pattern must be a string`);
  return (v) => {
    if (typeof v !== 'string') return false;
    const s = ignoreCase ? v.toLowerCase() : v;
    return kind === 'prefix' ? s.startsWith(text) : s.endsWith(text);
  };
}

const STAR = Symbol('*');
type WildcardToken = string | typeof STAR;

/** `*` matches any run of characters; `\*` and `\\` are a literal star and backslash (AWS docs, "Wildcard matching"). */
function parseWildcard(text: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i}`);
      tokens.push(next!);
      i++;
    } else if (c === '*') {
      if (text[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${i + 1}`);
      tokens.push(STAR);
    } else tokens.push(c);
  }
  return tokens;
}

function wildcard(text: string): Matcher {
  const source = parseWildcard(text)
    .map((t) => (t === STAR ? '.*' : t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (v) => typeof v === 'string' && regex.test(v);
}

const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

/**
 * anything-but matches every value present at the field that is not excluded, whatever its type: a
 * JSON null, a number or a boolean is "anything but" a string prefix, suffix, wildcard or list
 * (AWS-recorded: LocalStack content_anything_*_null and *_int cases). A missing field has no value,
 * so it never matches (AWS-recorded: content_anything_*_missing_NEG).
 */
function anythingBut(arg: unknown, field: string, wildcards: WildcardsByField): Matcher {
  if (isObject(arg)) {
    const names = Object.keys(arg);
    if (names.length !== 1) fail('anything-but expects exactly one of prefix, suffix, equals-ignore-case, wildcard');
    const [op] = names as [string];
    if (!ANYTHING_BUT_OPERATORS.includes(op)) fail(`Unsupported anything-but pattern: ${op}`);
    const inner = arg[op];
    if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
      fail('Value of anything-but must be an array or single string/number value.');
    }
    // Each operator takes one string or a list of strings (event-ruler: anything-but prefix/suffix lists).
    const values = Array.isArray(inner) ? inner : [inner];
    for (const value of values) {
      if (typeof value !== 'string') {
        if (op === 'equals-ignore-case') fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        fail(op === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string');
      }
      if ((op === 'prefix' || op === 'suffix') && value === '') fail('Null prefix/suffix not allowed');
    }
    const texts = values as string[];
    let excluded: (s: string) => boolean;
    if (op === 'prefix') excluded = (s) => texts.some((t) => s.startsWith(t));
    else if (op === 'suffix') excluded = (s) => texts.some((t) => s.endsWith(t));
    else if (op === 'equals-ignore-case') {
      const lowered = new Set(texts.map((t) => t.toLowerCase()));
      excluded = (s) => lowered.has(s.toLowerCase());
    } else {
      addWildcards(wildcards, field, texts);
      const matchers = texts.map(wildcard);
      excluded = (s) => matchers.some((m) => m(s));
    }
    return (v) => !(typeof v === 'string' && excluded(v));
  }
  let values: unknown[];
  if (Array.isArray(arg)) {
    if (!arg.every((v) => typeof v === 'string' || typeof v === 'number')) fail('Inside anything but list, start|null|boolean is not supported.');
    const strings = arg.filter((v) => typeof v === 'string').length;
    if (arg.length === 0 || (strings > 0 && strings < arg.length)) {
      fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    values = arg;
  } else if (typeof arg === 'string' || typeof arg === 'number') {
    values = [arg];
  } else {
    return fail('Value of anything-but must be an array or single string/number value.');
  }
  const excluded = new Set(values);
  return (v) => !excluded.has(v);
}

/**
 * event-ruler's grammar: `["=", n]`, one lower bound (`>`/`>=`) optionally followed by one upper
 * bound (`<`/`<=`), or one upper bound alone; its messages are AWS's (LocalStack content_numeric_*).
 */
function numeric(arg: unknown): Matcher {
  if (!Array.isArray(arg)) return fail('Value of numeric must be an array.');
  const terms = arg as unknown[];
  const operand = (i: number): number => {
    const op = terms[i];
    if (typeof op !== 'string') return fail(`Invalid member in numeric match: ${String(op)}`);
    if (!['=', '<', '<=', '>', '>='].includes(op)) return fail(`Unrecognized numeric range operator: ${op}`);
    const bound = terms[i + 1];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) return fail(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
    return bound;
  };
  const first = terms[0] as string;
  const a = operand(0);
  if (first === '=' || first === '<' || first === '<=') {
    if (terms.length > 2) fail('Too many elements in numeric expression');
    if (first === '=') return (v) => v === a;
    return first === '<' ? (v) => typeof v === 'number' && v < a : (v) => typeof v === 'number' && v <= a;
  }
  const lower: (v: number) => boolean = first === '>' ? (v) => v > a : (v) => v >= a;
  if (terms.length === 2) return (v) => typeof v === 'number' && lower(v);
  const second = terms[2];
  if (typeof second !== 'string') return fail(`Bad value in numeric range: ${String(second)}`);
  if (second !== '<' && second !== '<=') return fail(`Bad numeric range operator: ${second}`);
  const b = operand(2);
  if (terms.length > 4) fail('Too many terms in numeric range expression');
  if (a >= b) fail('Bottom must be less than top');
  const upper: (v: number) => boolean = second === '<' ? (v) => v < b : (v) => v <= b;
  return (v) => typeof v === 'number' && lower(v) && upper(v);
}

function cidr(arg: unknown): Matcher {
  // AWS answers a non-string cidr with the prefix wording (AWS-recorded: content_ip_address_type_EXC).
  if (typeof arg !== 'string') return fail('prefix match pattern must be a string');
  const parts = arg.split('/');
  if (parts.length !== 2) return fail("Malformed CIDR, one '/' required");
  const [address, bits] = parts as [string, string];
  if (!/^-?\d+$/.test(bits)) fail('Malformed CIDR, mask bits must be an integer');
  const version = isIP(address);
  if (version === 0) fail(`Nonstandard IP address: ${address}`);
  const prefix = Number(bits);
  const width = version === 4 ? 32 : 128;
  if (prefix < 0 || prefix > width) fail(`Invalid CIDR prefix length: ${bits}`);
  const network = ipToBigInt(address, version);
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

// ---------------------------------------------------------------------------------------------
// Wildcard complexity. AWS refuses a rule whose wildcards are "too complex" (AWS docs, "Wildcards
// and event pattern complexity") with the message below, and documents no number. The measure is
// event-ruler's MachineComplexityEvaluator: for the worst possible input value, how many wildcard
// patterns are still alive at once, summed over the states the field's byte machine can be in.
// AWS's threshold is not published; 10 is the largest value that agrees with every AWS-observed
// case we found (PATTERNS.md lists them), e.g. "*:*:*:*:*:event-bus/*" scores 11 and is refused,
// while "/Users/*/dir/dir/dir/dir/dir/doc.txt" scores 7 and is accepted.
// ---------------------------------------------------------------------------------------------

const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX = 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

function addWildcards(wildcards: WildcardsByField, field: string, texts: string[]): void {
  const list = wildcards.get(field);
  if (list) list.push(texts);
  else wildcards.set(field, [texts]);
}

function checkWildcardComplexity(wildcards: WildcardsByField): void {
  // One machine per field path (an approximation: event-ruler may split a field across $or branches).
  for (const patterns of wildcards.values()) {
    if (wildcardComplexity(patterns) > MAX_WILDCARD_COMPLEXITY) fail(TOO_COMPLEX);
  }
}

/** A state of the byte machine: literal edges, the wildcard state reached on any byte, and the patterns passing through. */
interface ByteState {
  next: Map<number, number[]>;
  shared: Map<number, number>; // trie edges, used only before a pattern's first wildcard
  star?: number;
  patterns: Set<number>;
}

/**
 * Builds the byte machine event-ruler would (values are matched as quoted UTF-8 bytes; patterns share
 * states up to and including their first wildcard, and are distinct after it), then explores every
 * set of states reachable by some input, scoring each set as event-ruler does.
 */
function wildcardComplexity(patterns: string[][]): number {
  const states: ByteState[] = [];
  const newState = (): number => states.push({ next: new Map(), shared: new Map(), patterns: new Set() }) - 1;
  const edge = (from: number, byte: number, to: number) => {
    const targets = states[from]!.next.get(byte);
    if (!targets) states[from]!.next.set(byte, [to]);
    else if (!targets.includes(to)) targets.push(to);
  };
  const root = newState();
  const alphabet = new Set<number>();
  patterns.forEach((texts, id) => {
    for (const text of texts) {
      const tokens: Array<number | typeof STAR> = [0x22];
      for (const t of parseWildcard(text)) {
        if (t === STAR) tokens.push(STAR);
        else tokens.push(...Buffer.from(t, 'utf8'));
      }
      tokens.push(0x22);
      let current = root;
      let beforeStar = -1; // the state a just-seen wildcard hangs off, which may also skip it
      let determinate = true;
      for (const token of tokens) {
        if (token === STAR) {
          let star = determinate ? states[current]!.star : undefined;
          if (star === undefined) {
            star = newState();
            states[current]!.star = star;
            states[star]!.star = star;
          }
          beforeStar = current;
          current = star;
          determinate = false;
        } else {
          alphabet.add(token);
          let next = determinate ? states[current]!.shared.get(token) : undefined;
          if (next === undefined) {
            next = newState();
            if (determinate) states[current]!.shared.set(token, next);
            edge(current, token, next);
            if (beforeStar >= 0) edge(beforeStar, token, next); // the wildcard matched nothing
          }
          beforeStar = -1;
          current = next;
        }
        states[current]!.patterns.add(id);
      }
    }
  });

  const OTHER = -1; // stands for every byte no pattern names
  const bytes = [...alphabet, OTHER];
  const seen = new Set<string>();
  const pending: number[][] = [[root]];
  let worst = 0;
  while (pending.length > 0 && seen.size < 50_000) {
    const active = pending.pop()!;
    for (const byte of bytes) {
      const reached = new Set<number>();
      for (const id of active) {
        const state = states[id]!;
        if (state.star !== undefined) reached.add(state.star);
        for (const to of state.next.get(byte) ?? []) reached.add(to);
      }
      if (reached.size === 0) continue;
      // A state counts the patterns it can still lead to, plus those behind a wildcard it can enter next.
      let score = 0;
      for (const id of reached) {
        const state = states[id]!;
        score += state.patterns.size;
        if (state.star !== undefined && !reached.has(state.star)) score += states[state.star]!.patterns.size;
      }
      if (score > MAX_WILDCARD_COMPLEXITY) return score;
      worst = Math.max(worst, score);
      const key = [...reached].sort((x, y) => x - y).join(',');
      if (!seen.has(key)) {
        seen.add(key);
        pending.push([...reached]);
      }
    }
  }
  return worst;
}
