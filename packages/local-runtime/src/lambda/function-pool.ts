import { randomUUID } from 'node:crypto';
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
   * Receives the function's output (its structured logs), once per invocation and once at start-up,
   * with the request it belongs to. The runtime's own output when absent.
   */
  onOutput?: (text: string, requestId: string | undefined) => void;
}

interface Environment {
  worker: Worker;
  busy: boolean;
  pending?: { requestId: string; resolve(v: unknown): void; reject(e: unknown): void; timer: NodeJS.Timeout };
}

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

  constructor(private readonly options: FunctionPoolOptions) {}

  async invoke(event: unknown): Promise<unknown> {
    const environment = await this.acquire();
    this.counters.invocations += 1;
    const requestId = randomUUID();
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // A timed-out environment is discarded, as Lambda does, so its half-done work cannot leak.
          this.counters.timeouts += 1;
          this.discard(environment);
          reject(
            new LambdaFunctionError({
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${this.options.timeoutSeconds.toFixed(2)} seconds`,
            }),
          );
        }, this.options.timeoutSeconds * 1000);
        environment.pending = { requestId, resolve, reject, timer };
        environment.worker.postMessage({ requestId, event });
      });
    } finally {
      environment.pending = undefined;
      this.release(environment);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
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
    this.waiting.shift()?.();
  }

  private discard(environment: Environment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
    void environment.worker.terminate();
  }

  private spawn(): { environment: Environment; ready: Promise<void> } {
    const { functionName, functionArn, handlerFile, environment: env, timeoutSeconds, memoryMb } = this.options;
    const worker = new Worker(workerFile, {
      env: { ...env, AWS_LAMBDA_FUNCTION_NAME: functionName, LOCAL_FUNCTION_ARN: functionArn },
      workerData: { handlerFile, functionName, memoryMb, timeoutMs: timeoutSeconds * 1000, exportName: this.options.exportName ?? 'handler' },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, memoryMb) },
      execArgv: ['--enable-source-maps'],
    });
    const environment: Environment = { worker, busy: true };
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: { ready?: boolean }) => (message.ready ? resolve() : undefined));
    });
    // Like CloudWatch Logs: each function's output collected apart from the runtime's own.
    const onOutput = this.options.onOutput ?? ((text: string) => process.stdout.write(text));
    worker.on('message', (message: { requestId?: string; ok?: boolean; result?: unknown; error?: FunctionInvocationError; logs?: string }) => {
      if (message.logs) onOutput(message.logs, message.requestId);
      const pending = environment.pending;
      if (!pending || message.requestId !== pending.requestId) return;
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new LambdaFunctionError(message.error!));
    });
    worker.on('error', (error) => {
      const pending = environment.pending;
      this.discard(environment);
      if (pending) {
        clearTimeout(pending.timer);
        pending.reject(new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: error.message }));
      }
    });
    return { environment, ready };
  }
}
