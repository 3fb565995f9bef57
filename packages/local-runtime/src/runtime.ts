import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type CloudWatchService, createCloudWatchService } from './cloudwatch';
import { createDynaliteServer } from './dynamodb/dynalite';
import { createEdgeServer } from './edge/server';
import { EventBridgeService } from './eventbridge/service';
import { bundleHandler } from './lambda/bundle';
import { type FaultOptions, FaultInjector } from './faults/faults';
import { FunctionPool, LambdaFunctionError } from './lambda/function-pool';
import { QueueStore } from './sqs/queues';
import { SqsService } from './sqs/service';
import { StepFunctionsService } from './stepfunctions/service';
import { type CfnTemplate, type StackModel, loadStackModel } from './template/model';

export interface LocalRuntimeOptions {
  /** The synthesized CloudFormation template to run. */
  template: CfnTemplate;
  /** Where functions' service packages resolve from (the CDK app's package directory). */
  resolveFunctionsFrom: string;
  /** Loopback by default; anything else exposes the endpoint to the network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Keeps everything on disk here, so a restart (even after SIGKILL) loses nothing acknowledged: DynamoDB
   * data, queued messages, metrics, and the events accepted but not yet settled (delivered again on start).
   * In memory when absent.
   */
  dataDir?: string;
  /** Faults to inject (seeded): Lambda errors and timeouts, DynamoDB throttling, duplicate and delayed delivery. */
  faults?: FaultOptions;
  /** Overrides Step Functions Retry intervals (ms), so tests need not wait out real backoff. */
  retryIntervalMs?: number;
  /** Ended executions kept for the Step Functions read APIs (default 1,000); the summary counts all. */
  retainExecutions?: number;
  /**
   * Execution environments per function (Lambda concurrency). Defaults to the machine's cores (at least
   * 2): every environment is a V8 isolate, and more of them than cores only adds memory and contention.
   */
  maxConcurrencyPerFunction?: number;
  region?: string;
  accountId?: string;
  /** File the functions' logs are appended to (like CloudWatch Logs); the process output when absent. */
  functionLogFile?: string;
}

export interface RuntimeSummary {
  executions: { succeeded: number; failed: number; running: number };
  /** Task attempts after the first (Retry), over every execution. */
  retries: number;
  /** Invocations that really ran out of time (not injected), by function. */
  functionTimeouts: Record<string, number>;
  faults: FaultInjector['injected'];
  tables: Record<string, number>;
  metrics: number;
  events: EventBridgeService['stats'];
  deadLetters: Record<string, number>;
}

