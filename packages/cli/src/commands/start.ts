import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole } from '@gamekeeper/console';
import { type FaultOptions, type LocalRuntime, type RatePerFunction, startLocalRuntime } from '@gamekeeper/local-runtime';
import { awsClients } from '../clients';
import { redriveDeadLetters } from '../dead-letters';
import { progress } from '../progress';
import { publishAll } from '../publish';
import { SAMPLE_SESSION_FILE } from '../sample';
import { readSessionFile } from '../session';
import { type GamekeeperStack, SynthesisError, type Synthesizer, loadGamekeeperStack, repoRoot, startSynthesizer } from '../synth';
import { watchWorkspace } from '../watch';

export interface StartOptions {
  port: number;
  host: string;
  data?: string;
  sample: boolean;
  console: boolean;
  watch: boolean;
  faultSeed: number;
  lambdaErrors?: RatePerFunction;
  lambdaTimeouts?: RatePerFunction;
  dynamoThrottles?: number;
  duplicates?: number;
  delays?: number;
  maxDelayMs: number;
}

/** The fault options of `start`, as the runtime takes them. */
export function faultsOf(options: StartOptions): FaultOptions {
  return {
    seed: options.faultSeed,
    ...(options.lambdaErrors !== undefined ? { lambdaErrors: options.lambdaErrors } : {}),
    ...(options.lambdaTimeouts !== undefined ? { lambdaTimeouts: options.lambdaTimeouts } : {}),
    ...(options.dynamoThrottles !== undefined ? { dynamoThrottles: options.dynamoThrottles } : {}),
    ...(options.duplicates !== undefined ? { duplicateDeliveries: options.duplicates } : {}),
    ...(options.delays !== undefined ? { delayedDeliveries: options.delays } : {}),
    maxDelayMs: options.maxDelayMs,
  };
}

