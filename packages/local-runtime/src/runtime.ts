import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HTTP_API_PATH, HttpApis } from './apigateway/http-api';
import { type CloudWatchService, createCloudWatchService } from './cloudwatch';
import { cloudWatchQuery } from './cloudwatch/query-shapes';
import { createDynaliteServer } from './dynamodb/dynalite';
import { dynamoFrontDoor } from './dynamodb/front-door';
import { countItems, createTables } from './dynamodb/tables';
import { type RawHandler, createEdgeServer } from './edge/server';
import { EventBridgeService } from './eventbridge/service';
import { targetDispatch } from './eventbridge/target-dispatch';
import { type FaultOptions, FaultInjector } from './faults/faults';
import { LAMBDA_OPERATIONS, createLambdaApi } from './lambda/api';
import { LocalFunctions } from './lambda/functions';
import { LogStore, createLogsService, logGroupsOf } from './logs';
import { ReloadLog } from './reloads';
import { QueueStore } from './sqs/queues';
import { sqsQuery } from './sqs/query-shapes';
import { SqsService } from './sqs/service';
import { sdkIntegrations } from './stepfunctions/sdk-integrations';
import { StepFunctionsService } from './stepfunctions/service';
import { type TemplateUpdate, templateUpdater } from './template/apply';
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
   * data, queued messages, metrics, the events accepted but not yet settled (delivered again on start), and
   * the template's event archives (`archives/<ArchiveName>.ndjson`, never compacted). In memory when absent.
   */
  dataDir?: string;
  /** Faults to inject (seeded): Lambda errors and timeouts, DynamoDB throttling, duplicate and delayed delivery. */
  faults?: FaultOptions;
  /** Overrides Step Functions Retry intervals and EventBridge's delivery backoff (ms), so tests need not wait them out. */
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
  /** Check the state machine definitions against the ASL specification at start (default true). */
  validateDefinitions?: boolean;
}

export interface RuntimeSummary {
  executions: { succeeded: number; failed: number; running: number };
  /** Task attempts after the first (Retry), over every execution. */
  retries: number;
  /** Invocations that really ran out of time (not injected), by function. */
  functionTimeouts: Record<string, number>;
  faults: FaultInjector['counters'];
  tables: Record<string, number>;
  metrics: number;
  events: EventBridgeService['counters'];
  deadLetters: Record<string, number>;
}

