import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { createProducer, type PublishResult } from '@gamekeeper/producer';
import { afterAll, describe, expect, it } from 'vitest';
import { chaosSession, replayInto, snapshotOf } from '../../scripts/chaos-proof';
import { awsClients } from '../../src/clients';
import { countDeadLetters, redriveDeadLetters } from '../../src/dead-letters';
import type { SessionEvent } from '../../src/session';
import { GAMEKEEPER_BIN } from './stack';

const session = chaosSession(200, 4242);
const dataDir = mkdtempSync(join(tmpdir(), 'gamekeeper-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `gamekeeper start` as a user runs it, in its own process, on the data folder; resolves once it serves. */
async function startGamekeeper(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [GAMEKEEPER_BIN, 'start', '--no-sample', '--port', String(port), '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gamekeeper start did not get ready:\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('serving; press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`gamekeeper start exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output };
}

async function waitUntilNothingRuns(clients: ReturnType<typeof awsClients>): Promise<void> {
  const { stateMachines = [] } = await clients.sfn.send(new ListStateMachinesCommand({}));
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const running = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachines[0]!.stateMachineArn, statusFilter: 'RUNNING' }));
    quiet = (running.executions ?? []).length === 0 ? quiet + 1 : 0;
  }
}

describe('a crash mid-replay (SIGKILL) with the data folder', () => {
  it('loses nothing: after a restart and the producer resending what was not acknowledged, the tables equal a fault-free run', async () => {
    // Prepare: the reference, and the stack as its own process.
    const reference = await replayInto(session, undefined);
    const port = await freePort();
    const first = await startGamekeeper(port);
    const clients = awsClients(`http://127.0.0.1:${port}`);
    // Few resends: once the process is gone, the producer reports the rest as not sent.
    const producer = createProducer({ client: clients.eventBridge, maxAttempts: 2, baseDelayMs: 20 });

    // Act: publish in batches; kill -9 the runtime after the 8th batch, while its executions are in flight.
    const unacknowledged: SessionEvent[] = [];
    for (let i = 0; i < session.length; i += 10) {
      const batch = session.slice(i, i + 10);
      const results: PublishResult[] = await producer.publish(batch.map((e) => ({ detailType: e.detailType, detail: e.detail })));
      results.forEach((result, j) => result.status !== 'sent' && unacknowledged.push(batch[j]!));
      if (i === 70) {
        first.child.kill('SIGKILL');
        await new Promise((resolve) => first.child.once('exit', resolve));
      }
    }
    expect(unacknowledged.length).toBeGreaterThanOrEqual(session.length - 80);

    const second = await startGamekeeper(port);
    const resent = await producer.publish(unacknowledged.map((e) => ({ detailType: e.detailType, detail: e.detail })));
    expect(resent.filter((r) => r.status !== 'sent')).toEqual([]);
    await waitUntilNothingRuns(clients);
    // An execution killed mid-flight can leave an idempotency record in progress; its retries may give up
    // before the record expires and dead-letter the event: redrive until the queue is empty.
    for (let round = 0; (await countDeadLetters(clients)) > 0 && round < 10; round++) {
      await redriveDeadLetters(clients, { visibilityTimeoutSeconds: 1 });
      await waitUntilNothingRuns(clients);
    }

    // Assess: every accepted-but-unsettled event was delivered again, and the state converged.
    expect(second.output()).toMatch(/resumed: +\d+ events accepted before a crash/);
    const after = await snapshotOf(clients, session);
    expect(after.items.size).toBe(reference.items.size);
    expect(Object.fromEntries(after.items)).toEqual(Object.fromEntries(reference.items));
    const lost = session.filter((e) => !after.applied.has(String(e.detail.eventId)));
    expect(lost).toEqual([]);
    for (const client of Object.values(clients)) client.destroy();
    second.child.kill('SIGTERM');
  }, 300_000);
});
