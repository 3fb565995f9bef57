import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynaliteServer } from '../../src/dynamodb/dynalite';

const path = mkdtempSync(join(tmpdir(), 'dynalite-'));
afterAll(() => rmSync(path, { recursive: true, force: true }));
const close = (server: Server) => new Promise<Error | undefined>((resolve) => server.close((err) => resolve(err ?? undefined)));

describe('dynalite on disk', () => {
  it('closes its database although it never listened, so the same folder opens again in the same process', async () => {
    // Prepare: a store on disk, used the way the edge uses it (never listened on), then closed.
    const first = createDynaliteServer({ path });
    expect(await close(first)).toBeUndefined();

    // Act: the same folder again.
    const second = createDynaliteServer({ path });
    const listening = await new Promise<Server>((resolve) => second.listen(0, '127.0.0.1', () => resolve(second)));
    const { port } = listening.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' , 'x-amz-date': '20260101T000000Z' },
      body: '{}',
    });

    // Assess
    expect(await response.json()).toEqual({ TableNames: [] });
    expect(await close(second)).toBeUndefined();
  });
});
