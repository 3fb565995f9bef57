import '../shared/polyfills';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { type AccountScope, arn } from '../arn';
import { AwsServiceError, type ServiceBackend, epochSeconds, notEmulated } from '../protocol/aws-error';
import type { StateMachineModel } from '../template/model';
import { statesOf } from './states';
import { type HistoryEvent, HistoryRecorder } from './history';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryRecorder;
  done: Promise<void>;
}

/**
 * Calls a Lambda function by ARN or name and returns its result, or throws an error whose name is the
 * errorType. `requestId` is the invocation's Lambda request id (its log lines carry it).
 */
export type InvokeFunction = (functionArnOrName: string, payload: unknown, options?: { requestId?: string }) => Promise<unknown>;

/** An AWS SDK service integration (`arn:aws:states:::aws-sdk:<service>:<action>`): the action's result, or throws. */
export type CallAwsService = (service: string, action: string, parameters: unknown) => Promise<unknown>;

export interface StepFunctionsOptions extends AccountScope {
  stateMachines: StateMachineModel[];
  invokeFunction: InvokeFunction;
  /** The SDK integrations the local runtime emulates (SQS SendMessage, for dead letters). */
  callAwsService?: CallAwsService;
  /** Overrides every Retry interval (ms): tests and benchmarks need not wait out real backoff. */
  retryIntervalMs?: number;
  /**
   * Check each definition against the ASL specification when the runtime starts (as CreateStateMachine
   * does). Default true; a caller whose template was already checked (the gamekeeper CLI checks it once
   * when it synthesizes) skips the ~1 s it costs.
   */
  validateDefinitions?: boolean;
  /**
   * Ended executions kept for Describe/List/GetExecutionHistory (newest first); older ones are forgotten
   * so a long-running runtime's memory stays flat. {@link StepFunctionsService.counters} counts them all.
   */
  retainExecutions?: number;
}

export const DEFAULT_RETAINED_EXECUTIONS = 1_000;
/** The largest execution input StartExecution and StartSyncExecution accept: 256 KiB, as UTF-8 bytes (as AWS measures it). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;
const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;
const AWS_SDK_INTEGRATION = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/;

/** Step Functions on the local endpoint: the template's ASL run by aws-local-stepfunctions. */
interface Machine {
  model: StateMachineModel;
  engine: StateMachine;
  createdAt: number;
  taskStates: Map<string, string>;
  retryStates: string[];
}

export class StepFunctionsService implements ServiceBackend {
  private machines = new Map<string, Machine>();
  readonly operations = ['StartExecution', 'StartSyncExecution', 'DescribeExecution', 'ListExecutions', 'GetExecutionHistory', 'ListStateMachines', 'DescribeStateMachine'] as const;
  readonly executions = new Map<string, Execution>();
  /** Every execution that ended since start, including forgotten ones, and their task retries. */
  readonly counters = { succeeded: 0, failed: 0, retries: 0 };
  private ended = 0;

  constructor(private readonly options: StepFunctionsOptions) {
    this.prepareStateMachines(options.stateMachines)();
  }

  /**
   * Readies new state machines (a template update) and returns the switch to them. Building (and, unless
   * `validateDefinitions` is false, checking) each new or changed definition happens here and throws
   * naming the state machine, changing nothing. After the switch, new executions run the new
   * definitions; executions already running finish on the definition they started with; a state machine
   * no longer in the list takes no new executions.
   */
  prepareStateMachines(models: readonly StateMachineModel[]): () => void {
    const noValidate = this.options.validateDefinitions === false;
    const next = new Map<string, Machine>();
    for (const model of models) {
      const current = this.machines.get(model.arn);
      if (current && JSON.stringify(current.model) === JSON.stringify(model)) {
        next.set(model.arn, current);
        continue;
      }
      let engine: StateMachine;
      try {
        // A copy: the engine writes defaults into the definition it is given (QueryLanguage on every
        // state), and DescribeStateMachine answers the definition as the template has it.
        engine = new StateMachine(structuredClone(model.definition) as never, { validationOptions: { checkPaths: true, checkArn: false, noValidate } });
      } catch (error) {
        throw new Error(`State machine ${model.name}: invalid definition: ${(error as Error).message}`, { cause: error });
      }
      const states = statesOf(model.definition);
      next.set(model.arn, {
        model,
        engine,
        // UpdateStateMachine keeps the creation date.
        createdAt: current?.createdAt ?? Date.now(),
        taskStates: new Map(states.filter(({ state }) => state.Type === 'Task').map(({ name, state }) => [name, String(state.Resource)])),
        retryStates: states.filter(({ state }) => state.Retry).map(({ name }) => name),
      });
    }
    return () => {
      this.machines = next;
    };
  }

