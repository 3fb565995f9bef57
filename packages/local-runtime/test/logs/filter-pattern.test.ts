import { describe, expect, it } from 'vitest';
import { compileFilterPattern } from '../../src/logs/filter-pattern';
import { AwsServiceError } from '../../src/protocol/aws-error';

// Cases follow the examples of AWS's "Filter pattern syntax for metric filters, subscription filters,
// filter log events, and Live Tail" (CloudWatch Logs User Guide, FilterAndPatternSyntax.html).
const text = ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST', '[WARN 200] SUCCESS', '[INFO] Failed to process the request', '[SUCCESS 200] AUTHORIZED REQUEST'];
const jsonEvent = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '123.123.123.123',
  level: 'ERROR',
  latency: 500,
  bandwidth: 75,
  ok: true,
  nothing: null,
  user: { id: 1, email: 'John.Doe@example.com' },
  users: [{ id: 2, email: 'Jane@example.com' }],
  actions: ['GET', 'PUT', 'DELETE'],
  objectList: [{ name: 'a', id: 1 }, { name: 'b', id: 2 }],
});
const spaced = '127.0.0.1 frank admin [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534';

const matching = (pattern: string, events: string[]) => events.filter(compileFilterPattern(pattern));

describe('filter patterns on unstructured events', () => {
  it.each([
    ['', text],
    ['""', text],
    ['ERROR', ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST']],
    ['ERROR UNAUTHORIZED', ['[ERROR 401] UNAUTHORIZED REQUEST']],
    ['?ERROR ?WARN', ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST', '[WARN 200] SUCCESS']],
    ['ERROR -UNAUTHORIZED', ['[ERROR 400] BAD REQUEST']],
    ['"Failed to process the request"', ['[INFO] Failed to process the request']],
    ['"ERROR 401"', ['[ERROR 401] UNAUTHORIZED REQUEST']],
    ['error', []],
    ['%AUTHORIZED%', ['[ERROR 401] UNAUTHORIZED REQUEST', '[SUCCESS 200] AUTHORIZED REQUEST']],
    ['%^\\[ERROR 40[01]\\]%', ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST']],
  ])('%j', (pattern, expected) => {
    expect(matching(pattern, text)).toEqual(expected);
  });
});

describe('filter patterns on JSON events', () => {
  it.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.sourceIPAddress != 123.123.* }', false],
    ['{ $.sourceIPAddress = 123.123.* }', true],
    ['{ $.level = "ERROR" }', true],
    ['{ $.level = "error" }', false],
    ['{ $.bandwidth > 75 }', false],
    ['{ $.bandwidth >= 75 }', true],
    ['{ $.latency <= 500 }', true],
    ['{ $.latency < 500 }', false],
    ['{ $.latency = 500 }', true],
    ['{ $.latency != 500 }', false],
    ['{ $.user.id = 1 }', true],
    ['{ $.users[0].email = "Jane@example.com" }', true],
    ['{ $.actions[2] = "DELETE" }', true],
    ['{ $.actions[*] = "PUT" }', true],
    ['{ $.objectList[1].id = 2 }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "Jane@example.com") || $.actions[2] = "GET" }', false],
    ['{ ($.user.id = 1 && $.users[0].email = "Jane@example.com") || $.actions[2] = "GET" }', true],
    ['{ $.level = "WARN" || $.latency > 100 }', true],
    ['{ $.level = "ERROR" && $.latency > 1000 }', false],
    ['{ $.nothing IS NULL }', true],
    ['{ $.user IS NULL }', false],
    ['{ $.missing NOT EXISTS }', true],
    ['{ $.user NOT EXISTS }', false],
    ['{ $.ok IS TRUE }', true],
    ['{ $.ok IS FALSE }', false],
    ['{ $.missing != "x" }', false],
    ['{ $.eventType = %Update.*% }', true],
  ])('%s on a JSON event matches: %s', (pattern, expected) => {
    expect(compileFilterPattern(pattern)(`${jsonEvent}\n`)).toBe(expected);
  });

  it('never matches an event that is not JSON', () => {
    expect(compileFilterPattern('{ $.level = "ERROR" }')('ERROR level=ERROR')).toBe(false);
    expect(compileFilterPattern('{ $.missing NOT EXISTS }')('plain text')).toBe(false);
  });
});

describe('filter patterns on space-delimited events', () => {
  it.each([
    ['[ip, user, username, timestamp, request, status_code, bytes]', true],
    ['[ip, user, username, timestamp, request, status_code = 404, bytes]', true],
    ['[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]', true],
    ['[ip, user, username, timestamp, request, status_code = 200, bytes]', false],
    ['[..., status_code = 404, bytes]', true],
    ['[ip = 127.0.0.1, ...]', true],
    ['[ip, user = frank, ...]', true],
    ['[..., status_code = 200 || status_code = 404, bytes]', true],
    ['[ip, user, username, timestamp, request = "*apache_pb*", status_code, bytes]', true],
    ['[a, b]', false],
  ])('%s matches: %s', (pattern, expected) => {
    expect(compileFilterPattern(pattern)(spaced)).toBe(expected);
  });
});

describe('filter patterns that do not parse', () => {
  it.each([
    ['{ $.level = "ERROR"', "If a filter pattern starts with '{' it must end with '}'"],
    ['[ip, user', "If a filter pattern starts with '[' it must end with ']'"],
    ['email@domain.com', "Invalid character(s) in term 'email@domain.com'"],
    ['"unterminated', 'Invalid filter pattern'],
    ['{ $.latency > "fast" }', 'Invalid filter pattern'],
    ['{ level = "ERROR" }', 'Invalid filter pattern'],
    ['{ $.level = }', 'Invalid filter pattern'],
    ['{ $.a = 1 && }', 'Invalid filter pattern'],
    ['{ ($.a = 1 }', 'Invalid filter pattern'],
    ['{ $.a IS MAYBE }', 'Invalid filter pattern'],
    ['%(group)%', 'Invalid regular expression: %(group)%'],
  ])('%j is refused with InvalidParameterException', (pattern, message) => {
    let thrown: unknown;
    try {
      compileFilterPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AwsServiceError);
    expect(thrown).toMatchObject({ code: 'InvalidParameterException', status: 400, message });
  });
});