/** `gamekeeper start`: synthesize, serve, play the sample session, print a summary, serve until Ctrl-C. */
export async function runStart(options: StartOptions): Promise<void> {
  const startedAt = Date.now();
  // Watching keeps a synthesizer (a child process with the CDK loaded) for infra changes; it makes the
  // first template too when the cache has none, so the CDK loads once.
  const synthesizer = options.watch ? startSynthesizer() : undefined;
  const { template, appDir, cached } = await firstTemplate(synthesizer);
  console.log(cached ? 'gamekeeper: the CDK app is unchanged since it was last synthesized: template from the cache' : `gamekeeper: synthesized the CDK app in ${Date.now() - startedAt} ms`);
  const logDir = options.data ?? mkdtempSync(join(tmpdir(), 'gamekeeper-'));
  mkdirSync(logDir, { recursive: true });
  const functionLogFile = join(logDir, 'functions.log');
  const runtime = await startLocalRuntime({
    functionLogFile,
    template,
    resolveFunctionsFrom: appDir, validateDefinitions: false,
    port: options.port,
    host: options.host,
    ...(options.data ? { dataDir: options.data } : {}),
    faults: faultsOf(options),
  });
  // The console's redrive buttons run the same redrive as `gamekeeper redrive`.
  const browserConsole = options.console ? createConsole(runtime, { redrive: (request) => redriveDeadLetters(awsClients(runtime.url), request) }) : undefined;
  if (browserConsole) runtime.mount('/console', browserConsole);
  printBanner(runtime, options, Date.now() - startedAt);
  console.log(`  function logs:  ${functionLogFile}`);
  if (browserConsole) console.log(`  console:        ${runtime.url}/console (in your browser)`);

  if (options.sample) {
    const events = readSessionFile(SAMPLE_SESSION_FILE);
    const clients = awsClients(runtime.url);
    const bar = progress('sample session', events.length);
    const published = await publishAll(clients.eventBridge, events, { onProgress: bar.update });
    await runtime.idle();
    bar.stop();
    console.log(`\nsample session: ${published.sent}/${published.total} events published`);
    await printSummary(runtime);
  }
  const watcher = synthesizer ? watchWorkspace(runtime, repoRoot, { synthesizer, report: (line) => console.log(`watch: ${line}`) }) : undefined;
  if (watcher) console.log('\nwatching the workspace: a saved handler is live for the next event, a saved infra file is applied to the running stack (--no-watch to turn off)');
  console.log('\nserving; press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('\nstopping...');
  watcher?.close();
  synthesizer?.close();
  browserConsole?.close();
  await runtime.stop();
}

async function firstTemplate(synthesizer: Synthesizer | undefined): Promise<GamekeeperStack> {
  if (!synthesizer) return loadGamekeeperStack();
  try {
    const { template, cached } = await synthesizer.synthesize();
    return { template, appDir: synthesizer.appDir, cached };
  } catch (error) {
    synthesizer.close();
    throw error instanceof SynthesisError ? new Error(`synthesizing the CDK app failed: ${error.explain()}`) : error;
  }
}

function printBanner(runtime: LocalRuntime, options: StartOptions, ms: number): void {
  const { model } = runtime;
  console.log(`gamekeeper local runtime ready in ${ms} ms at ${runtime.url}`);
  if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1') {
    console.warn(`WARNING: bound to ${options.host}: anyone who can reach this machine can use the endpoint.`);
  }
  console.log(`  event buses:    ${model.buses.map((b) => b.name).join(', ')}`);
  console.log(`  rules:          ${model.rules.map((r) => r.name).join(', ')}`);
  console.log(`  state machines: ${model.stateMachines.map((s) => s.name).join(', ')}`);
  console.log(`  functions:      ${model.functions.map((f) => f.name).join(', ')}`);
  console.log(`  tables:         ${model.tables.map((t) => t.name).join(', ')}`);
  for (const api of model.httpApis) {
    for (const route of api.routes) console.log(`  HTTP API:       ${route.method} ${runtime.url}/_aws/execute-api/${api.id}${route.path}`);
  }
  console.log(`  data:           ${options.data ? `on disk in ${options.data}` : 'in memory'}`);
  const faults = runtime.faults.describe();
  if (faults.length > 0) console.log(`  FAULTS ON:      ${faults.join('; ')}`);
  if (runtime.eventBridge.counters.resumed > 0) console.log(`  resumed:        ${runtime.eventBridge.counters.resumed} events accepted before a crash, delivered again`);
  console.log('Point any AWS SDK or the AWS CLI at it:');
  console.log(`  export AWS_ENDPOINT_URL=${runtime.url} AWS_REGION=${model.region} AWS_DEFAULT_REGION=${model.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`);
  console.log(`  aws --endpoint-url ${runtime.url} stepfunctions list-executions --state-machine-arn ${model.stateMachines[0]?.arn ?? '<arn>'}`);
  console.log(`  aws --endpoint-url ${runtime.url} dynamodb scan --table-name ${model.tables[0]?.name ?? '<table>'}`);
}

export async function printSummary(runtime: LocalRuntime): Promise<void> {
  const summary = await runtime.summary();
  console.log('summary:');
  console.log(`  executions: ${summary.executions.succeeded} succeeded, ${summary.executions.failed} failed, ${summary.executions.running} running (${summary.retries} task retries)`);
  const injected = Object.entries(summary.faults).filter(([, n]) => n > 0);
  if (injected.length > 0) console.log(`  faults injected: ${injected.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  for (const [table, count] of Object.entries(summary.tables)) console.log(`  table ${table}: ${count} items`);
  console.log(`  metric datapoints recorded: ${summary.metrics}`);
  console.log(`  events: ${summary.events.putEntries} put, ${summary.events.matched} matched a rule, ${summary.events.unmatched} matched none`);
  for (const [queue, depth] of Object.entries(summary.deadLetters)) console.log(`  dead letters in ${queue}: ${depth}`);
}
