import { availableParallelism } from 'node:os';
import type { FaultInjector } from '../faults/faults';
import { AwsServiceError } from '../protocol/aws-error';
import type { FunctionModel } from '../template/model';
import { functionNameFromArn } from '../arn';
import { bundleHandler, disposeBundlers } from './bundle';
import { type FunctionLogBatch, FunctionPool, type FunctionSettings, LambdaFunctionError } from './function-pool';

export interface LocalFunctionsOptions {
  functions: FunctionModel[];
  /** Where the functions' service packages resolve from (the CDK app's package directory). */
  resolveFunctionsFrom: string;
  /** Where the bundles are written. */
  bundleDir: string;
  /** The environment every function gets on top of the template's: where AWS is, and credentials. */
  environment: Record<string, string>;
  /** Execution environments per function (default: the machine's cores, at least 2). */
  maxConcurrency?: number;
  faults: FaultInjector;
  onOutput?: (functionName: string, text: string) => void;
  /**
   * The code of a function (its file and the source files it was built from), or undefined when it has
   * none to run. Default: its service package bundled as the CDK bundles it (tests hand in plain handler
   * files). `version` counts the function's reloads.
   */
  codeOf?: (model: FunctionModel, version: number) => Promise<FunctionCode | undefined>;
  /** Every log batch of every function, with the log group it belongs to (what CloudWatch Logs stores). */
  onLog?: (log: FunctionLog) => void;
}

/** A function's log batch and the log group it goes to. */
export interface FunctionLog extends FunctionLogBatch {
  logGroupName: string;
}

export interface FunctionCode {
  outfile: string;
  /** Absolute paths of the sources in it: a change to one of them means this function's code changed. */
  inputs: string[];
}

/** What a code reload did: the functions now on new code, and the ones whose new code did not build. */
export interface CodeReload {
  reloaded: string[];
  failed: { functionName: string; error: string }[];
}

/** What moving the functions onto a new template's did (see {@link LocalFunctions.prepareFunctions}). */
export interface FunctionsUpdate {
  added: string[];
  removed: string[];
  /** Functions whose code or settings changed (their next invocations get them). */
  updated: string[];
}

/** A function the runtime runs: its template model and the bundle that is its code. */
export interface LocalFunction {
  model: FunctionModel;
  codeFile: string;
  /** The source files its code was built from (absolute paths). */
  inputs: readonly string[];
}

export interface LocalInvokeOptions {
  /** The invocation's request id (a new UUID when absent). */
  requestId?: string;
  /** Receives this invocation's log (START to REPORT) before the invocation settles. */
  onLog?: (log: FunctionLog) => void;
}

/** Invocations of one function (or of all): started, in flight now, and the most in flight at once. */
export interface InvocationCounters {
  /** Invocations that reached the function (not refused by an injected Lambda service error). */
  invocations: number;
  /** Running in an execution environment or waiting for one: what callers have outstanding. */
  inFlight: number;
  /** The most in flight at once since the runtime started or since {@link LocalFunctions.resetPeaks}. */
  peakInFlight: number;
}

interface RunningFunction {
  model: FunctionModel;
  pool: FunctionPool;
  codeFile: string;
  inputs: Set<string>;
  /** How many times its code was reloaded. */
  version: number;
}

/**
 * The template's Lambda functions: each bundled from its service package and run in its own pool of
 * execution environments. `invoke` is how every other service calls a function, by name or ARN, with the
 * injected faults applied as the Lambda service would fail.
 */
export class LocalFunctions {
  /**
   * Invocations through {@link invoke} (Step Functions tasks, EventBridge targets, the Lambda API, the HTTP
   * API), per function name and over all functions: e.g. how many a Map state really runs at once.
   */
  readonly counters: { total: InvocationCounters; byFunction: Record<string, InvocationCounters> } = { total: zeroCounters(), byFunction: {} };

  private readonly pools = new Map<string, RunningFunction>();
  /** Pools of functions removed from the template, finishing their invocations in flight. */
  private readonly retiring = new Set<FunctionPool>();
  private readonly faults: FaultInjector;
  private readonly codeOf: (model: FunctionModel, version: number) => Promise<FunctionCode | undefined>;