  async handle(operation: string, body: any): Promise<unknown> {
    if (operation === 'StartExecution' || operation === 'StartSyncExecution') checkInputSize(body?.input);
    switch (operation) {
      case 'StartExecution': {
        const execution = this.start(body);
        return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
      }
      case 'StartSyncExecution': {
        const execution = this.start(body);
        await execution.done;
        return { ...describe(execution), billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: (execution.stopDate ?? Date.now()) - execution.startDate } };
      }
      case 'DescribeExecution':
        return describe(this.execution(body?.executionArn));
      case 'ListExecutions':
        return this.list(body ?? {});
      case 'GetExecutionHistory':
        return this.history(body ?? {});
      case 'ListStateMachines':
        return {
          stateMachines: [...this.machines.values()].map(({ model, createdAt }) => ({
            stateMachineArn: model.arn,
            name: model.name,
            type: model.type,
            creationDate: epochSeconds(createdAt),
          })),
        };
      case 'DescribeStateMachine': {
        const { model, createdAt } = this.machine(body?.stateMachineArn);
        return {
          stateMachineArn: model.arn,
          name: model.name,
          status: 'ACTIVE',
          definition: JSON.stringify(model.definition),
          roleArn: model.roleArn ?? `arn:aws:iam::${this.options.accountId}:role/local`,
          type: model.type,
          creationDate: epochSeconds(createdAt),
        };
      }
      default:
        throw notEmulated('Step Functions', operation);
    }
  }

  /**
   * Starts an execution (StartExecution's request); the returned record's `done` settles when it ends
   * (never rejects). A caller that holds the input as an object already (an EventBridge target) passes it
   * as `parsedInput` and saves a parse.
   */
  start(body: { stateMachineArn?: string; name?: string; input?: string }, parsedInput?: unknown): Execution {
    const machine = this.machine(body?.stateMachineArn);
    const { model, engine, taskStates } = machine;
    const name = body.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = arn.execution(this.options, model.name, name);
    const inputText = body.input ?? '{}';
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === inputText) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let input = parsedInput;
    if (parsedInput === undefined) {
      try {
        input = JSON.parse(inputText);
      } catch {
        throw new AwsServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
      }
    }
    const history = new HistoryRecorder();
    const execution: Execution = { executionArn, stateMachineArn: model.arn, name, status: 'RUNNING', startDate: Date.now(), input: inputText, history, done: Promise.resolve() };
    this.executions.set(executionArn, execution);

    const taskResourceLocalHandlers = Object.fromEntries(
      [...taskStates].map(([stateName, resource]) => [stateName, (taskInput: unknown) => this.runTask(stateName, resource, taskInput, history) as Promise<never>]),
    );
    const run = engine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers,
        ...(this.options.retryIntervalMs !== undefined ? { retryIntervalOverrides: Object.fromEntries(machine.retryStates.map((s) => [s, this.options.retryIntervalMs!])) } : {}),
      },
      context: { Execution: { Id: executionArn, Name: name, Input: input as never, StartTime: new Date(execution.startDate).toISOString(), RoleArn: model.roleArn }, StateMachine: { Id: model.arn, Name: model.name } },
    });
    const drainLog = (async () => {
      for await (const event of run.eventLogs) history.fromEngine(event);
    })();
    execution.done = run.result
      .then((output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output ?? null);
      })
      .catch((error: Error & { cause?: unknown }) => {
        const original = (error.cause instanceof Error ? error.cause : error) as Error & { cause?: unknown };
        execution.status = 'FAILED';
        execution.error = original.name;
        execution.cause = typeof original.cause === 'string' ? original.cause : original.message;
      })
      .then(() => drainLog.catch(() => undefined))
      .finally(() => {
        execution.stopDate = Date.now();
        if (execution.status === 'SUCCEEDED') this.counters.succeeded += 1;
        else this.counters.failed += 1;
        this.counters.retries += history.retries();
        this.forgetOldest();
      });
    return execution;
  }

  /** A Task state: the Lambda integrations (AWS's payload and error shapes) or an SDK integration, with history events. */
  private async runTask(stateName: string, resource: string, input: any, history: HistoryRecorder): Promise<unknown> {
    const sdk = AWS_SDK_INTEGRATION.exec(resource);
    if (sdk) return this.runSdkTask(stateName, sdk[1]!, sdk[2]!, input, history);
    const wrapped = LAMBDA_INVOKE.test(resource);
    const functionName: string = wrapped ? input?.FunctionName : resource;
    const payload = wrapped ? input?.Payload : input;
    history.record({ timestamp: Date.now(), stateName, type: 'TaskScheduled', taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: this.options.region, parameters: JSON.stringify(input) } });
    history.record({ timestamp: Date.now(), stateName, type: 'TaskStarted', taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
    // One Lambda request id per attempt: AWS returns it in the Invoke response (SdkResponseMetadata), and
    // the function's START/END/REPORT and log lines carry it. Recorded on the task's history event as
    // `requestId` too (a local addition), where the output does not carry it (a failure, a bare ARN).
    const requestId = randomUUID();
    try {
      const result = await this.options.invokeFunction(functionName, payload, { requestId });
      const output = wrapped ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: requestId } } : result;
      history.record({ timestamp: Date.now(), stateName, type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify(output), requestId } });
      return output;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // A function's own error keeps its errorType; the Lambda service's errors are `Lambda.<Exception>`.
      if (err instanceof AwsServiceError) err.name = `Lambda.${err.code}`;
      const payloadError = (err as { payload?: Record<string, unknown> }).payload;
      const cause = JSON.stringify({ errorType: err.name, errorMessage: err.message, ...(payloadError?.trace ? { trace: payloadError.trace } : {}) });
      history.record({ timestamp: Date.now(), stateName, type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: err.name, cause, requestId } });
      // The engine matches Retry/Catch on `name`; Catch reports the message and a failed execution the
      // cause as its Cause: both are the Lambda error JSON, as on AWS.
      const failure = new Error(cause, { cause });
      failure.name = err.name;
      throw failure;
    }
  }

  private async runSdkTask(stateName: string, service: string, action: string, parameters: unknown, history: HistoryRecorder): Promise<unknown> {
    const resourceType = `aws-sdk:${service}`;
    history.record({ timestamp: Date.now(), stateName, type: 'TaskScheduled', taskScheduledEventDetails: { resourceType, resource: action, region: this.options.region, parameters: JSON.stringify(parameters) } });
    history.record({ timestamp: Date.now(), stateName, type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource: action } });
    try {
      if (!this.options.callAwsService) throw Object.assign(new Error(`${resourceType}:${action} is not emulated locally`), { name: 'States.Runtime' });
      const output = await this.options.callAwsService(service, action, parameters);
      history.record({ timestamp: Date.now(), stateName, type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType, resource: action, output: JSON.stringify(output) } });
      return output;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // AWS names SDK integration errors `<Service>.<Exception>`, e.g. Sqs.QueueDoesNotExistException.
      const name = err.name.includes('.') ? err.name : `${service[0]!.toUpperCase()}${service.slice(1)}.${err.name}`;
      history.record({ timestamp: Date.now(), stateName, type: 'TaskFailed', taskFailedEventDetails: { resourceType, resource: action, error: name, cause: err.message } });
      const failure = new Error(err.message, { cause: err.message });
      failure.name = name;
      throw failure;
    }
  }

  private forgetOldest(): void {
    this.ended += 1;
    const retain = this.options.retainExecutions ?? DEFAULT_RETAINED_EXECUTIONS;
    if (this.ended <= retain) return;
    // Insertion order is start order: the first ended ones found are the oldest.
    for (const [arn, execution] of this.executions) {
      if (this.ended <= retain) break;
      if (execution.status === 'RUNNING') continue;
      this.executions.delete(arn);
      this.ended -= 1;
    }
  }

  private machine(arn: unknown) {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const machine = this.machines.get(arn);
    if (!machine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: unknown): Execution {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  private list(body: { stateMachineArn?: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string }) {
    this.machine(body.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === body.stateMachineArn && (!body.statusFilter || e.status === body.statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
    const { page, nextToken } = paginate(all, body.maxResults, body.nextToken);
    return {
      executions: page.map(listItem),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  private history(body: { executionArn?: string; maxResults?: number; nextToken?: string; reverseOrder?: boolean; includeExecutionData?: boolean }) {
    const events = this.execution(body.executionArn).history.events();
    if (body.reverseOrder) events.reverse();
    const { page, nextToken } = paginate(events, body.maxResults, body.nextToken);
    return { events: page.map((e: HistoryEvent) => ({ ...e, timestamp: epochSeconds(e.timestamp) })), ...(nextToken ? { nextToken } : {}) };
  }
}

/**
 * The API's length constraint on `input` (AWS answers a larger one with this ValidationException before
 * starting anything). Executions an EventBridge target starts are not checked here: the bus bounds their size.
 */
function checkInputSize(input: unknown): void {
  if (typeof input !== 'string') return;
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes <= MAX_EXECUTION_INPUT_BYTES) return;
  throw new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EXECUTION_INPUT_BYTES} (got ${bytes} bytes)`,
  );
}

/** What ListExecutions says of an execution. */
function listItem(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
  };
}

/** What DescribeExecution (and StartSyncExecution) says: the list item plus input, output and error. */
function describe(e: Execution) {
  return {
    ...listItem(e),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
  };
}

function paginate<T>(items: T[], maxResults = 100, nextToken?: string): { page: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidToken', 'Invalid Token');
  const size = Math.min(Math.max(maxResults || 100, 1), 1000);
  const page = items.slice(start, start + size);
  return { page, ...(start + size < items.length ? { nextToken: Buffer.from(String(start + size)).toString('base64') } : {}) };
}
