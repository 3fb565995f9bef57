// AWS's public on-demand prices the cost model uses: US East (N. Virginia), no free tier, no savings
// plans, first pricing tier. Every price carries the page it comes from; all were read on PRICES_AS_OF.
// When AWS changes one, change it here (and the date): nothing else restates a price.

/** The day the prices below were checked against their pages. */
export const PRICES_AS_OF = '2026-11-25';
export const PRICES_REGION = 'us-east-1';

export interface Price {
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  /** The unit's plural, for "per million ..." (prices of a fraction of a cent). */
  units?: string;
  source: string;
}

const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';
const STEP_FUNCTIONS = 'https://aws.amazon.com/step-functions/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';

export const PRICES = {
  /** Custom events put on a bus, per 64 KB chunk of each entry. Delivery to AWS-service targets is free. */
  eventBridgeCustomEvent: { usd: 1.0 / 1e6, unit: 'event (64 KB chunk)', units: 'events (64 KB chunks)', source: EVENTBRIDGE },
  /** Events an archive takes in. (Storage, $0.023 per GB-month, is not per completion.) */
  eventBridgeArchiveGb: { usd: 0.1, unit: 'GB archived', source: EVENTBRIDGE },

  /** Express: every execution started. */
  expressRequest: { usd: 1.0 / 1e6, unit: 'execution', units: 'Express executions', source: STEP_FUNCTIONS },
  /** Express duration, first 1,000 GB-hours a month; billed per 100 ms and per 64 MB of memory. */
  expressGbSecond: { usd: 0.00001667, unit: 'GB-second (Express)', source: STEP_FUNCTIONS },
  /** Standard: every state transition, retries included. */
  standardTransition: { usd: 25.0 / 1e6, unit: 'state transition', units: 'Standard state transitions', source: STEP_FUNCTIONS },

  lambdaRequest: { usd: 0.2 / 1e6, unit: 'invocation', units: 'Lambda invocations', source: LAMBDA },
  /** Arm (Graviton) duration, first 7.5 billion GB-seconds a month; billed per 1 ms. */
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second (arm64)', source: LAMBDA },
  /** x86 duration, first 6 billion GB-seconds a month. */
  lambdaX86GbSecond: { usd: 0.0000166667, unit: 'GB-second (x86_64)', source: LAMBDA },

  /** On-demand (since the November 2024 price cut): one unit per started KB written. */
  dynamoWriteRequestUnit: { usd: 0.625 / 1e6, unit: 'write request unit', units: 'write request units', source: DYNAMODB },
  /** On-demand: one unit per started 4 KB read strongly consistent, half that eventually consistent. */
  dynamoReadRequestUnit: { usd: 0.125 / 1e6, unit: 'read request unit', units: 'read request units', source: DYNAMODB },

  /** CloudWatch Logs ingestion, Standard log class (Lambda logs; vended logs such as Step Functions' cost the same in their first 10 TB). */
  logsIngestionGb: { usd: 0.5, unit: 'GB of logs ingested', source: CLOUDWATCH },
  /** A custom metric (name + dimension values) for a month, prorated by the hour; tiers below. */
  customMetricMonth: { usd: 0.3, unit: 'custom metric-month (first 10,000)', source: CLOUDWATCH },
  /** PutMetricData (and the other metric API calls). EMF log lines make none. */
  putMetricDataRequest: { usd: 0.01 / 1000, unit: 'API request', units: 'PutMetricData requests', source: CLOUDWATCH },

  /** X-Ray traces recorded (sampled). Retrieval and scans ($0.50 per million) are not per completion. */
  xrayTraceRecorded: { usd: 5.0 / 1e6, unit: 'trace recorded', units: 'X-Ray traces recorded', source: XRAY },
} as const satisfies Record<string, Price>;

export type Prices = { [K in keyof typeof PRICES]: Price };

/** Custom metrics are tiered by how many an account has in the month: each tier's size and price per metric-month. */
export const CUSTOM_METRIC_TIERS: ReadonlyArray<{ upTo: number; usd: number }> = [
  { upTo: 10_000, usd: 0.3 },
  { upTo: 250_000, usd: 0.1 },
  { upTo: 1_000_000, usd: 0.05 },
  { upTo: Number.POSITIVE_INFINITY, usd: 0.02 },
];

/** Billing granularity that is a rule of the service rather than a price. */
export const BILLING_RULES = {
  /** Express bills duration rounded up to the next 100 ms... */
  expressDurationStepMs: 100,
  /** ...and memory in 64 MB chunks; a small definition with ~1 KB payloads uses one chunk. */
  expressMemoryMb: 64,
  /** Lambda bills duration rounded up to the next 1 ms. */
  lambdaDurationStepMs: 1,
  /** EventBridge bills each entry per started 64 KB. */
  eventBridgeChunkBytes: 64 * 1024,
  /** X-Ray's default sampling rule: the first request each second (the reservoir), then 5% of the rest. */
  xrayDefaultFixedRate: 0.05,
  xrayDefaultReservoirPerSecond: 1,
} as const;
