import { MAX_EVENT_BYTES } from '../logs/store';
import type { StoredDatapoint } from './service';

/**
 * CloudWatch Embedded Metric Format: how CloudWatch Logs turns a structured log event into metrics.
 * Follows AWS's "Specification: Embedded metric format" (CloudWatch User Guide) and its JSON schema;
 * the limits below are the specification's, the names' and values' bounds those of the CloudWatch API
 * (`Dimension`, `MetricDatum`) the extracted metrics are published through.
 *
 * A log event whose message is not a JSON object with an `_aws` member is a plain log line. One with an
 * `_aws` member that breaks any rule is not extracted at all (CloudWatch Logs counts it as an
 * `EMFValidationErrors` and keeps the line), never half of it.
 *
 * Deliberate differences from AWS: the timestamp window (CloudWatch drops metrics stamped more than
 * 14 days in the past or 2 hours in the future) is not enforced, as the local PutMetricData does not
 * enforce it either, so replayed fixtures keep their datapoints; identical dimension sets are not merged.
 */
export const EMF_LIMITS = {
  /** "A DimensionSet MUST NOT contain more than 30 dimension keys." */
  dimensionsPerSet: 30,
  /** "This array [Metrics] MUST NOT contain more than 100 MetricDefinition objects." */
  metricsPerDirective: 100,
  /** "Numeric array metric targets MUST NOT have more than 100 members." */
  valuesPerMetric: 100,
  /** Namespace, metric name and dimension name: 1 to 255 characters (the specification's schema). */
  nameLength: 255,
  /** A dimension value: 1 to 1,024 characters (CloudWatch `Dimension.Value`). */
  dimensionValueLength: 1024,
  /** "Subject to the same limits as standard CloudWatch Logs events": the local log store's largest event. */
  eventBytes: MAX_EVENT_BYTES,
  /** CloudWatch rejects values beyond ±2^360 (`MetricDatum.Value`). */
  maxMagnitude: 2 ** 360,
} as const;

/** The units the specification's schema allows (`MetricDefinition.Unit`); absent means `None`. */
export const EMF_UNITS: ReadonlySet<string> = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count',
  'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]);

export type EmfExtraction =
  /** Not an EMF document: a plain log line. */
  | { kind: 'log' }
  /** An EMF document that breaks the specification: no metric from it, the line stays a log line. */
  | { kind: 'invalid'; reason: string }
  | { kind: 'metrics'; datapoints: StoredDatapoint[] };

class EmfInvalid extends Error {}
const fail = (reason: string): never => {
  throw new EmfInvalid(reason);
};

/**
 * Lambda's Node.js runtime prefixes `console` lines with `<time>\t<request id>\t<LEVEL>\t`; AWS reads an
 * EMF document after that metadata too ("a valid embedded metric format document after this metadata
 * is considered valid"). Powertools writes to stdout itself, so its lines have no prefix.
 */
const LAMBDA_PREFIX = /^\d{4}-\d{2}-\d{2}T[^\t]*\t[^\t]*\t[A-Z]+\t/;

/** The datapoints one log event's message embeds, or why it embeds none. */
export function extractEmf(message: string): EmfExtraction {
  const text = message.trim().replace(LAMBDA_PREFIX, '');
  // The document must be the whole message: a JSON object, nothing before or after it.
  if (!text.startsWith('{') || !text.includes('"_aws"')) return { kind: 'log' };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return { kind: 'log' };
  }
  if (!isObject(root) || !Object.hasOwn(root, '_aws')) return { kind: 'log' };
  try {
    if (Buffer.byteLength(message, 'utf8') > EMF_LIMITS.eventBytes) fail(`the event is larger than a log event (${EMF_LIMITS.eventBytes} bytes)`);
    return { kind: 'metrics', datapoints: datapointsOf(root) };
  } catch (error) {
    if (error instanceof EmfInvalid) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

function datapointsOf(root: Record<string, unknown>): StoredDatapoint[] {
  const meta = root._aws;
  if (!isObject(meta)) fail('_aws must be an object');
  const { Timestamp: timestamp, CloudWatchMetrics: directives } = meta as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) fail('_aws.Timestamp must be a whole number of milliseconds since the epoch');
  if (!Array.isArray(directives)) fail('_aws.CloudWatchMetrics must be an array of metric directives');
  return (directives as unknown[]).flatMap((directive, i) => directiveDatapoints(root, directive, timestamp as number, `_aws.CloudWatchMetrics[${i}]`));
}

