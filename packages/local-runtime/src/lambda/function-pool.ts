import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface FunctionInvocationError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** A function error as Lambda reports it: the handler threw, or the runtime timed out or crashed. */
export class LambdaFunctionError extends Error {
  constructor(readonly payload: FunctionInvocationError) {
    super(payload.errorMessage);
    this.name = payload.errorType;
  }
}

export interface FunctionPoolOptions {
  functionName: string;
  functionArn: string;
  handlerFile: string;
  exportName?: string;
  /** The function's environment, exactly as the template sets it, plus where AWS lives locally. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** Most execution environments alive at once (Lambda's concurrency for this function). */
  maxConcurrency: number;
  /**
   * How long an environment beyond the first may sit idle before it shuts down (default
   * {@link IDLE_ENVIRONMENT_MS}). Lambda shuts idle environments down too; the first stays warm here, so
   * one event at a time never pays a cold start, while a burst's extra isolates give their memory back.
   */
  idleShutdownMs?: number;
  /** Where the function's logs go (`/aws/lambda/<name>` unless the template says otherwise): the environments' `context.logGroupName`. */
  logGroupName?: string;
  /** `Text` (the default) prefixes each console line with the time, request id and level, as the Node.js runtime does. */
  logFormat?: 'Text' | 'JSON';
  /**
   * Receives the function's output (its structured logs), once per invocation and once at start-up,
   * with the request it belongs to. The runtime's own output when absent.
   */
  onOutput?: (text: string, requestId: string | undefined) => void;
  /** Receives every batch of log events, as CloudWatch Logs would store them (see {@link FunctionLogBatch}). */
  onLog?: (batch: FunctionLogBatch) => void;
}

/** One log event, as CloudWatch Logs stores it: when it was written and its text (with its line end). */
export interface FunctionLogEvent {
  timestamp: number;
  message: string;
}

/**
 * What one execution environment wrote, in one piece: an invocation's lines framed by Lambda's
 * `START`, `END` and `REPORT` lines, or the output of its initialization (no request id).
 */
export interface FunctionLogBatch {
  functionName: string;
  /** The environment's log stream, named as on AWS: `YYYY/MM/DD/[$LATEST]<32 hex digits>`. */
  logStreamName: string;
  requestId?: string;
  events: FunctionLogEvent[];
}

export interface InvokeOptions {
  /** The invocation's request id (a new UUID when absent), e.g. the one the Invoke API already answered with. */
  requestId?: string;
  /** Receives this invocation's log batch (before the invocation settles), e.g. for `LogType: Tail`. */
  onLog?: (batch: FunctionLogBatch) => void;
}

/** What a function's environments are started with; {@link FunctionPool.update} changes it for new environments. */
export type FunctionSettings = Pick<FunctionPoolOptions, 'handlerFile' | 'environment' | 'timeoutSeconds' | 'memoryMb' | 'logGroupName' | 'logFormat'>;

interface OutputChunk {
  t: number;
  text: string;
}

interface WorkerMessage {
  ready?: boolean;
  requestId?: string;
  ok?: boolean;
  result?: unknown;
  error?: FunctionInvocationError;
  logs?: OutputChunk[];
  memoryMb?: number;
}

interface Environment {
  worker: Worker;
  busy: boolean;
  /** The version of the code and settings it runs: environments of an older version retire once idle. */
  codeVersion: number;
  /** The code and settings it was started with. */
  settings: FunctionSettings;
  logStreamName: string;
  /** When its last invocation ended (performance.now()). */
  idleSince: number;
  /** Set until its first invocation reports it (`Init Duration` in the first REPORT line). */
  initDurationMs?: number;
  pending?: Pending;
}

/** The invocation an environment is running. */
interface Pending {
  requestId: string;
  startedAt: number;
  /** `performance.now()` at the start, for the REPORT line's duration. */
  startedMark: number;
  initDurationMs?: number;
  onLog?: (batch: FunctionLogBatch) => void;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** A log stream name as Lambda gives each execution environment. */
export function logStreamNameFor(date: Date): string {
  const day = date.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The function's writes as log events: each write that ends a line is one event (a console call, a
 * logger's JSON line), partial writes join the next; anything left without a line end is the last event.
 */
export function toLogEvents(chunks: readonly OutputChunk[]): FunctionLogEvent[] {
  const events: FunctionLogEvent[] = [];
  let pending: FunctionLogEvent | undefined;
  for (const { t, text } of chunks) {
    if (!text) continue;
    pending = pending ? { timestamp: pending.timestamp, message: pending.message + text } : { timestamp: t, message: text };
    if (text.endsWith('\n')) {
      events.push(pending);
      pending = undefined;
    }
  }
  if (pending) events.push(pending);
  return events;
}

const YOUNG_GENERATION_MB = 8;
/**
 * The profiling flags the runtime's process was started with (`node --cpu-prof --cpu-prof-dir=DIR ...`),
 * passed on to every execution environment, so one profile per environment lands beside the runtime's
 * own. Only these: a worker given no `execArgv` would inherit them all, module loaders (`--import tsx`) too.
 */
export function profilingFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.filter((arg) => /^--(cpu|heap)-prof(-[a-z]+)?(=|$)/.test(arg));
}
/** See {@link FunctionPoolOptions.idleShutdownMs}. */
export const IDLE_ENVIRONMENT_MS = 5_000;
const workerFile = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/**
 * Execution environments of one function: worker threads, each with its own process.env and module
 * state (one function's env never leaks into another's), reused warm like Lambda's, created on demand
 * up to the concurrency limit; invocations beyond that wait their turn.
 */
export class FunctionPool {
  private readonly environments: Environment[] = [];
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  readonly counters = {
    invocations: 0,
    /** Invocations that ran out of time (their environment was discarded). */
    timeouts: 0,
  };

