import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidRequestContentException,
  InvokeCommand,
  LambdaServiceException,
  RequestTooLargeException,
  ResourceNotFoundException,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from './fixtures/local-stack';

let stack: LocalStack;
const levelStore = 'LevelStoreFunction';
const levelStoreArn = `arn:aws:lambda:us-east-1:000000000000:function:${levelStore}`;
const payload = (value: unknown) => Buffer.from(JSON.stringify(value));
const json = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));
const storedEvents = () => stack.store.listGroups().reduce((n, g) => n + g.events.length, 0);

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack.close();
});

describe('Lambda Invoke through the real Lambda client', () => {
  it('runs the function with its template environment and answers its result', async () => {
    // Act
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, Payload: payload({ playerId: 'p1' }) }));

    // Assess
    expect(result.StatusCode).toBe(200);
    expect(result.ExecutedVersion).toBe('$LATEST');
    expect(result.FunctionError).toBeUndefined();
    expect(json(result.Payload)).toMatchObject({ echo: { playerId: 'p1' }, table: 'CompletedLevelTable', logGroup: 'LevelStoreLogs' });
    expect(json(result.Payload).logStream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it.each([
    ['an ARN', levelStoreArn],
    ['a partial ARN', `000000000000:function:${levelStore}`],
    ['a name with the $LATEST qualifier', `${levelStore}:$LATEST`],
    ['a qualified ARN', `${levelStoreArn}:$LATEST`],
  ])('finds the function by %s', async (_how, name) => {
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ by: name }) }));
    expect(json(result.Payload).echo).toEqual({ by: name });
  });

  it('passes {} when the payload is empty, as Lambda does', async () => {
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: 'ReportFunction' }));
    expect(json(result.Payload).echo).toEqual({});
  });

  it('returns the last 4 KB of the invocation log, base64, with LogType Tail', async () => {
    // Act
    const small = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, LogType: 'Tail', Payload: payload({ n: 1 }) }));
    const large = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, LogType: 'Tail', Payload: payload({ printKb: 10 }) }));

    // Assess
    const requestId = json(small.Payload).requestId as string;
    const log = Buffer.from(small.LogResult!, 'base64').toString('utf8');
    const lines = log.split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\thandling {"n":1}$`));
    expect(JSON.parse(lines[2]!)).toMatchObject({ level: 'INFO', message: 'structured', service: 'level-store' });
    expect(lines[3]).toBe(`END RequestId: ${requestId}`);
    expect(lines[4]).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\t$`));
    expect(lines[5]).toBe('');
    const largeLog = Buffer.from(large.LogResult!, 'base64');
    expect(largeLog.length).toBe(4096);
    expect(largeLog.toString('utf8')).toMatch(/END RequestId: \S+\nREPORT RequestId: [^\n]+\n$/);
  });

  it('answers a function error with X-Amz-Function-Error and the error as payload', async () => {
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, Payload: payload({ fail: 'InvalidGameEvent' }) }));
    expect(result.StatusCode).toBe(200);
    expect(result.FunctionError).toBe('Unhandled');
    const error = json(result.Payload);
    expect(error).toMatchObject({ errorType: 'InvalidGameEvent', errorMessage: 'asked to fail: InvalidGameEvent' });
    expect(error.trace[0]).toBe('InvalidGameEvent: asked to fail: InvalidGameEvent');
  });

  it('answers a timeout as a function error, with the timeout in the tail', async () => {
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, LogType: 'Tail', Payload: payload({ hangMs: 5_000 }) }));
    expect(result.FunctionError).toBe('Unhandled');
    expect(json(result.Payload)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    const log = Buffer.from(result.LogResult!, 'base64').toString('utf8');
    expect(log).toContain('Task timed out after 1.00 seconds');
    expect(log).toMatch(/Status: timeout\t\n$/);
  });

  it('accepts an Event invocation with 202 and runs it afterwards', async () => {
    // Act
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: 'ReportFunction', InvocationType: 'Event', Payload: payload({ marker: 'async-run' }) }));

    // Assess
    expect(result.StatusCode).toBe(202);
    expect(Buffer.from(result.Payload ?? []).length).toBe(0);
    await expect.poll(() => stack.store.group('/aws/lambda/ReportFunction')!.events.some((e) => e.message.includes('async-run')), { timeout: 5_000 }).toBe(true);
  });

  it('answers a DryRun with 204 and runs nothing', async () => {
    const before = storedEvents();
    const result = await stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, InvocationType: 'DryRun', Payload: payload({}) }));
    expect(result.StatusCode).toBe(204);
    expect(storedEvents()).toBe(before);
  });
});