  private constructor(private readonly options: LocalFunctionsOptions) {
    this.faults = options.faults;
    this.codeOf =
      options.codeOf ??
      (async (model: FunctionModel, version: number) => (model.servicePackage ? bundleHandler(model.servicePackage, options.bundleDir, options.resolveFunctionsFrom, version) : undefined));
  }

  static async start(options: LocalFunctionsOptions): Promise<LocalFunctions> {
    const functions = new LocalFunctions(options);
    // One at a time: esbuild is already parallel inside, and four builds at once only contend.
    for (const model of options.functions) {
      const code = await functions.codeOf(model, 0);
      if (code) functions.run(model, code, 0);
    }
    return functions;
  }

  /** Starts running a function: its pool of execution environments on `code`. */
  private run(model: FunctionModel, code: FunctionCode, version: number): void {
    const { options } = this;
    const running: RunningFunction = {
      model,
      codeFile: code.outfile,
      inputs: new Set(code.inputs),
      version,
      pool: new FunctionPool({
        functionName: model.name,
        functionArn: model.arn,
        ...this.settingsOf(model, code.outfile),
        maxConcurrency: options.maxConcurrency ?? Math.max(2, availableParallelism()),
        ...(options.onOutput ? { onOutput: (text: string) => options.onOutput!(model.name, text) } : {}),
        // The log group as the function's settings say now (a template update may move it).
        ...(options.onLog ? { onLog: (batch: FunctionLogBatch) => options.onLog!({ ...batch, logGroupName: running.model.logGroupName }) } : {}),
      }),
    };
    this.pools.set(model.name, running);
  }

  /** What a function's environments start with: its code, and its template settings plus where AWS is. */
  private settingsOf(model: FunctionModel, handlerFile: string): FunctionSettings {
    return {
      handlerFile,
      environment: { ...model.environment, ...this.options.environment },
      timeoutSeconds: model.timeoutSeconds,
      memoryMb: model.memoryMb,
      logGroupName: model.logGroupName,
      logFormat: model.logFormat,
    };
  }

  /**
   * Readies the move onto a new template's functions and returns the move itself. The part that can fail
   * happens here, changing nothing: bundling the code of new functions (and of functions whose service
   * package changed). The returned commit cannot fail: new functions start, removed ones stop taking
   * invocations (those in flight finish), changed settings (environment, timeout, memory, log group) and
   * code apply to the next invocations while invocations in flight finish as they started.
   */
  async prepareFunctions(models: readonly FunctionModel[]): Promise<() => FunctionsUpdate> {
    const built = new Map<string, { code: FunctionCode | undefined; version: number }>();
    for (const model of models) {
      const running = this.pools.get(model.name);
      if (running && running.model.servicePackage === model.servicePackage) continue;
      const version = running ? running.version + 1 : 0;
      built.set(model.name, { code: await this.codeOf(model, version), version });
    }
    return () => {
      const update: FunctionsUpdate = { added: [], removed: [], updated: [] };
      const byName = new Map(models.map((model) => [model.name, model]));
      for (const [name, running] of [...this.pools]) {
        const model = byName.get(name);
        const rebuilt = built.get(name);
        if (!model || (rebuilt && !rebuilt.code)) {
          this.pools.delete(name);
          this.retire(running.pool);
          update.removed.push(name);
          continue;
        }
        if (rebuilt?.code) {
          running.codeFile = rebuilt.code.outfile;
          running.inputs = new Set(rebuilt.code.inputs);
          running.version = rebuilt.version;
        } else if (JSON.stringify(running.model) === JSON.stringify(model)) {
          continue;
        }
        running.model = model;
        running.pool.update(this.settingsOf(model, running.codeFile));
        update.updated.push(name);
      }
      for (const model of models) {
        const rebuilt = built.get(model.name);
        if (this.pools.has(model.name) || update.removed.includes(model.name) || !rebuilt?.code) continue;
        this.run(model, rebuilt.code, rebuilt.version);
        update.added.push(model.name);
      }
      return update;
    };
  }

