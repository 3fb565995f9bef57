import type { HistoryEventLike } from './outcomes';

/**
 * What the console reads from a running local runtime: the parts of `LocalRuntime` it uses, written out
 * structurally so the console depends on the seam, not on the runtime's internals.
 */
export interface ConsoleRuntime {
  url: string;
  model: {
    region: string;
    accountId: string;
    buses: { name: string; arn: string }[];
    rules: {
      name: string;
      busName: string;
      enabled: boolean;
      pattern: unknown;
      targets: { id: string; arn: string; deadLetterArn?: string; retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number } }[];
    }[];
    stateMachines: { name: string; arn: string; type: string; definition: Record<string, unknown> }[];
    functions: { name: string; environment: Record<string, string>; servicePackage?: string; logGroupName?: string }[];
    tables: {
      name: string;
      arn: string;
      keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
      attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
    }[];
    queues: { name: string; arn: string }[];
  };
  stepFunctions: {
    executions: ReadonlyMap<string, ConsoleExecution>;
    /** Every execution that ended since start (retained or not) and their task retries. */
    counters: ExecutionCounters;
  };
  eventBridge: {
    counters: object;
    /** The newest events the bus received, newest first (absent: the runtime keeps no such record). */
    recent?(limit?: number): readonly ConsoleRecentEvent[];
  };
  queues: {
    list(): { name: string; depth: number }[];
    messages(queue: string): readonly { messageId: string; body: string; attributes: Record<string, string>; sentAt: number; receiveCount: number }[];
  };
  /** The newest reloads of the running stack, newest first (absent: nothing records them). */
  reloads?: { recent(limit?: number): readonly { at: number; text: string; ok: boolean }[] };
  cloudWatch: {
    allDatapoints(): readonly { namespace: string; metricName: string; dimensions: { Name: string; Value: string }[]; timestamp: number; unit?: string; sampleCount: number; sum: number }[];
  };
}

/** An event the bus received, the rules it matched, and each target's delivery (EventBridgeService.recent). */
export interface ConsoleRecentEvent {
  bus: string;
  event: { id: string; source: string; 'detail-type': string; time: string; detail: unknown };
  receivedAt: number;
  rules: readonly string[];
  deliveries: readonly { rule: string; targetArn: string; outcome: string; attempts: number; executionArns: readonly string[]; error?: string }[];
  resumed?: boolean;
}

export interface ConsoleExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: { events(): HistoryEventLike[] };
}

export interface ExecutionCounters {
  succeeded: number;
  failed: number;
  retries: number;
}

export function executionCounters(runtime: Pick<ConsoleRuntime, 'stepFunctions'>): ExecutionCounters {
  return { ...runtime.stepFunctions.counters };
}

export function eventCounters(runtime: Pick<ConsoleRuntime, 'eventBridge'>): Record<string, number> {
  return { ...(runtime.eventBridge.counters as Record<string, number>) };
}
