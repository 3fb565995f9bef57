import type { AddressInfo } from 'node:net';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeServer } from '../../src/edge/server';
import { StepFunctionsService } from '../../src/stepfunctions/service';

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const task = (name: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fnArn(name), 'Payload.$': '$' },
  OutputPath: '$.Payload',
  Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
  End: true,
  ...extra,
});
const definition = {
  StartAt: 'Housekeeping',
  States: {
    Housekeeping: {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'Report', States: { Report: task('report') } },
        {
          StartAt: 'IsGame',
          States: {
            IsGame: { Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'game', Next: 'Game' }], Default: 'Level' },
            Game: task('game'),
            Level: task('level'),
          },
        },
      ],
    },
  },
};
const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Housekeeping';

let client: SFNClient;
let close: () => Promise<void>;
const calls: string[] = [];
const flakyLeft = new Map<string, number>();

beforeAll(async () => {
  const service = new StepFunctionsService({
    stateMachines: [{ name: 'Housekeeping', arn: stateMachineArn, type: 'EXPRESS', definition }],
    region: 'us-east-1',
    accountId: '000000000000',
    retryIntervalMs: 0,
    invokeFunction: async (arn, payload: any) => {
      const name = arn.split(':')[6]!;
      calls.push(`${name}:${payload.id}`);
      const left = flakyLeft.get(`${name}:${payload.id}`) ?? 0;
      if (left > 0) {
        flakyLeft.set(`${name}:${payload.id}`, left - 1);
        throw Object.assign(new Error('try again'), { name: 'Flaky' });
      }
      if (payload.invalid) throw Object.assign(new Error('detail.score: Too small'), { name: 'InvalidGameEvent' });
      return { by: name, id: payload.id };
    },
  });
  const server = createEdgeServer({ services: [{ name: 'Step Functions', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0', backend: service }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, disableHostPrefix: true });
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  client.destroy();
  await close();
});

describe('local Step Functions through the real SFN client', () => {
  it('runs the Parallel and Choice, returning each branch output (StartSyncExecution)', async () => {
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ id: 'g1', kind: 'game' }) }));
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual([{ by: 'report', id: 'g1' }, { by: 'game', id: 'g1' }]);
  });

  it('retries a named retryable error as written and succeeds', async () => {
    flakyLeft.set('level:r1', 2);
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, name: 'retry-run', input: JSON.stringify({ id: 'r1', kind: 'level' }) }));
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c === 'level:r1')).toHaveLength(3);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
    // Each task event links back to its own state's events, even with parallel branches interleaved.
    const entered = events.find((e) => e.stateEnteredEventDetails?.name === 'Level')!;
    const scheduled = events.filter((e) => e.type === 'TaskScheduled');
    const chainOf = (id: number | undefined): number[] => {
      const event = events.find((e) => e.id === id);
      return event ? [id!, ...chainOf(event.previousEventId)] : [];
    };
    expect(scheduled.filter((s) => chainOf(s.id).includes(entered.id!))).toHaveLength(3);
  });

  it('fails on an error no Retry lists, with the error name and a Lambda-shaped cause', async () => {
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ id: 'bad', kind: 'level', invalid: true }) }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidGameEvent');
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'InvalidGameEvent', errorMessage: 'detail.score: Too small' });
    expect(calls.filter((c) => c === 'level:bad')).toHaveLength(1);
  });

  it('starts asynchronously and describes, lists and pages executions', async () => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'async-1', input: JSON.stringify({ id: 'a1', kind: 'level' }) }));
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Housekeeping:async-1');
    let described = await client.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; described.status === 'RUNNING' && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 10));
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'async-1' });
    expect(described.startDate).toBeInstanceOf(Date);

    const firstPage = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
    expect(firstPage.executions).toHaveLength(2);
    expect(firstPage.nextToken).toBeDefined();
    const failed = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
    expect(failed.executions?.map((e) => e.status)).toEqual(['FAILED']);
  });

  it('refuses an input over 256 KiB (UTF-8 bytes) with ValidationException, starting nothing, and runs one at the limit', async () => {
    // Prepare: {"id":"big","kind":"level","pad":"..."} padded to exactly the limit, then one byte (a 2-byte character for 1) over.
    const frame = JSON.stringify({ id: 'big', kind: 'level', pad: '' });
    const atLimit = JSON.stringify({ id: 'big', kind: 'level', pad: 'x'.repeat(262_144 - frame.length) });
    const overByUtf8 = JSON.stringify({ id: 'big', kind: 'level', pad: `${'x'.repeat(262_144 - frame.length - 1)}é` });
    expect(Buffer.byteLength(atLimit)).toBe(262_144);
    expect(overByUtf8.length).toBe(262_144);
    const callsBefore = calls.length;

    // Act + Assess
    const refused = { name: 'ValidationException', message: expect.stringMatching(/Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144/) };
    await expect(client.send(new StartSyncExecutionCommand({ stateMachineArn, input: overByUtf8 }))).rejects.toMatchObject(refused);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, input: overByUtf8 }))).rejects.toMatchObject(refused);
    expect(calls.length).toBe(callsBefore);
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input: atLimit }));
    expect(result.status).toBe('SUCCEEDED');
  });

  it('lists the state machine and answers unknown ARNs with AWS errors', async () => {
    const { stateMachines } = await client.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((m) => [m.name, m.type])).toEqual([['Housekeeping', 'EXPRESS']]);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}-nope` }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(client.send(new DescribeExecutionCommand({ executionArn: `${stateMachineArn}:missing` }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});

describe('a long-running runtime', () => {
  it('keeps only the newest ended executions for the read APIs, and counts them all', async () => {
    const service = new StepFunctionsService({
      stateMachines: [{ name: 'Small', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Small', type: 'EXPRESS', definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } }],
      region: 'us-east-1',
      accountId: '000000000000',
      retainExecutions: 3,
      invokeFunction: async () => null,
    });
    for (let n = 1; n <= 5; n++) await service.start({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Small', name: `run-${n}`, input: '{}' }).done;
    expect([...service.executions.values()].map((e) => e.name)).toEqual(['run-3', 'run-4', 'run-5']);
    expect(service.counters).toEqual({ succeeded: 5, failed: 0, retries: 0 });
  });
});
