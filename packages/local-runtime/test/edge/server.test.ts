import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, createEdgeServer } from '../../src/edge/server';
import { AwsServiceError } from '../../src/protocol/aws-error';

let server: Server;
let port: number;
const seen: Array<{ operation: string; body: unknown }> = [];

beforeAll(async () => {
  server = createEdgeServer({
    bodyTimeoutMs: 300,
    services: [
      {
        name: 'Echo',
        targetPrefix: 'Echo',
        jsonVersion: '1.1',
        backend: {
          operations: ['Hello', 'Boom', 'Refuse'],
          handle: async (operation: string, body: unknown) => {
            seen.push({ operation, body });
            if (operation === 'Boom') throw new Error('kaput');
            if (operation === 'Refuse') throw new AwsServiceError('ValidationException', 'nope');
            return { operation, body };
          },
        },
      },
    ],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(target: string | undefined, body: string | Buffer, method = 'POST'): Promise<{ status: number; json: any; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/', headers: target ? { 'x-amz-target': target } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || '{}'), type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('edge server', () => {
  it('routes by X-Amz-Target and answers in the JSON protocol', async () => {
    const res = await post('Echo.Hello', '{"a":1}');
    expect(res).toEqual({ status: 200, json: { operation: 'Hello', body: { a: 1 } }, type: 'application/x-amz-json-1.1' });
  });

  it.each([
    ['bad JSON', 'Echo.Hello', '{not json', 400, 'SerializationException', /not valid JSON/],
    ['unknown target', 'Nope.Hello', '{}', 400, 'UnknownOperationException', /Unknown target: Nope\.Hello/],
    ['missing target', undefined, '{}', 400, 'UnknownOperationException', /Missing X-Amz-Target/],
    ['service error', 'Echo.Refuse', '{}', 400, 'ValidationException', /nope/],
    ['crash inside a service', 'Echo.Boom', '{}', 500, 'InternalFailure', /kaput/],
    ['an operation it does not emulate', 'Echo.Goodbye', '{}', 400, 'UnknownOperationException', /Echo operation Goodbye is not emulated by the local endpoint/],
  ])('answers %s with an AWS-shaped error', async (_name, target, body, status, type, message) => {
    const res = await post(target, body);
    expect(res.status).toBe(status);
    expect(res.json.__type).toBe(type);
    expect(res.json.message).toMatch(message);
  });

  it('refuses an oversized body without reading it all', async () => {
    const res = await post('Echo.Hello', Buffer.alloc(MAX_BODY_BYTES + 10, 'a'));
    expect(res.status).toBe(413);
    expect(res.json.__type).toBe('RequestEntityTooLarge');
  });

  it('lists what it emulates, per service, at GET /', async () => {
    const res = await post(undefined, '', 'GET');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ emulated: [{ service: 'Echo', targetPrefix: 'Echo', operations: ['Hello', 'Boom', 'Refuse'] }] });
    expect(seen.some(({ operation }) => operation === 'Goodbye')).toBe(false);
  });

  it('refuses non-POST requests', async () => {
    const res = await post('Echo.Hello', '', 'GET');
    expect(res.json.__type).toBe('UnknownOperationException');
  });

  it('keeps serving while a slow client dribbles its body', async () => {
    const slow = connect(port, '127.0.0.1');
    slow.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Echo.Hello\r\nContent-Length: 100\r\n\r\n{"a"');
    const res = await post('Echo.Hello', '{"b":2}');
    expect(res.status).toBe(200);
    slow.destroy();
  });

  it('answers a client that stops sending its body with RequestTimeout, and closes the connection', async () => {
    const slow = connect(port, '127.0.0.1');
    let answer = '';
    slow.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    slow.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Echo.Hello\r\nContent-Length: 100\r\n\r\n{"a"');
    await new Promise((resolve) => slow.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"__type":"RequestTimeout"');
    expect((await post('Echo.Hello', '{"c":3}')).status).toBe(200);
  });
});
