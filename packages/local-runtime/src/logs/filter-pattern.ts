import { AwsServiceError } from '../protocol/aws-error';

/**
 * CloudWatch Logs filter patterns (FilterLogEvents), as AWS documents them in "Filter pattern syntax
 * for metric filters, subscription filters, filter log events, and Live Tail":
 *
 * - terms (unstructured events): `ERROR`, `ERROR Exception` (all), `?ERROR ?WARN` (any), `-DEBUG`
 *   (none), `"exact phrase"`; case-sensitive; a bare term is letters, digits and `_`, anything else
 *   must be quoted;
 * - regular expressions: `%AUTHORIZED%` (AWS's subset: no groups, ASCII only);
 * - JSON events: `{ $.level = "ERROR" }`, `{ $.latency > 3 }`, `{ $.ip != 10.0.* }`,
 *   `{ $.items[0].id = 2 }`, `{ $.x IS NULL }`, `{ $.x NOT EXISTS }`, `{ $.ok IS TRUE }`, joined with
 *   `&&`, `||` and parentheses;
 * - space-delimited events: `[ip, user, ..., status = 4*, bytes > 1000]`.
 *
 * A pattern that does not parse throws InvalidParameterException, as FilterLogEvents answers it.
 */
export type LogMatcher = (message: string) => boolean;

const invalid = (message = 'Invalid filter pattern') => new AwsServiceError('InvalidParameterException', message);

export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw invalid("If a filter pattern starts with '{' it must end with '}'");
    return compileJson(text.slice(1, -1));
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw invalid("If a filter pattern starts with '[' it must end with ']'");
    return compileDelimited(text.slice(1, -1));
  }
  return compileTerms(text);
}

// ---------------------------------------------------------------------------------------------------
// Terms

const BARE_TERM = /^[A-Za-z0-9_]+$/;
/** What AWS accepts between `%`: letters, digits, its listed symbols and operators; no `(` or `)`. */
const REGEX_BODY = /^[A-Za-z0-9_#=@/;,\-:^$?[\]{}|\\*+. ]+$/;

function compileRegex(body: string): RegExp {
  if (!REGEX_BODY.test(body)) throw invalid(`Invalid regular expression: %${body}%`);
  try {
    return new RegExp(body);
  } catch {
    throw invalid(`Invalid regular expression: %${body}%`);
  }
}

function compileTerms(text: string): LogMatcher {
  const all: LogMatcher[] = [];
  const any: LogMatcher[] = [];
  const none: LogMatcher[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    let kind: 'all' | 'any' | 'none' = 'all';
    if (text[i] === '?' || text[i] === '-') {
      kind = text[i] === '?' ? 'any' : 'none';
      i += 1;
    }
    let match: LogMatcher;
    if (text[i] === '"') {
      const { value, end } = readQuoted(text, i);
      i = end;
      const phrase = value.trim();
      match = (message) => message.includes(phrase);
    } else if (text[i] === '%') {
      const close = text.indexOf('%', i + 1);
      if (close < 0) throw invalid();
      const regex = compileRegex(text.slice(i + 1, close));
      i = close + 1;
      match = (message) => regex.test(message);
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end]!)) end += 1;
      const term = text.slice(i, end);
      if (!BARE_TERM.test(term)) throw invalid(`Invalid character(s) in term '${term}'`);
      i = end;
      match = (message) => message.includes(term);
    }
    if (i < text.length && !/\s/.test(text[i]!)) throw invalid();
    ({ all, any, none })[kind].push(match);
  }
  return (message) => all.every((m) => m(message)) && (any.length === 0 || any.some((m) => m(message))) && !none.some((m) => m(message));
}

/** A double-quoted string starting at `start` (backslash escapes a quote or a backslash). */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 1;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw invalid();
}

// ---------------------------------------------------------------------------------------------------
// Values compared by JSON and space-delimited patterns

type Comparison = '=' | '!=' | '<' | '>' | '<=' | '>=';
type Literal = { kind: 'number'; value: number; text: string } | { kind: 'string'; value: string; wildcard: boolean } | { kind: 'regex'; regex: RegExp };

