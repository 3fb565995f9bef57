import { AwsServiceError, type ServiceBackend, notEmulated, requireString } from '../protocol/aws-error';
import { Journal } from '../shared/journal';
import { extractEmf } from './emf';

interface Dimension {
  Name: string;
  Value: string;
}

/** One value as PutMetricData stored it (a StatisticSet is kept as its aggregates). */
export interface StoredDatapoint {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  timestamp: number;
  unit?: string;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

type Statistic = 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum';
const STATISTICS: Statistic[] = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'];

/** CloudWatch's errors: the JSON exception name, and the Query code its older clients know them by. */
const invalid = (message: string) => new AwsServiceError('InvalidParameterValueException', message, { queryCode: 'InvalidParameterValue' });
const missing = (name: string) => new AwsServiceError('MissingRequiredParameterException', `The parameter ${name} is required.`, { queryCode: 'MissingParameter' });
const required = (value: unknown, name: string) => requireString(value, () => missing(name));

export interface CloudWatchService extends ServiceBackend {
  allDatapoints(): readonly StoredDatapoint[];
  /**
   * Extracts the metrics embedded in log events (CloudWatch Embedded Metric Format), as CloudWatch Logs
   * does for a Lambda function's log group, and stores them as PutMetricData stores its data. Events that
   * are not valid EMF stay plain log lines. Answers how many datapoints were stored.
   */
  putEmf(events: ReadonlyArray<{ message: string }>): number;
  close(): void;
}

/**
 * CloudWatch metrics on the local endpoint: PutMetricData and the EMF extracted from function logs
 * stored in memory (one path, so both answer the same); ListMetrics, GetMetricStatistics and
 * GetMetricData answer from it.
 */
export function createCloudWatchService(options: { journalFile?: string } = {}): CloudWatchService {
  // With the data-folder option every stored datapoint is on disk before PutMetricData answers.
  const journal = new Journal<StoredDatapoint>(options.journalFile);
  const datapoints: StoredDatapoint[] = journal.load();
  const store = (stored: StoredDatapoint[]) => {
    if (stored.length === 0) return;
    journal.append(...stored);
    datapoints.push(...stored);
  };

  const operations: Record<string, (body: any) => unknown> = {
    PutMetricData(body) {
      const namespace = required(body?.Namespace, 'Namespace');
      if (namespace.startsWith('AWS/')) throw invalid('The value AWS/ for parameter Namespace is invalid: namespaces starting with AWS/ are reserved.');
      const data = body?.MetricData;
      if (!Array.isArray(data) || data.length === 0) throw missing('MetricData');
      if (data.length > 1000) throw invalid(`The collection MetricData must not have a size greater than 1000.`);
      store(data.map((datum: any, i: number) => toDatapoints(namespace, datum, i)).flat());
      return {};
    },
    ListMetrics(body) {
      const seen = new Map<string, { Namespace: string; MetricName: string; Dimensions: Dimension[] }>();
      for (const d of datapoints) {
        if (body?.Namespace && d.namespace !== body.Namespace) continue;
        if (body?.MetricName && d.metricName !== body.MetricName) continue;
        const filters: { Name: string; Value?: string }[] = body?.Dimensions ?? [];
        if (!filters.every((f) => d.dimensions.some((x) => x.Name === f.Name && (f.Value === undefined || x.Value === f.Value)))) continue;
        seen.set(metricKey(d.namespace, d.metricName, d.dimensions), { Namespace: d.namespace, MetricName: d.metricName, Dimensions: d.dimensions });
      }
      return { Metrics: [...seen.values()] };
    },
    GetMetricStatistics(body) {
      const namespace = required(body?.Namespace, 'Namespace');
      const metricName = required(body?.MetricName, 'MetricName');
      const statistics: Statistic[] = body?.Statistics ?? [];
      if (statistics.length === 0) throw missing('Statistics');
      for (const s of statistics) if (!STATISTICS.includes(s)) throw invalid(`The value ${s} for parameter Statistics is not valid.`);
      const buckets = bucketize(select(namespace, metricName, body?.Dimensions ?? [], body?.Unit), body);
      return {
        Label: metricName,
        Datapoints: [...buckets.entries()].map(([start, points]) => ({
          Timestamp: start / 1000,
          ...Object.fromEntries(statistics.map((s) => [s, aggregate(points, s)])),
          ...(points[0]?.unit ? { Unit: points[0].unit } : {}),
        })),
      };
    },
    GetMetricData(body) {
      const queries: any[] = body?.MetricDataQueries ?? [];
      if (queries.length === 0) throw missing('MetricDataQueries');
      return {
        MetricDataResults: queries
          .filter((q) => q.ReturnData !== false)
          .map((q) => {
            if (!q.MetricStat) throw invalid(`Query ${q.Id}: only MetricStat queries are supported by the local CloudWatch (no metric math).`);
            const { Metric, Period, Stat, Unit } = q.MetricStat;
            if (!STATISTICS.includes(Stat)) throw invalid(`Query ${q.Id}: the statistic ${Stat} is not supported locally.`);
            const buckets = [...bucketize(select(Metric.Namespace, Metric.MetricName, Metric.Dimensions ?? [], Unit), { ...body, Period }).entries()].sort((a, b) => b[0] - a[0]);
            return {
              Id: q.Id,
              Label: q.Label ?? Metric.MetricName,
              Timestamps: buckets.map(([start]) => start / 1000),
              Values: buckets.map(([, points]) => aggregate(points, Stat)),
              StatusCode: 'Complete',
            };
          }),
        Messages: [],
      };
    },
  };

  function select(namespace: string, metricName: string, dimensions: Dimension[], unit?: string) {
    // CloudWatch matches dimensions exactly: the same set, no more, no fewer.
    const key = metricKey(namespace, metricName, dimensions);
    return datapoints.filter((d) => metricKey(d.namespace, d.metricName, d.dimensions) === key && (!unit || d.unit === unit));
  }

  return {
    operations: Object.keys(operations),
    allDatapoints: () => datapoints,
    putEmf(events) {
      const stored = events.flatMap(({ message }) => {
        const extraction = extractEmf(message);
        return extraction.kind === 'metrics' ? extraction.datapoints : [];
      });
      store(stored);
      return stored.length;
    },
    close: () => journal.close(),
    async handle(operation: string, body: unknown): Promise<unknown> {
      const run = operations[operation];
      if (!run) throw notEmulated('CloudWatch', operation);
      return run(body);
    },
  };
}

function metricKey(namespace: string, metricName: string, dimensions: Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => `${d.Name}=${d.Value}`);
  return `${namespace}|${metricName}|${dims.join(',')}`;
}