describe('Lambda Invoke refuses hostile input as AWS does, running nothing', () => {
  it.each([
    ['a function not in the template', 'NotInTheTemplate', 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:NotInTheTemplate'],
    ['a version that does not exist', `${levelStore}:7`, `Function not found: ${levelStoreArn}:7`],
    ['a function in another account', `arn:aws:lambda:us-east-1:111122223333:function:${levelStore}`, `Function not found: arn:aws:lambda:us-east-1:111122223333:function:${levelStore}`],
  ])('answers %s with ResourceNotFoundException (404)', async (_what, name, message) => {
    const before = storedEvents();
    const outcome = stack.lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    await expect(outcome).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(outcome).rejects.toMatchObject({ message, $metadata: { httpStatusCode: 404 }, Type: 'User' });
    expect(storedEvents()).toBe(before);
  });

  it('answers a payload that is not JSON with InvalidRequestContentException (400)', async () => {
    const before = storedEvents();
    const outcome = stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, Payload: Buffer.from('{"playerId": ') }));
    await expect(outcome).rejects.toBeInstanceOf(InvalidRequestContentException);
    await expect(outcome).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 }, message: expect.stringMatching(/^Could not parse request body into json: Could not parse payload into json/) });
    expect(storedEvents()).toBe(before);
  });

  it('answers a payload over 6 MB with RequestTooLargeException (413)', async () => {
    const outcome = stack.lambda.send(new InvokeCommand({ FunctionName: levelStore, Payload: payload({ big: 'x'.repeat(6 * 1024 * 1024) }) }));
    await expect(outcome).rejects.toBeInstanceOf(RequestTooLargeException);
    await expect(outcome).rejects.toMatchObject({ $metadata: { httpStatusCode: 413 } });
  });

  it('answers a malformed function name with ValidationException', async () => {
    const outcome = stack.lambda.send(new InvokeCommand({ FunctionName: 'not a name!', Payload: payload({}) }));
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/at 'functionName' failed to satisfy constraint/) });
  });

  it('answers an operation it does not emulate in the REST-JSON error shape, naming it', async () => {
    const outcome = stack.lambda.send(new DeleteFunctionCommand({ FunctionName: levelStore }));
    await expect(outcome).rejects.toBeInstanceOf(LambdaServiceException);
    await expect(outcome).rejects.toMatchObject({ name: 'UnknownOperationException', message: 'Lambda operation DeleteFunction is not emulated by the local endpoint' });
    // Still there.
    expect((await stack.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: levelStore }))).FunctionName).toBe(levelStore);
  });
});

describe('Lambda read APIs through the real Lambda client', () => {
  it('lists the functions, paged by MaxItems and Marker', async () => {
    const pages = [];
    for await (const page of paginateListFunctions({ client: stack.lambda, pageSize: 1 }, {})) pages.push(page);
    expect(pages.map((p) => p.Functions?.map((f) => f.FunctionName))).toEqual([['LevelStoreFunction'], ['ReportFunction']]);
  });

  it('describes a function as the template configures it', async () => {
    // Act
    const result = await stack.lambda.send(new GetFunctionCommand({ FunctionName: levelStoreArn }));

    // Assess
    expect(result.Configuration).toMatchObject({
      FunctionName: levelStore,
      FunctionArn: levelStoreArn,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Description: 'Stores completed levels',
      Role: 'arn:aws:iam::000000000000:role/LevelStoreRole',
      Timeout: 1,
      MemorySize: 256,
      Version: '$LATEST',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { TABLE: 'CompletedLevelTable', SERVICE: 'level-store' } },
      LoggingConfig: { LogFormat: 'Text', LogGroup: 'LevelStoreLogs' },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
    });
    expect(result.Configuration?.CodeSize).toBeGreaterThan(0);
    expect(result.Configuration?.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(result.Configuration?.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(result.Code).toMatchObject({ RepositoryType: 'S3', Location: expect.stringMatching(/^file:\/\/.*logging-handler\.mjs$/) });
    expect(result.Tags).toEqual({ 'aws:cloudformation:logical-id': 'LevelStoreFunctionAABBCCDD' });
  });

  it('answers GetFunctionConfiguration, with the default log group for a function that names none', async () => {
    const result = await stack.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'ReportFunction' }));
    expect(result).toMatchObject({ FunctionName: 'ReportFunction', Timeout: 3, MemorySize: 128, Architectures: ['x86_64'], LoggingConfig: { LogGroup: '/aws/lambda/ReportFunction' } });
  });

  it('answers a read of a function not in the template with ResourceNotFoundException', async () => {
    await expect(stack.lambda.send(new GetFunctionCommand({ FunctionName: 'Nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