/** `*` in an unquoted (or quoted) string value matches any run of characters. */
function wildcardRegex(value: string): RegExp {
  return new RegExp(`^${value.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

/** Compares one value of the event (a JSON value, or a space-delimited field's text) with the pattern's literal. */
function compare(actual: unknown, op: Comparison, literal: Literal): boolean {
  if (actual === undefined) return false;
  if (literal.kind === 'regex') {
    if (typeof actual !== 'string' && typeof actual !== 'number') return false;
    const found = literal.regex.test(String(actual));
    return op === '=' ? found : !found;
  }
  if (literal.kind === 'number') {
    const n = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : Number.NaN;
    if (Number.isNaN(n)) {
      if (op === '=' || op === '!=') return typeof actual === 'string' && (actual === literal.text) === (op === '=');
      return false;
    }
    switch (op) {
      case '=':
        return n === literal.value;
      case '!=':
        return n !== literal.value;
      case '<':
        return n < literal.value;
      case '>':
        return n > literal.value;
      case '<=':
        return n <= literal.value;
      case '>=':
        return n >= literal.value;
    }
  }
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  const text = String(actual);
  const equal = literal.wildcard ? wildcardRegex(literal.value).test(text) : text === literal.value;
  return op === '=' ? equal : !equal;
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

// ---------------------------------------------------------------------------------------------------
// JSON patterns: a small recursive-descent parser over tokens

type JsonNode = { and: JsonNode[] } | { or: JsonNode[] } | { test: (event: unknown) => boolean };

interface Token {
  type: 'op' | 'word' | 'string' | 'regex' | 'lparen' | 'rparen' | 'and' | 'or';
  text: string;
}

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (body.startsWith('&&', i)) {
      tokens.push({ type: 'and', text: '&&' });
      i += 2;
    } else if (body.startsWith('||', i)) {
      tokens.push({ type: 'or', text: '||' });
      i += 2;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', text: c });
      i += 1;
    } else if (body.startsWith('!=', i) || body.startsWith('<=', i) || body.startsWith('>=', i)) {
      tokens.push({ type: 'op', text: body.slice(i, i + 2) });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', text: c });
      i += 1;
    } else if (c === '"') {
      const { value, end } = readQuoted(body, i);
      tokens.push({ type: 'string', text: value });
      i = end;
    } else if (c === '%') {
      const close = body.indexOf('%', i + 1);
      if (close < 0) throw invalid();
      tokens.push({ type: 'regex', text: body.slice(i + 1, close) });
      i = close + 1;
    } else {
      let end = i;
      // A selector keeps its brackets (`$.a[0]`, `$.a[*]`); a word ends at a space, an operator or a paren.
      while (end < body.length && !/[\s()=<>!&|"]/.test(body[end]!)) end += 1;
      if (end === i) throw invalid();
      tokens.push({ type: 'word', text: body.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

type PathStep = string | number | '*';

function parseSelector(text: string): PathStep[] {
  if (!text.startsWith('$')) throw invalid();
  const steps: PathStep[] = [];
  let i = 1;
  while (i < text.length) {
    if (text[i] === '.') {
      let end = i + 1;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end += 1;
      const key = text.slice(i + 1, end);
      if (!key) throw invalid();
      steps.push(key === '*' ? '*' : key);
      i = end;
    } else if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw invalid();
      const index = text.slice(i + 1, close);
      if (index === '*') steps.push('*');
      else if (/^\d+$/.test(index)) steps.push(Number(index));
      else throw invalid();
      i = close + 1;
    } else {
      throw invalid();
    }
  }
  if (steps.length === 0) throw invalid();
  return steps;
}

/** Every value the selector reaches (`[*]` and `.*` fan out); none when a step is missing. */
function select(value: unknown, steps: PathStep[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (step === '*') next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (typeof step === 'number') {
        if (Array.isArray(v) && step < v.length) next.push(v[step]);
      } else if (!Array.isArray(v) && Object.hasOwn(v, step)) next.push((v as Record<string, unknown>)[step]);
    }
    current = next;
  }
  return current;
}

function literalOf(token: Token | undefined, op: Comparison): Literal {
  if (!token) throw invalid();
  if (token.type === 'regex') {
    if (op !== '=' && op !== '!=') throw invalid();
    return { kind: 'regex', regex: compileRegex(token.text) };
  }
  if (token.type === 'string') {
    if (op !== '=' && op !== '!=') throw invalid();
    return { kind: 'string', value: token.text, wildcard: token.text.includes('*') };
  }
  if (token.type !== 'word') throw invalid();
  if (NUMBER.test(token.text)) return { kind: 'number', value: Number(token.text), text: token.text };
  if (op !== '=' && op !== '!=') throw invalid();
  return { kind: 'string', value: token.text, wildcard: token.text.includes('*') };
}

function compileJson(body: string): LogMatcher {
  const tokens = tokenize(body);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];

  const parseOr = (): JsonNode => {
    const parts = [parseAnd()];
    while (peek()?.type === 'or') {
      next();
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : { or: parts };
  };
  const parseAnd = (): JsonNode => {
    const parts = [parseUnary()];
    while (peek()?.type === 'and') {
      next();
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0]! : { and: parts };
  };
  const parseUnary = (): JsonNode => {
    const token = next();
    if (!token) throw invalid();
    if (token.type === 'lparen') {
      const inner = parseOr();
      if (next()?.type !== 'rparen') throw invalid();
      return inner;
    }
    if (token.type !== 'word') throw invalid();
    const steps = parseSelector(token.text);
    const after = next();
    if (after?.type === 'word') {
      const keyword = after.text.toUpperCase();
      const second = next();
      const condition = `${keyword} ${second?.type === 'word' ? second.text.toUpperCase() : ''}`;
      const test: Record<string, (values: unknown[]) => boolean> = {
        'IS NULL': (values) => values.some((v) => v === null),
        'NOT EXISTS': (values) => values.length === 0,
        'IS TRUE': (values) => values.some((v) => v === true),
        'IS FALSE': (values) => values.some((v) => v === false),
      };
      const check = test[condition];
      if (!check) throw invalid();
      return { test: (event) => check(select(event, steps)) };
    }
    if (after?.type !== 'op') throw invalid();
    const op = after.text as Comparison;
    const literal = literalOf(next(), op);
    return { test: (event) => select(event, steps).some((v) => compare(v, op, literal)) };
  };

  const tree = parseOr();
  if (at !== tokens.length) throw invalid();
  const regexCount = tokens.filter((t) => t.type === 'regex').length;
  if (regexCount > 2) throw invalid('A filter pattern can contain at most 2 regular expressions');
  const evaluate = (node: JsonNode, event: unknown): boolean =>
    'and' in node ? node.and.every((n) => evaluate(n, event)) : 'or' in node ? node.or.some((n) => evaluate(n, event)) : node.test(event);
  return (message) => {
    const trimmed = message.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      return false;
    }
    return evaluate(tree, event);
  };
}

// ---------------------------------------------------------------------------------------------------
// Space-delimited patterns

interface FieldCondition {
  /** `...` stands for any number of fields. */
  ellipsis: boolean;
  /** Conditions on the field joined by `&&` within an `||` (disjunctive normal form). */
  any: Array<Array<{ op: Comparison; literal: Literal }>>;
}

function compileDelimited(body: string): LogMatcher {
  const fields: FieldCondition[] = splitTopLevel(body, ',').map((raw) => {
    const text = raw.trim();
    if (!text) throw invalid();
    if (text === '...') return { ellipsis: true, any: [] };
    const tokens = tokenize(text);
    const any: FieldCondition['any'] = [];
    let current: FieldCondition['any'][number] = [];
    let i = 0;
    const name = tokens[i++];
    if (name?.type !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.text)) throw invalid();
    while (i < tokens.length) {
      const op = tokens[i++];
      if (op?.type !== 'op') throw invalid();
      current.push({ op: op.text as Comparison, literal: literalOf(tokens[i++], op.text as Comparison) });
      const join = tokens[i];
      if (!join) break;
      i += 1;
      if (join.type === 'or') {
        any.push(current);
        current = [];
      } else if (join.type !== 'and') {
        throw invalid();
      }
      // `status = 4* || status = 5*`: the field's name may be repeated after && and ||.
      if (tokens[i]?.type === 'word' && tokens[i]!.text === name.text) i += 1;
    }
    if (current.length > 0) any.push(current);
    return { ellipsis: false, any };
  });
  const fieldMatches = (field: FieldCondition, value: string) => field.any.length === 0 || field.any.some((all) => all.every(({ op, literal }) => compare(value, op, literal)));
  const matchFrom = (words: string[], w: number, f: number): boolean => {
    if (f === fields.length) return w === words.length;
    const field = fields[f]!;
    if (field.ellipsis) {
      for (let skip = w; skip <= words.length; skip += 1) if (matchFrom(words, skip, f + 1)) return true;
      return false;
    }
    return w < words.length && fieldMatches(field, words[w]!) && matchFrom(words, w + 1, f + 1);
  };
  return (message) => matchFrom(splitWords(message.trim()), 0, 0);
}

/** Splits on `separator` outside double quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) throw invalid();
  parts.push(current);
  return parts;
}

/** A log line's fields: separated by spaces; text in double quotes or square brackets is one field. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i += 1;
      continue;
    }
    const close = line[i] === '"' ? '"' : line[i] === '[' ? ']' : undefined;
    if (close) {
      const end = line.indexOf(close, i + 1);
      if (end > 0) {
        words.push(line.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let end = i;
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end += 1;
    words.push(line.slice(i, end));
    i = end;
  }
  return words;
}