  private retire(pool: FunctionPool): void {
    this.retiring.add(pool);
    void pool.retire().then(() => this.retiring.delete(pool));
  }

  /**
   * Rebuilds the functions whose code includes one of `changedFiles` (absolute paths) and moves them onto
   * it: new invocations get the new code, invocations in flight finish on the old one, nothing queued is
   * lost. A function whose new code does not build keeps running the old one.
   */
  async reloadCode(changedFiles: readonly string[]): Promise<CodeReload> {
    const changed = new Set(changedFiles);
    const result: CodeReload = { reloaded: [], failed: [] };
    for (const running of this.pools.values()) {
      if (![...running.inputs].some((input) => changed.has(input))) continue;
      try {
        const code = await this.codeOf(running.model, running.version + 1);
        if (!code) continue;
        running.version += 1;
        running.codeFile = code.outfile;
        running.inputs = new Set(code.inputs);
        running.pool.replaceCode(code.outfile);
        result.reloaded.push(running.model.name);
      } catch (error) {
        result.failed.push({ functionName: running.model.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }

  /** Runs the function once; throws {@link LambdaFunctionError} (named by its errorType) when it fails. */
  async invoke(nameOrArn: string, payload: unknown, options: LocalInvokeOptions = {}): Promise<unknown> {
    const found = this.pools.get(functionNameFromArn(nameOrArn));
    if (!found) throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${nameOrArn}`, { status: 404 });
    const { model, pool } = found;
    const fault = this.faults.lambdaFault(model, payload);
    if (fault === 'error') throw new LambdaFunctionError({ errorType: 'Lambda.ServiceException', errorMessage: 'Injected fault: the Lambda service could not run the function' });
    const { onLog, requestId } = options;
    const counted = [this.counters.total, (this.counters.byFunction[model.name] ??= zeroCounters())];
    for (const c of counted) {
      c.invocations += 1;
      c.inFlight += 1;
      c.peakInFlight = Math.max(c.peakInFlight, c.inFlight);
    }
    let result: unknown;
    try {
      result = await pool.invoke(payload, {
        ...(requestId ? { requestId } : {}),
        ...(onLog ? { onLog: (batch: FunctionLogBatch) => onLog({ ...batch, logGroupName: model.logGroupName }) } : {}),
      });
    } finally {
      for (const c of counted) c.inFlight -= 1;
    }
    if (fault === 'timeout') {
      throw new LambdaFunctionError({
        errorType: 'Sandbox.Timedout',
        errorMessage: `Task timed out after ${model.timeoutSeconds.toFixed(2)} seconds (injected fault: the work ran, its answer was lost)`,
      });
    }
    return result;
  }

  /** The functions the runtime runs (the template's functions that have code), in template order. */
  list(): LocalFunction[] {
    return [...this.pools.values()].map(({ model, codeFile, inputs }) => ({ model, codeFile, inputs: [...inputs] }));
  }

  /** A function by name or ARN (`...:function:name`), or undefined when the runtime does not run it. */
  find(nameOrArn: string): LocalFunction | undefined {
    const found = this.pools.get(functionNameFromArn(nameOrArn));
    return found ? { model: found.model, codeFile: found.codeFile, inputs: [...found.inputs] } : undefined;
  }

  /** Starts measuring {@link counters}' `peakInFlight` afresh (from what is in flight now). */
  resetPeaks(): void {
    for (const c of [this.counters.total, ...Object.values(this.counters.byFunction)]) c.peakInFlight = c.inFlight;
  }

  /** Invocations that really ran out of time (not injected), by function. */
  timeouts(): Record<string, number> {
    return Object.fromEntries([...this.pools].filter(([, { pool }]) => pool.counters.timeouts > 0).map(([name, { pool }]) => [name, pool.counters.timeouts]));
  }

  async close(): Promise<void> {
    await Promise.all([...[...this.pools.values()].map(({ pool }) => pool), ...this.retiring].map((pool) => pool.close()));
    await disposeBundlers(this.options.bundleDir);
  }
}

const zeroCounters = (): InvocationCounters => ({ invocations: 0, inFlight: 0, peakInFlight: 0 });