export interface LocalRuntime {
  url: string;
  /** The stack as it runs now: the template's model, the last applied template's after {@link applyTemplate}. */
  readonly model: StackModel;
  stepFunctions: StepFunctionsService;
  eventBridge: EventBridgeService;
  functions: LocalFunctions;
  queues: QueueStore;
  cloudWatch: CloudWatchService;
  faults: FaultInjector;
  /** The newest reloads a watcher recorded (what changed, how long it took, or why it was refused). */
  reloads: ReloadLog;
  /** Serves `handler` for every request under `pathPrefix` (e.g. a browser console at `/console`) on the same port. */
  mount(pathPrefix: string, handler: RawHandler): void;
  /**
   * Moves the running stack onto a new template by its difference (`src/template/apply.ts`) and answers
   * what changed. Rules, state machines, functions' settings, new functions, tables, queues and HTTP API
   * routes follow the template; events, executions and invocations in flight finish as they started;
   * tables keep their items. Throws, changing nothing, when the template cannot run (an invalid
   * definition or pattern, a new function whose code does not build). One update at a time.
   */
  applyTemplate(template: CfnTemplate): Promise<TemplateUpdate>;
  /** Resolves when every event put so far has been delivered and every execution has ended. */
  idle(): Promise<void>;
  summary(): Promise<RuntimeSummary>;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/** Builds the whole stack from its template and serves it on one endpoint. Only wiring: each part is its own module. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  let model = loadStackModel(options.template, scope);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const onDisk = (file: string) => (options.dataDir ? join(options.dataDir, file) : undefined);
  const faults = new FaultInjector(options.faults);

  // The endpoint first: functions and queue URLs need its address.
  const dynalite = createDynaliteServer(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {});
  const edge = createEdgeServer({ services: [], rawServices: { DynamoDB_20120810: dynamoFrontDoor(dynalite, faults) } });
  const url = await listen(edge, options.port ?? 0, options.host ?? '127.0.0.1');

  // The runtime's own client rides out injected throttling with more attempts than a function would.
  const dynamo = new DynamoDBClient({ endpoint: url, region: scope.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 });
  await createTables(dynamo, model.tables);

  // Each runtime its own bundles: another runtime on the same machine (a test, a second `start`) may be
  // bundling at the same moment.
  const bundleDir = options.dataDir ? join(options.dataDir, 'functions') : mkdtempSync(join(tmpdir(), 'gamekeeper-functions-'));
  // CloudWatch Logs: every function's and state machine's log group, fed by the functions' output.
  const cloudWatch = createCloudWatchService({ journalFile: onDisk('metrics.ndjson') });
  const logStore = new LogStore({ ...scope, groups: logGroupsOf(model), journalFile: onDisk('logs.ndjson') });
  const logSink = options.functionLogFile ? createWriteStream(options.functionLogFile, { flags: 'a' }) : undefined;
  const functions = await LocalFunctions.start({
    functions: model.functions,
    resolveFunctionsFrom: options.resolveFunctionsFrom,
    bundleDir,
    // The template's environment, plus where AWS is: this endpoint, with throwaway credentials.
    environment: { ...LOCAL_CREDENTIALS, AWS_REGION: scope.region, AWS_ENDPOINT_URL: url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    ...(options.maxConcurrencyPerFunction !== undefined ? { maxConcurrency: options.maxConcurrencyPerFunction } : {}),
    faults,
    ...(logSink ? { onOutput: (_name: string, text: string) => logSink.write(text) } : {}),
    // CloudWatch Logs keeps every line; CloudWatch extracts the metrics of embedded-metric-format lines, as on AWS.
    onLog: (log) => {
      logStore.append(log.logGroupName, log.logStreamName, log.events);
      cloudWatch.putEmf(log.events);
    },
  });

  const queues = new QueueStore(model.queues, { journalFile: onDisk('queues.ndjson') });
  // Lambda's asynchronous invocation records go to a function's destination when it is one of the template's queues.
  const sendToDestination = (destinationArn: string, record: string) => {
    if (!destinationArn.startsWith('arn:aws:sqs:') || !queues.find(destinationArn)) return false;
    queues.send(destinationArn, record);
    return true;
  };
  const sqs = new SqsService({ queues, accountId: scope.accountId, endpointUrl: () => url });
  const stepFunctions = new StepFunctionsService({
    ...scope,
    stateMachines: model.stateMachines,
    invokeFunction: (name, payload, options) => functions.invoke(name, payload, options),
    callAwsService: sdkIntegrations({ sqs }),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    ...(options.retainExecutions !== undefined ? { retainExecutions: options.retainExecutions } : {}),
    ...(options.validateDefinitions !== undefined ? { validateDefinitions: options.validateDefinitions } : {}),
  });
  const eventBridge = new EventBridgeService({
    ...scope,
    buses: model.buses,
    rules: model.rules,
    journalFile: onDisk('events.ndjson'),
    archives: model.archives,
    archiveDir: onDisk('archives'),
    deliver: targetDispatch({ stepFunctions, functions, faults, sendToDestination }),
    ...(options.retryIntervalMs !== undefined ? { retryDelayMs: () => options.retryIntervalMs! } : {}),
    deadLetter: (queueArn, body, attributes) => queues.send(queueArn, body, attributes),
  });

  edge.addServices([
    { name: 'EventBridge', targetPrefix: 'AWSEvents', jsonVersion: '1.1', backend: eventBridge },
    { name: 'Step Functions', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0', backend: stepFunctions },
    { name: 'CloudWatch', targetPrefix: 'GraniteServiceVersion20100801', jsonVersion: '1.0', queryCompatible: true, query: cloudWatchQuery, backend: cloudWatch },
    { name: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0', queryCompatible: true, query: sqsQuery, backend: sqs },
    { name: 'CloudWatch Logs', targetPrefix: 'Logs_20140328', jsonVersion: '1.1', backend: createLogsService(logStore) },
  ]);
  // API Gateway HTTP APIs: the template's routes, each proxying to its function.
  const httpApis = new HttpApis({ apis: model.httpApis, functions, scope });
  edge.mount(HTTP_API_PATH, httpApis.handler);
  // The Lambda API is REST: routed by its path, not by X-Amz-Target.
  edge.mount('/2015-03-31/functions', createLambdaApi({ functions, ...scope, sendToDestination }), { service: 'Lambda', operations: LAMBDA_OPERATIONS });

  // What an earlier run accepted but had not finished (it was killed) is delivered again now.
  eventBridge.resumeUnsettled();

  // A new template (the CLI's watcher re-synthesizes on an infra change) goes through each service's seam.
  const applyTemplate = templateUpdater({
    scope,
    model: () => model,
    setModel: (next) => (model = next),
    eventBridge,
    stepFunctions,
    functions,
    queues,
    logs: logStore,
    httpApis,
    createTables: (tables) => createTables(dynamo, tables),
  });

  return {
    url,
    get model() {
      return model;
    },
    stepFunctions,
    eventBridge,
    functions,
    queues,
    cloudWatch,
    faults,
    reloads: new ReloadLog(),
    mount: (pathPrefix, handler) => edge.mount(pathPrefix, handler),
    applyTemplate,
    idle: () => whenIdle(eventBridge, stepFunctions),
    summary: () => summarize({ model, dynamo, stepFunctions, functions, faults, cloudWatch, eventBridge, queues }),
    async stop() {
      await functions.close();
      dynamo.destroy();
      edge.closeAllConnections();
      await new Promise<void>((resolve) => edge.close(() => resolve()));
      await new Promise<void>((resolve) => dynalite.close(() => resolve()));
      await new Promise<void>((resolve) => (logSink ? logSink.end(resolve) : resolve()));
      eventBridge.close();
      queues.close();
      cloudWatch.close();
      logStore.close();
      if (!options.dataDir) rmSync(bundleDir, { recursive: true, force: true });
    },
  };
}

/** Listens on `host:port` and answers the endpoint's URL (loopback when bound to every interface). */
async function listen(server: ReturnType<typeof createEdgeServer>, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}`;
}

/** Resolves when every event put so far has been delivered and every execution has ended. */
async function whenIdle(eventBridge: EventBridgeService, stepFunctions: StepFunctionsService): Promise<void> {
  for (;;) {
    await eventBridge.idle();
    const running = [...stepFunctions.executions.values()].filter((e) => e.status === 'RUNNING');
    if (running.length === 0) return;
    await Promise.all(running.map((e) => e.done));
  }
}

/** Every part's counters, and the tables' item counts, in one place. */
async function summarize(parts: {
  model: StackModel;
  dynamo: DynamoDBClient;
  stepFunctions: StepFunctionsService;
  functions: LocalFunctions;
  faults: FaultInjector;
  cloudWatch: CloudWatchService;
  eventBridge: EventBridgeService;
  queues: QueueStore;
}): Promise<RuntimeSummary> {
  const { model, dynamo, stepFunctions, functions, faults, cloudWatch, eventBridge, queues } = parts;
  let running = 0;
  for (const e of stepFunctions.executions.values()) if (e.status === 'RUNNING') running += 1;
  const { succeeded, failed, retries } = stepFunctions.counters;
  const tables: Record<string, number> = {};
  for (const table of model.tables) tables[table.name] = await countItems(dynamo, table.name);
  return {
    executions: { succeeded, failed, running },
    retries,
    functionTimeouts: functions.timeouts(),
    faults: { ...faults.counters },
    tables,
    metrics: cloudWatch.allDatapoints().length,
    events: { ...eventBridge.counters },
    deadLetters: Object.fromEntries(queues.list().map((q) => [q.name, q.depth])),
  };
}