  private settings: FunctionSettings;
  private codeVersion = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private retired?: () => void;

  constructor(private readonly options: FunctionPoolOptions) {
    const { handlerFile, environment, timeoutSeconds, memoryMb, logGroupName, logFormat } = options;
    this.settings = { handlerFile, environment, timeoutSeconds, memoryMb, ...(logGroupName ? { logGroupName } : {}), ...(logFormat ? { logFormat } : {}) };
  }

  /** New code: see {@link update}. */
  replaceCode(handlerFile: string): void {
    this.update({ handlerFile });
  }

  /**
   * New code or settings (environment variables, timeout, memory, log group): idle environments retire
   * now, busy ones when their invocation ends; new invocations start environments with the new ones.
   * Nothing waiting is dropped.
   */
  update(changes: Partial<FunctionSettings>): void {
    this.settings = { ...this.settings, ...changes };
    this.codeVersion += 1;
    const inUse = this.environments.length > 0;
    for (const environment of [...this.environments]) if (!environment.busy) this.discard(environment);
    // A function in use gets one environment on the new version started now (a local nicety: the next
    // invocation after a save need not wait for a cold start).
    if (inUse) this.prewarm();
    // Waiting invocations may now start environments in the freed places.
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Starts one environment ahead of need, idle once ready (discarded if a newer version came meanwhile). */
  private prewarm(): void {
    if (this.closed || this.environments.length >= this.options.maxConcurrency) return;
    const { environment, ready } = this.spawn();
    this.environments.push(environment);
    ready.then(
      () => this.release(environment),
      () => this.discard(environment),
    );
  }

  /**
   * The function is gone (removed from the template): no new invocation starts (waiting ones fail as
   * for a function that does not exist), invocations in flight finish. Resolves once every environment
   * has ended.
   */
  retire(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    for (const environment of [...this.environments]) if (!environment.busy) this.discard(environment);
    if (this.environments.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.retired = resolve));
  }

