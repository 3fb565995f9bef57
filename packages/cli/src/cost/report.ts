// `gamekeeper cost` as text: what the template says, the inputs, the table, the goal, the monthly
// metric charge, the prices with their sources. Pure: everything comes in as arguments.
import { BILLING_RULES, CUSTOM_METRIC_TIERS, PRICES, PRICES_AS_OF, PRICES_REGION, type Price, type Prices } from './prices';
import { type CostEstimate, type CostLine, GOAL_USD_PER_MILLION, SERVICES, customMetricsMonthlyUsd } from './model';
import type { CostStack } from './template';

export interface CostReportInput {
  stack: CostStack;
  estimate: CostEstimate;
  durationMs: Record<string, number>;
  orchestrationMs: number;
  logBytes: Record<string, number>;
  extraLogBytes: number;
  /** Where the durations and log sizes come from (the measured run, or flags). */
  inputsSource: string;
  storeItem: { bytes: number; writeUnits: number; readUnits: number; note: string };
  metrics: { games: number; levels: number; perGame: number; perGameAndLevel: number; perLevelOn: boolean };
  /** The factor on every duration at which the total reaches the goal (absent: shorter durations alone cannot reach it). */
  durationBreakEven?: number;
  prices?: Prices;
}

const usd = (value: number) => `$${value.toFixed(2)}`;
const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 0.01 ? 6 : 3).replace(/0+$/, ''));

function quantity(line: CostLine): string {
  if (line.unit === 'GB') return `${(line.perCompletion * 1e6).toFixed(2)} KB`;
  if (line.unit.startsWith('GB-second')) return `${line.perCompletion.toFixed(5)} GB-s`;
  return `${count(line.perCompletion)} ${line.unit}${line.perCompletion === 1 ? '' : 's'}`;
}

const seconds = (s: number | undefined) => (s === undefined ? '?' : s % 3600 === 0 ? `${s / 3600} h` : `${s} s`);