function toDatapoints(namespace: string, datum: any, index: number): StoredDatapoint[] {
  const where = `MetricData.member.${index + 1}`;
  const metricName = required(datum?.MetricName, `${where}.MetricName`);
  const dimensions: Dimension[] = datum.Dimensions ?? [];
  if (dimensions.length > 30) throw invalid(`The collection ${where}.Dimensions must not have a size greater than 30.`);
  for (const d of dimensions) {
    if (!d?.Name || d.Value === undefined || d.Value === '') throw invalid(`The parameter ${where}.Dimensions must have a Name and a non-empty Value.`);
  }
  const timestamp = datum.Timestamp !== undefined ? Number(datum.Timestamp) * 1000 : Date.now();
  const base = { namespace, metricName, dimensions, timestamp, ...(datum.Unit ? { unit: datum.Unit } : {}) };
  const finite = (v: unknown, name: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`The value ${String(v)} for parameter ${where}.${name} is invalid.`);
    return v;
  };
  if (datum.StatisticValues) {
    const s = datum.StatisticValues;
    return [{ ...base, sampleCount: finite(s.SampleCount, 'StatisticValues.SampleCount'), sum: finite(s.Sum, 'StatisticValues.Sum'), minimum: finite(s.Minimum, 'StatisticValues.Minimum'), maximum: finite(s.Maximum, 'StatisticValues.Maximum') }];
  }
  if (Array.isArray(datum.Values)) {
    const counts: number[] = datum.Counts ?? datum.Values.map(() => 1);
    return datum.Values.map((v: unknown, i: number) => {
      const value = finite(v, `Values.${i + 1}`);
      const count = counts[i] ?? 1;
      return { ...base, sampleCount: count, sum: value * count, minimum: value, maximum: value };
    });
  }
  const value = finite(datum.Value, 'Value');
  return [{ ...base, sampleCount: 1, sum: value, minimum: value, maximum: value }];
}

function bucketize(points: StoredDatapoint[], body: any): Map<number, StoredDatapoint[]> {
  if (body?.StartTime === undefined) throw missing('StartTime');
  if (body?.EndTime === undefined) throw missing('EndTime');
  const period = Number(body?.Period);
  if (!Number.isInteger(period) || period < 1) throw invalid('The parameter Period must be a positive whole number of seconds.');
  const start = Number(body.StartTime) * 1000;
  const end = Number(body.EndTime) * 1000;
  if (!(end > start)) throw invalid('The parameter StartTime must be earlier than EndTime.');
  const buckets = new Map<number, StoredDatapoint[]>();
  for (const p of points) {
    if (p.timestamp < start || p.timestamp >= end) continue;
    const bucket = start + Math.floor((p.timestamp - start) / (period * 1000)) * period * 1000;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), p]);
  }
  return buckets;
}

function aggregate(points: StoredDatapoint[], statistic: Statistic): number {
  const count = points.reduce((n, p) => n + p.sampleCount, 0);
  const sum = points.reduce((n, p) => n + p.sum, 0);
  switch (statistic) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return sum;
    case 'Average':
      return count === 0 ? 0 : sum / count;
    case 'Minimum':
      return Math.min(...points.map((p) => p.minimum));
    case 'Maximum':
      return Math.max(...points.map((p) => p.maximum));
  }
}

