import { EVENT_BUS_NAME } from '@gamekeeper/contracts';
import { Command, InvalidArgumentError } from 'commander';
import { runCost } from './commands/cost';
import { runExecutions } from './commands/executions';
import { runRebuild } from './commands/rebuild';
import { runRedrive } from './commands/redrive';
import { runReplay } from './commands/replay';
import { runSend } from './commands/send';
import { runStart } from './commands/start';
import { runTables } from './commands/tables';
import { DEFAULT_ENDPOINT, DEFAULT_PORT } from './clients';
import { DEFAULT_MAX_BATCH_EVENTS } from './rebuild';
import { DEFAULT_GAMES, DEFAULT_GAME_SHARE, DEFAULT_LEVELS, DEFAULT_XRAY_SAMPLED_SHARE } from './cost/defaults';
export { UsageError } from './errors';

const integer = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
  return parsed;
};

const rate = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError(`${name} must be a rate between 0 and 1, got "${value}"`);
  return parsed;
};
/** `0.1`, or per function: `metric=0.5,*=0.1`. */
const rates = (name: string) => (value: string) => {
  if (!value.includes('=')) return rate(name)(value);
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [fn, r = ''] = pair.split('=');
      if (!fn) throw new InvalidArgumentError(`${name}: expected function=rate, got "${pair}"`);
      return [fn.trim(), rate(`${name} ${fn}`)(r)];
    }),
  );
};

/** `report=40,level-store=30`: a number (>= 0) per name. */
const amounts = (name: string) => (value: string) =>
  Object.fromEntries(
    value.split(',').map((pair) => {
      const [key = '', amount = ''] = pair.split('=').map((part) => part.trim());
      const parsed = Number(amount);
      if (!key || amount === '' || !(parsed >= 0) || !Number.isFinite(parsed)) throw new InvalidArgumentError(`${name}: expected name=number pairs, got "${pair}"`);
      return [key, parsed];
    }),
  ) as Record<string, number>;