export interface LocalRuntime {
  url: string;
  model: StackModel;
  stepFunctions: StepFunctionsService;
  eventBridge: EventBridgeService;
  queues: QueueStore;
  cloudWatch: CloudWatchService;
  faults: FaultInjector;
  /** Resolves when every event put so far has been delivered and every execution has ended. */
  idle(): Promise<void>;
  summary(): Promise<RuntimeSummary>;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/** Builds the whole stack from its template and serves it on one endpoint. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const model = loadStackModel(options.template, { region, accountId });

  const dynamo = createDynaliteServer(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {});
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const onDisk = (file: string) => (options.dataDir ? join(options.dataDir, file) : undefined);
  const faults = new FaultInjector(options.faults);

  const queues = new QueueStore(model.queues, { journalFile: onDisk('queues.ndjson') });
  const pools = new Map<string, FunctionPool>();
  const functions = new Map(model.functions.map((fn) => [fn.name, fn]));
  const invokeFunction = async (arnOrName: string, payload: unknown) => {
    const name = arnOrName.startsWith('arn:') ? arnOrName.split(':')[6]! : arnOrName;
    const pool = pools.get(name);
    const fn = functions.get(name);
    if (!pool || !fn) {
      const error = new Error(`Function not found: ${arnOrName}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const fault = faults.lambdaFault(fn, payload);
    if (fault === 'error') throw new LambdaFunctionError({ errorType: 'Lambda.ServiceException', errorMessage: 'Injected fault: the Lambda service could not run the function' });
    const result = await pool.invoke(payload);
    if (fault === 'timeout') {
      throw new LambdaFunctionError({ errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds (injected fault: the work ran, its answer was lost)` });
    }
    return result;
  };
  const callAwsService = async (service: string, action: string, parameters: any) => {
    if (service === 'sqs' && action === 'sendMessage') {
      const response = await sqs.handle('SendMessage', parameters);
      return response.body;
    }
    throw Object.assign(new Error(`The local runtime does not emulate ${service}:${action}`), { name: 'States.Runtime' });
  };

  const stepFunctions = new StepFunctionsService({
    stateMachines: model.stateMachines,
    invokeFunction,
    callAwsService,
    region,
    accountId,
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    ...(options.retainExecutions !== undefined ? { retainExecutions: options.retainExecutions } : {}),
  });
  const stateMachineArns = new Set(model.stateMachines.map((m) => m.arn));
  const eventBridge = new EventBridgeService({
    buses: model.buses,
    rules: model.rules,
    region,
    accountId,
    journalFile: onDisk('events.ndjson'),
    deliver: async (target, input) => {
      if (stateMachineArns.has(target.arn)) {
        // Delivered once the execution has ended (succeeded, or failed and dead-lettered by its Catch):
        // until then the event stays unsettled in the journal and a restart delivers it again.
        const delay = faults.deliveryDelayMs(input);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const runs = [stepFunctions.start({ stateMachineArn: target.arn, input: JSON.stringify(input) }).done];
        if (faults.duplicateDelivery(input)) runs.push(stepFunctions.start({ stateMachineArn: target.arn, input: JSON.stringify(input) }).done);
        await Promise.all(runs);
        return;
      }
      if (target.arn.startsWith('arn:aws:lambda:')) {
        void invokeFunction(target.arn, input).catch(() => undefined);
        return;
      }
      throw new Error(`The local runtime cannot deliver to target ${target.arn}`);
    },
    deadLetter: (queueArn, body, attributes) => queues.send(queueArn, body, attributes),
  });
  const cloudWatch = createCloudWatchService({ journalFile: onDisk('metrics.ndjson') });
  let url = '';
  const sqs = new SqsService({ queues, accountId, endpointUrl: () => url });

  const server = createEdgeServer({
    routes: [
      { targetPrefix: 'AWSEvents', jsonVersion: '1.1', service: eventBridge },
      { targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0', service: stepFunctions },
      { targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', service: cloudWatch },
      { targetPrefix: 'AmazonSQS', jsonVersion: '1.0', service: sqs },
    ],
    rawRoutes: {
      DynamoDB_20120810: (req, res) => {
        const operation = String(req.headers['x-amz-target']).split('.')[1] ?? '';
        if (faults.throttleDynamo(operation)) return throttle(req, res);
        dynamo.emit('request', req, res);
      },
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // The runtime's own client rides out injected throttling with more attempts than a function would.
  const dynamoClient = new DynamoDBClient({ endpoint: url, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 });
  await createTables(dynamoClient, model);

  const bundleDir = join(options.dataDir ?? join(tmpdir(), 'gamekeeper-local'), 'functions');
  const logSink = options.functionLogFile ? createWriteStream(options.functionLogFile, { flags: 'a' }) : undefined;
  for (const fn of model.functions) {
    if (!fn.servicePackage) continue;
    const handlerFile = await bundleHandler(fn.servicePackage, bundleDir, options.resolveFunctionsFrom);
    pools.set(
      fn.name,
      new FunctionPool({
        functionName: fn.name,
        functionArn: fn.arn,
        handlerFile,
        // The template's environment, plus where AWS is: this endpoint, with throwaway credentials.
        environment: {
          ...fn.environment,
          ...LOCAL_CREDENTIALS,
          AWS_REGION: region,
          AWS_ENDPOINT_URL: url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        maxConcurrency: options.maxConcurrencyPerFunction ?? Math.max(2, availableParallelism()),
        ...(logSink ? { logSink } : {}),
      }),
    );
  }

  // What an earlier run accepted but had not finished (it was killed) is delivered again now.
  eventBridge.resumeUnsettled();

  const idle = async () => {
    for (;;) {
      await eventBridge.idle();
      const running = [...stepFunctions.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((e) => e.done));
    }
  };

  return {
    url,
    model,
    stepFunctions,
    eventBridge,
    queues,
    cloudWatch,
    faults,
    idle,
    summary: async () => {
      let running = 0;
      for (const e of stepFunctions.executions.values()) if (e.status === 'RUNNING') running += 1;
      const { succeeded, failed, retries } = stepFunctions.totals;
      const executions = { succeeded, failed, running };
      const tables: Record<string, number> = {};
      for (const table of model.tables) tables[table.name] = await countItems(dynamoClient, table.name);
      return {
        executions,
        retries,
        functionTimeouts: Object.fromEntries([...pools].filter(([, pool]) => pool.timeouts > 0).map(([name, pool]) => [name, pool.timeouts])),
        faults: { ...faults.injected },
        tables,
        metrics: cloudWatch.allDatapoints().length,
        events: { ...eventBridge.stats },
        deadLetters: Object.fromEntries(queues.list().map((q) => [q.name, q.depth])),
      };
    },
    stop: async () => {
      await Promise.all([...pools.values()].map((p) => p.close()));
      dynamoClient.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      await new Promise<void>((resolve) => (logSink ? logSink.end(resolve) : resolve()));
      eventBridge.close();
      queues.close();
      cloudWatch.close();
    },
  };
}

async function createTables(client: DynamoDBClient, model: StackModel): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of model.tables) {
    if (existing.has(table.name)) continue;
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
}

async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey }));
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** DynamoDB's throttling answer, as the SDK expects it (it retries these with backoff). */
function throttle(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. (injected fault)',
  });
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}
