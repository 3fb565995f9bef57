// What the console's JSON endpoints answer: shared by the server (src/server) and the page (src/web).

/** What the list shows of an execution, read once from its input (the EventBridge event). */
export interface ExecutionSummary {
  executionArn: string;
  name: string;
  stateMachine: string;
  status: string;
  startDate: number;
  stopDate?: number;
  detailType?: string;
  eventId?: string;
  playerId?: string;
  error?: string;
}

/** One recent event as the Events page shows it: the event, the rules it matched, each delivery and where it led. */
export interface RecentEventView {
  id: string;
  bus: string;
  receivedAt: number;
  source: string;
  detailType: string;
  eventId?: string;
  playerId?: string;
  rules: string[];
  resumed?: boolean;
  deliveries: {
    rule: string;
    target: string;
    outcome: string;
    attempts: number;
    error?: string;
    /** Executions the delivery started, with their status when still retained. */
    executions: { executionArn: string; name: string; status?: string }[];
  }[];
  /** The dead letter this event became (by the rule's DLQ, or the state machine's Catch), while it waits. */
  deadLetter?: { queue: string; messageId: string; errorCode?: string };
  event: string;
}