export function buildProgram(): Command {
  const program = new Command('gamekeeper')
    .description('Level and game completion housekeeping, on this machine or on AWS.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('start')
    .description('run the whole stack locally on one loopback port (synthesized from the CDK app)')
    .option('-p, --port <port>', 'port of the local endpoint', integer('port'), DEFAULT_PORT)
    .option('--host <host>', 'interface to bind (loopback unless you mean otherwise)', '127.0.0.1')
    .option('-d, --data <dir>', 'keep everything in this folder: tables, dead letters, metrics, undelivered events, the event archive (survives restarts, even kill -9)')
    .option('--no-sample', 'do not play the bundled sample session')
    .option('--no-console', 'do not serve the browser console at /console')
    .option('--no-watch', 'do not follow the workspace (by default a saved handler is live for the next event)')
    .option('--fault-seed <n>', 'seed of the injected faults (same seed, same faults)', integer('fault-seed'), 1)
    .option('--lambda-errors <rate>', 'inject Lambda service errors: a rate (0.1) or per function (metric=0.5,*=0.1)', rates('lambda-errors'))
    .option('--lambda-timeouts <rate>', 'inject Lambda timeouts after the work ran: a rate or per function', rates('lambda-timeouts'))
    .option('--dynamo-throttles <rate>', 'inject DynamoDB ProvisionedThroughputExceededException at this rate', rate('dynamo-throttles'))
    .option('--duplicates <rate>', 'deliver this share of events twice', rate('duplicates'))
    .option('--delays <rate>', 'hold this share of events back (reordering)', rate('delays'))
    .option('--max-delay-ms <ms>', 'longest hold-back of a delayed event', integer('max-delay-ms'), 2000)
    .action((options) => runStart(options));

  program
    .command('redrive')
    .description('send every dead letter through again (events that failed after their retries)')
    .option('--all', 'also re-send events that failed validation (InvalidGameEvent)', false)
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .action((options) => runRedrive(options));

  program
    .command('send')
    .description('publish one level or game completion')
    .argument('<kind>', 'level or game')
    .requiredOption('--player <id>', 'player id')
    .requiredOption('--game <id>', 'game id')
    .requiredOption('--level <n>', 'level number', integer('level'))
    .requiredOption('--score <n>', 'score', integer('score'))
    .option('--stars <n>', 'stars (0-3)', integer('stars'))
    .option('--duration-ms <n>', 'time spent on the level', integer('duration-ms'), 60_000)
    .option('--total-score <n>', 'game total score (game only)', integer('total-score'))
    .option('--levels-completed <n>', 'levels completed (game only)', integer('levels-completed'))
    .option('--total-duration-ms <n>', 'game total duration (game only)', integer('total-duration-ms'))
    .option('--event-id <uuid>', 'idempotency key (a new UUID by default)')
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .action((kind, options) => runSend(kind, options));

  program
    .command('replay')
    .description('publish every event of a newline-delimited file, with progress and a summary')
    .argument('<file>', 'NDJSON: one {"detailType","detail"} or EventBridge event per line')
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .option('--no-wait', 'do not wait for the executions to finish')
    .action((file, options) => runReplay(file, options));

  program
    .command('rebuild')
    .description('rebuild the tables from completion events: the Rebuild state machine, in batches (no report, no metric)')
    .option('--from <file>', 'NDJSON: one EventBridge event, archive line {"archivedAt","event"}, session line {"detailType","detail"} or journal record per line')
    .option('-d, --data <dir>', `a local runtime's data folder (start --data): rebuild from its event archive(s) of the ${EVENT_BUS_NAME} bus (DIR/archives)`)
    .option('--state-machine <arn>', 'the Rebuild state machine (found by its name by default)')
    .option('--batch-size <n>', 'events per execution at most (each batch also stays under 256 KiB of input)', integer('batch-size'), DEFAULT_MAX_BATCH_EVENTS)
    .option('--json', 'print the summary as JSON, every failure included', false)
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .action((options) => runRebuild(options));

  program
    .command('executions')
    .description('list executions, or show one execution step by step')
    .argument('[execution]', 'execution ARN or name')
    .option('--status <status>', 'only RUNNING, SUCCEEDED or FAILED executions')
    .option('-n, --limit <n>', 'at most this many executions', integer('limit'), 20)
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .action((execution, options) => runExecutions(execution, options));

  program
    .command('cost')
    .description('the cost per million completions of the synthesized stack, by service, and the monthly custom-metric charge')
    .option('--duration-ms <list>', 'mean invocation durations: report=40,level-store=30,game-store=30,metric=25,orchestration=50 (default: measured locally)', amounts('duration-ms'))
    .option('--log-bytes <list>', 'CloudWatch Logs bytes per invocation: report=900,... (default: measured locally)', amounts('log-bytes'))
    .option('--games <n>', 'games, for the monthly custom-metric charge', integer('games'), DEFAULT_GAMES)
    .option('--levels <n>', 'levels per game, for the monthly custom-metric charge', integer('levels'), DEFAULT_LEVELS)
    .option('--game-share <rate>', 'share of completions that are game completions', rate('game-share'), DEFAULT_GAME_SHARE)
    .option('--xray-sampling <rate>', 'share of traces X-Ray records (its default rule: 0.05 beyond 1 a second)', rate('xray-sampling'), DEFAULT_XRAY_SAMPLED_SHARE)
    .action((options) => runCost(options));

  program
    .command('tables')
    .description('list tables with item counts, or dump one table')
    .argument('[table]', 'table name')
    .option('-e, --endpoint <url>', 'AWS endpoint', DEFAULT_ENDPOINT)
    .action((table, options) => runTables(table, options));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that ran to the end but failed in part (replay, redrive, rebuild) says so in process.exitCode.
    return Number(process.exitCode ?? 0) || 0;
  } catch (error) {
    const err = error as Error & { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code?.startsWith('commander.')) return err.exitCode || 1;
    console.error(`gamekeeper: ${err.name === 'Error' || err.name === 'UsageError' ? '' : `${err.name}: `}${err.message}`);
    return 1;
  }
}