function directiveDatapoints(root: Record<string, unknown>, directive: unknown, timestamp: number, where: string): StoredDatapoint[] {
  if (!isObject(directive)) fail(`${where} must be an object`);
  const { Namespace: namespace, Dimensions: dimensionSets, Metrics: definitions } = directive as Record<string, unknown>;
  const ns = name(namespace, `${where}.Namespace`);
  if (ns.startsWith(':')) fail(`${where}.Namespace must not start with a colon`);
  if (ns.startsWith('AWS/')) fail(`${where}.Namespace: namespaces starting with AWS/ are reserved`);
  if (!Array.isArray(dimensionSets) || dimensionSets.length === 0) fail(`${where}.Dimensions must be a non-empty array of dimension sets`);
  if (!Array.isArray(definitions)) fail(`${where}.Metrics must be an array of metric definitions`);
  if ((definitions as unknown[]).length > EMF_LIMITS.metricsPerDirective) fail(`${where}.Metrics has more than ${EMF_LIMITS.metricsPerDirective} metric definitions`);

  const sets = (dimensionSets as unknown[]).map((set, s) => {
    const at = `${where}.Dimensions[${s}]`;
    if (!Array.isArray(set)) fail(`${at} must be an array of dimension keys`);
    if ((set as unknown[]).length > EMF_LIMITS.dimensionsPerSet) fail(`${at} has more than ${EMF_LIMITS.dimensionsPerSet} dimension keys`);
    return (set as unknown[]).map((key, k) => {
      const dimension = name(key, `${at}[${k}]`, { dimension: true });
      const value = root[dimension];
      if (typeof value !== 'string') fail(`the dimension target member ${JSON.stringify(dimension)} must be a string on the root node`);
      if (!validText(value as string, EMF_LIMITS.dimensionValueLength)) fail(`the dimension ${JSON.stringify(dimension)} needs a value of 1 to ${EMF_LIMITS.dimensionValueLength} printable ASCII characters`);
      return { Name: dimension, Value: value as string };
    });
  });

  const metrics = (definitions as unknown[]).map((definition, m) => {
    const at = `${where}.Metrics[${m}]`;
    if (!isObject(definition)) fail(`${at} must be an object`);
    const { Name: metricName, Unit: unit, StorageResolution: resolution } = definition as Record<string, unknown>;
    const metric = name(metricName, `${at}.Name`);
    if (unit !== undefined && (typeof unit !== 'string' || !EMF_UNITS.has(unit))) fail(`${at}.Unit ${JSON.stringify(unit)} is not a CloudWatch unit`);
    if (resolution !== undefined && resolution !== 1 && resolution !== 60) fail(`${at}.StorageResolution must be 1 or 60`);
    if (!Object.hasOwn(root, metric)) fail(`the metric target member ${JSON.stringify(metric)} is missing from the root node`);
    const target = root[metric];
    const values = Array.isArray(target) ? target : [target];
    if (values.length > EMF_LIMITS.valuesPerMetric) fail(`the metric ${JSON.stringify(metric)} has more than ${EMF_LIMITS.valuesPerMetric} values`);
    for (const v of values) {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`the metric ${JSON.stringify(metric)} must be a number or an array of numbers`);
      if (Math.abs(v as number) > EMF_LIMITS.maxMagnitude) fail(`the metric ${JSON.stringify(metric)} has a value beyond CloudWatch's range (±2^360)`);
    }
    return { metric, unit: (unit as string | undefined) ?? 'None', values: values as number[] };
  });

  // Every metric of the directive, published once per dimension set: each value one datapoint.
  return sets.flatMap((dimensions) =>
    metrics.flatMap(({ metric, unit, values }) =>
      values.map((value) => ({ namespace: ns, metricName: metric, dimensions, timestamp, unit, sampleCount: 1, sum: value, minimum: value, maximum: value })),
    ),
  );
}

/** A namespace, metric or dimension name: a string of 1 to 255 characters (a dimension name also as `validText`). */
function name(value: unknown, where: string, { dimension = false } = {}): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > EMF_LIMITS.nameLength) fail(`${where} must be a string of 1 to ${EMF_LIMITS.nameLength} characters`);
  if (dimension && (!validText(value as string, EMF_LIMITS.nameLength) || (value as string).startsWith(':'))) fail(`${where} must be printable ASCII, not only spaces, not starting with a colon`);
  return value as string;
}

/** CloudWatch's rule for dimension names and values: ASCII without control characters, not only whitespace. */
function validText(text: string, maxLength: number): boolean {
  return text.length >= 1 && text.length <= maxLength && /^[\x20-\x7e]+$/.test(text) && text.trim().length > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