  async invoke(event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const environment = await this.acquire();
    const { timeoutSeconds } = environment.settings;
    this.counters.invocations += 1;
    const requestId = options.requestId ?? randomUUID();
    try {
      return await new Promise((resolve, reject) => {
        const startedAt = Date.now();
        const startedMark = performance.now();
        const initDurationMs = environment.initDurationMs;
        environment.initDurationMs = undefined;
        const timer = setTimeout(() => {
          // A timed-out environment is discarded, as Lambda does, so its half-done work cannot leak.
          this.counters.timeouts += 1;
          this.discard(environment);
          const message = `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
          const pending = environment.pending;
          const line = { timestamp: Date.now(), message: `${new Date().toISOString()} ${requestId} ${message}\n` };
          if (pending) this.emitInvocation(environment, pending, [line], { status: 'timeout' });
          reject(new LambdaFunctionError({ errorType: 'Sandbox.Timedout', errorMessage: message }));
        }, timeoutSeconds * 1000);
        environment.pending = { requestId, startedAt, startedMark, ...(initDurationMs !== undefined ? { initDurationMs } : {}), ...(options.onLog ? { onLog: options.onLog } : {}), resolve, reject, timer };
        environment.worker.postMessage({ requestId, event });
      });
    } finally {
      environment.pending = undefined;
      this.release(environment);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await Promise.all(this.environments.splice(0).map((e) => e.worker.terminate()));
  }

  get size(): number {
    return this.environments.length;
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      if (this.closed) throw new Error(`function ${this.options.functionName} is shut down`);
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < this.options.maxConcurrency) {
        const created = this.spawn();
        this.environments.push(created.environment);
        await created.ready;
        return created.environment;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: Environment): void {
    environment.busy = false;
    environment.idleSince = performance.now();
    if (environment.codeVersion !== this.codeVersion || this.closed) this.discard(environment);
    this.waiting.shift()?.();
    this.scheduleIdleShutdown();
  }

  /** Shuts down environments beyond the first that stayed idle for {@link FunctionPoolOptions.idleShutdownMs}. */
  private scheduleIdleShutdown(): void {
    if (this.idleTimer || this.closed || this.environments.length <= 1) return;
    const idleMs = this.options.idleShutdownMs ?? IDLE_ENVIRONMENT_MS;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      const now = performance.now();
      // `acquire` takes the first idle environment, so under light load the later ones are the idle ones.
      for (const environment of this.environments.slice(1)) {
        if (!environment.busy && now - environment.idleSince >= idleMs) this.discard(environment);
      }
      this.scheduleIdleShutdown();
    }, idleMs);
    // Never what keeps the process alive.
    this.idleTimer.unref();
  }

  private discard(environment: Environment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
    void environment.worker.terminate();
    if (this.closed && this.environments.length === 0) this.retired?.();
  }

  private spawn(): { environment: Environment; ready: Promise<void> } {
    const { functionName, functionArn } = this.options;
    const { settings, codeVersion } = this;
    const { handlerFile, environment: env, timeoutSeconds, memoryMb } = settings;
    const spawnedAt = Date.now();
    const spawnedMark = performance.now();
    const logStreamName = logStreamNameFor(new Date(spawnedAt));
    const logGroupName = settings.logGroupName ?? `/aws/lambda/${functionName}`;
    const worker = new Worker(workerFile, {
      env: {
        ...env,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        LOCAL_FUNCTION_ARN: functionArn,
      },
      workerData: {
        handlerFile,
        functionName,
        memoryMb,
        timeoutMs: timeoutSeconds * 1000,
        exportName: this.options.exportName ?? 'handler',
        logGroupName,
        logStreamName,
        logFormat: settings.logFormat ?? 'Text',
      },
      // The function's memory bounds the old generation, as Lambda's memory setting does. A small young
      // generation keeps each environment's footprint down (V8's default lets it grow to ~48 MB per
      // isolate, and a runtime has one isolate per environment); short-lived objects still die young.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, memoryMb), maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      execArgv: ['--enable-source-maps', ...profilingFlags()],
    });
    const environment: Environment = { worker, busy: true, logStreamName, codeVersion, settings, idleSince: performance.now() };
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: WorkerMessage) => {
        if (!message.ready) return;
        environment.initDurationMs = performance.now() - spawnedMark;
        resolve();
      });
    });
    // Like CloudWatch Logs: each function's output collected apart from the runtime's own.
    const onOutput = this.options.onOutput ?? ((text: string) => process.stdout.write(text));
    worker.on('message', (message: WorkerMessage) => {
      const chunks = message.logs ?? [];
      if (chunks.length > 0) onOutput(chunks.map((c) => c.text).join(''), message.requestId);
      if (message.ready) {
        // What the module printed while it loaded (INIT), before any request.
        const events = toLogEvents(chunks);
        if (events.length > 0) this.options.onLog?.({ functionName, logStreamName, events });
        return;
      }
      const pending = environment.pending;
      if (!pending || message.requestId !== pending.requestId) return;
      clearTimeout(pending.timer);
      this.emitInvocation(environment, pending, toLogEvents(chunks), message.memoryMb !== undefined ? { memoryUsedMb: message.memoryMb } : {});
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new LambdaFunctionError(message.error!));
    });
    worker.on('error', (error) => {
      const pending = environment.pending;
      this.discard(environment);
      if (pending) {
        clearTimeout(pending.timer);
        const line = `${new Date().toISOString()} ${pending.requestId} Error: Runtime exited with error: ${error.message}\n`;
        this.emitInvocation(environment, pending, [{ timestamp: Date.now(), message: line }], { status: 'error' });
        pending.reject(new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: error.message }));
      }
    });
    return { environment, ready };
  }

  /** One invocation's log batch, framed as Lambda frames it: START, the function's lines, END, REPORT. */
  private emitInvocation(
    environment: Environment,
    { requestId, startedAt, startedMark, initDurationMs, onLog }: Pending,
    lines: FunctionLogEvent[],
    { memoryUsedMb, status }: { memoryUsedMb?: number; status?: 'timeout' | 'error' },
  ): void {
    if (!this.options.onLog && !onLog) return;
    const endedAt = Date.now();
    const durationMs = Math.max(0, performance.now() - startedMark);
    const report = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.max(1, Math.ceil(durationMs))} ms`,
      `Memory Size: ${environment.settings.memoryMb} MB`,
      `Max Memory Used: ${memoryUsedMb ?? environment.settings.memoryMb} MB`,
      ...(initDurationMs !== undefined ? [`Init Duration: ${initDurationMs.toFixed(2)} ms`] : []),
      ...(status ? [`Status: ${status}`] : []),
    ];
    const batch: FunctionLogBatch = {
      functionName: this.options.functionName,
      logStreamName: environment.logStreamName,
      requestId,
      events: [
        { timestamp: startedAt, message: `START RequestId: ${requestId} Version: $LATEST\n` },
        ...lines,
        { timestamp: endedAt, message: `END RequestId: ${requestId}\n` },
        { timestamp: endedAt, message: `${report.join('\t')}\t\n` },
      ],
    };
    this.options.onLog?.(batch);
    onLog?.(batch);
  }
}