export function formatCostReport(input: CostReportInput): string[] {
  const { stack, estimate } = input;
  const prices = input.prices ?? PRICES;
  const { workflow, completionRule } = stack;
  const out: string[] = [];
  out.push(`gamekeeper cost: per million completions, ${PRICES_REGION} on-demand prices of ${PRICES_AS_OF} (no free tier)`);
  out.push('');
  out.push('From the synthesized template:');
  out.push(
    `  ${workflow.logicalId}: ${workflow.type}, logs ${workflow.logLevel}${workflow.includeExecutionData ? ' with' : ' without'} execution data, X-Ray ${workflow.tracing ? 'on' : 'off'}; started by ${completionRule.logicalId} (${completionRule.retryAttempts ?? '?'} retries, max event age ${seconds(completionRule.maxEventAgeSeconds)})`,
  );
  for (const path of estimate.paths) {
    const states = workflow.paths.find((p) => p.detailTypes.includes(path.detailType))!.states.map((s) => s.state);
    out.push(`  ${path.detailType} (${Math.round(path.share * 100)}%): ${path.transitions} state transitions (${states.join(', ')})`);
    out.push(`    invokes ${path.invocations.join(', ')}; ${path.durationMs.toFixed(0)} ms, Express bills ${path.billedMs} ms`);
  }
  const functions = Object.values(stack.functions);
  out.push(`  functions: ${functions.map((f) => `${f.name} ${f.memoryMb} MB ${f.architecture}${f.tracing ? ' traced' : ''}`).join(', ')}`);
  out.push(`  tables: ${Object.entries(stack.tables).map(([id, t]) => `${id} ${t.onDemand ? 'on-demand' : 'provisioned (not costed)'}`).join(', ')}`);
  for (const rule of stack.followOnRules) out.push(`  ${rule.logicalId}: ${rule.sources.join('|')} events → ${stack.functions[rule.function]?.name} directly`);
  out.push('');
  out.push('Inputs (override with --duration-ms and --log-bytes):');
  out.push(`  from: ${input.inputsSource}`);
  out.push(`  function duration: ${Object.entries(input.durationMs).map(([name, ms]) => `${name} ${ms} ms`).join(', ')}; orchestration ${input.orchestrationMs} ms per execution`);
  out.push(`  log bytes per invocation: ${Object.entries(input.logBytes).map(([name, bytes]) => `${name} ${bytes}`).join(', ')}; + ${input.extraLogBytes} on AWS (X-Ray ids in REPORT, longer function names)`);
  out.push(`  store item: ${input.storeItem.bytes} bytes (${input.storeItem.note}): ${input.storeItem.writeUnits} write unit, ${input.storeItem.readUnits} read unit (consistent)`);
  out.push('');

  const width = { service: 19, item: 48, quantity: 26 };
  out.push(`${'service'.padEnd(width.service)}${'item'.padEnd(width.item)}${'per completion'.padEnd(width.quantity)}${'$ per million'.padStart(13)}`);
  for (const service of SERVICES) {
    const lines = estimate.lines.filter((l) => l.service === service);
    for (const [i, line] of lines.entries()) {
      out.push(`${(i === 0 ? service : '').padEnd(width.service)}${line.item.padEnd(width.item)}${quantity(line).padEnd(width.quantity)}${line.usdPerMillion.toFixed(3).padStart(13)}`);
    }
  }
  out.push('');
  for (const service of SERVICES) out.push(`${service.padEnd(width.service)}${usd(estimate.byService[service]).padStart(8)}`);
  out.push(`${'total'.padEnd(width.service)}${usd(estimate.totalPerMillion).padStart(8)} per million completions`);
  out.push('');
  const api = estimate.metricApiCallers.length === 0 ? 'none in the path (metrics are EMF log lines; no function may call PutMetricData)' : `PutMetricData from ${estimate.metricApiCallers.join(', ')}: a per-request charge and a Region quota in the path`;
  out.push(`Goal (issue 11): at most ${usd(GOAL_USD_PER_MILLION)} per million completions and no per-request metric API: ${estimate.goalMet ? 'MET' : 'NOT MET'}`);
  const margin = GOAL_USD_PER_MILLION - estimate.totalPerMillion;
  out.push(`  total ${usd(estimate.totalPerMillion)} (${margin >= 0 ? `${usd(margin)} under` : `${usd(-margin)} over`}); metric API: ${api}`);
  if (!estimate.goalMet) {
    const largest = [...estimate.lines].sort((a, b) => b.usdPerMillion - a.usdPerMillion).slice(0, 3);
    out.push(`  largest items: ${largest.map((l) => `${l.service} ${l.item} ${usd(l.usdPerMillion)}`).join('; ')}`);
  }
  if (input.durationBreakEven !== undefined) {
    const factor = `${input.durationBreakEven.toFixed(2)}×`;
    out.push(estimate.goalMet ? `  the goal holds while function and orchestration durations stay under ${factor} these` : `  the goal would need every duration under ${factor} these, or a cut elsewhere`);
  } else if (!estimate.goalMet) {
    out.push('  shorter durations alone cannot reach the goal');
  }
  out.push('');
  const { games, levels, perGame, perGameAndLevel, perLevelOn } = input.metrics;
  const metrics = perGame * games + perGameAndLevel * games * levels;
  out.push(`Custom metrics for ${games} games × ${levels} levels: ${metrics} (${perGame} per game${perGameAndLevel ? ` + ${perGameAndLevel} per game and level` : ''}; METRICS_PER_LEVEL ${perLevelOn ? 'on' : 'off'}) = ${usd(customMetricsMonthlyUsd(metrics))} a month`);
  out.push('  (every series that gets data in an hour is billed for that hour; this is the month with data every hour)');
  const reservoirTraces = BILLING_RULES.xrayDefaultReservoirPerSecond * 30 * 24 * 3600;
  if (workflow.tracing || functions.some((f) => f.tracing)) {
    out.push(`X-Ray's reservoir (the first request each second is traced whatever the rate): up to ${(reservoirTraces / 1e6).toFixed(1)} M traces = ${usd(reservoirTraces * prices.xrayTraceRecorded.usd)} a month on top, at any volume`);
  }
  out.push('Not included: storage (tables, logs kept a month, the archive), the dead-letter path and retries, cold starts, the HTTP API, alarms ($0.10 each a month).');
  out.push('');
  out.push(`Prices (${PRICES_REGION}, ${PRICES_AS_OF}):`);
  for (const price of Object.values(prices)) out.push(`  ${formatPrice(price).padEnd(52)} ${price.source}`);
  out.push(`  custom metrics by the month: ${CUSTOM_METRIC_TIERS.map((t, i) => `${i === 0 ? 'first' : i === CUSTOM_METRIC_TIERS.length - 1 ? 'beyond' : 'up to'} ${Number.isFinite(t.upTo) ? t.upTo.toLocaleString('en-US') : (CUSTOM_METRIC_TIERS[i - 1]?.upTo ?? 0).toLocaleString('en-US')} $${t.usd.toFixed(2)}`).join(', ')}`);
  return out;
}

function formatPrice(price: Price): string {
  const money = (n: number) => {
    const rounded = Number(n.toPrecision(6));
    return `$${Number(rounded.toFixed(2)) === rounded ? rounded.toFixed(2) : rounded}`;
  };
  if (price.units) return `${money(price.usd * 1e6)} per million ${price.units}`;
  return `${money(price.usd)} per ${price.unit}`;
}
