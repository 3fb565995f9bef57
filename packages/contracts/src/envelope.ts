import './messages';
import * as z from 'zod/mini';
import { DetailType, Source } from './constants';
import { InvalidGameEvent } from './errors';
import { GameCompletedDetail } from './game-completed';
import { LevelCompletedDetail } from './level-completed';
import { LevelReportGeneratedDetail } from './level-report';

/**
 * The EventBridge envelope, field for field Powertools' `EventBridgeSchema`
 * (`@aws-lambda-powertools/parser/schemas/eventbridge`), written with zod/mini: Powertools' schema is built
 * with classic zod, whose `z` namespace cannot be tree-shaken, so importing it put all of classic zod
 * (~440 KB) into every function. A test holds this copy to Powertools' schema (the same JSON Schema).
 * Like Powertools', it is not strict: unknown envelope fields are dropped, not refused.
 */
export const EventBridgeEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

/** The EventBridge envelope narrowed to each gamekeeper event. */
export const LevelCompletedEvent = z.extend(EventBridgeEnvelope, {
  source: z.literal(Source.GameBackend),
  'detail-type': z.literal(DetailType.LevelCompleted),
  detail: LevelCompletedDetail,
});
export type LevelCompletedEvent = z.infer<typeof LevelCompletedEvent>;

export const GameCompletedEvent = z.extend(EventBridgeEnvelope, {
  source: z.literal(Source.GameBackend),
  'detail-type': z.literal(DetailType.GameCompleted),
  detail: GameCompletedDetail,
});
export type GameCompletedEvent = z.infer<typeof GameCompletedEvent>;

export const LevelReportGeneratedEvent = z.extend(EventBridgeEnvelope, {
  source: z.literal(Source.Report),
  'detail-type': z.literal(DetailType.LevelReportGenerated),
  detail: LevelReportGeneratedDetail,
});
export type LevelReportGeneratedEvent = z.infer<typeof LevelReportGeneratedEvent>;

/** What the housekeeping state machine receives: a level or a game completion. */
export const CompletionEvent = z.discriminatedUnion('detail-type', [LevelCompletedEvent, GameCompletedEvent]);
export type CompletionEvent = z.infer<typeof CompletionEvent>;

export const detailSchemaByType = {
  [DetailType.LevelCompleted]: LevelCompletedDetail,
  [DetailType.GameCompleted]: GameCompletedDetail,
  [DetailType.LevelReportGenerated]: LevelReportGeneratedDetail,
} as const;

export const sourceByType = {
  [DetailType.LevelCompleted]: Source.GameBackend,
  [DetailType.GameCompleted]: Source.GameBackend,
  [DetailType.LevelReportGenerated]: Source.Report,
} as const satisfies Record<DetailType, Source>;

export type DetailByType = {
  [DetailType.LevelCompleted]: LevelCompletedDetail;
  [DetailType.GameCompleted]: GameCompletedDetail;
  [DetailType.LevelReportGenerated]: LevelReportGeneratedDetail;
};

/** Any gamekeeper event: a completion, or the report the report service publishes about one. */
export const GameEvent = z.discriminatedUnion('detail-type', [LevelCompletedEvent, GameCompletedEvent, LevelReportGeneratedEvent]);
export type GameEvent = z.infer<typeof GameEvent>;

/** Parses a completion event as delivered by EventBridge, or throws {@link InvalidGameEvent}. */
export function parseCompletionEvent(input: unknown): CompletionEvent {
  return parseEventOf(CompletionEvent, [DetailType.LevelCompleted, DetailType.GameCompleted], input);
}

/** Parses any gamekeeper event (a completion or a level report) as EventBridge delivers it, or throws {@link InvalidGameEvent}. */
export function parseGameEvent(input: unknown): GameEvent {
  return parseEventOf(GameEvent, [DetailType.LevelCompleted, DetailType.GameCompleted, DetailType.LevelReportGenerated], input);
}

function parseEventOf<T>(schema: z.ZodMiniType<T>, detailTypes: readonly DetailType[], input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidGameEvent([`expected an EventBridge event object, got ${describe(input)}`]);
  }
  const detailType = (input as Record<string, unknown>)['detail-type'];
  if (!detailTypes.includes(detailType as DetailType)) {
    throw new InvalidGameEvent([`detail-type: expected one of ${detailTypes.join(', ')}; got ${describe(detailType)}`]);
  }
  const result = schema.safeParse(input);
  if (!result.success) throw InvalidGameEvent.fromZod(result.error);
  return result.data;
}

/** Parses a bare detail of the given type (what a producer hands over), or throws {@link InvalidGameEvent}. */
export function parseDetail<T extends DetailType>(detailType: T, detail: unknown): DetailByType[T] {
  const schema = detailSchemaByType[detailType] as unknown as z.ZodMiniType<DetailByType[T]> | undefined;
  if (!schema) throw new InvalidGameEvent([`detail-type: unknown detail-type ${describe(detailType)}`]);
  const result = schema.safeParse(detail);
  if (!result.success) throw InvalidGameEvent.fromZod(result.error, ['detail']);
  return result.data;
}

export function isGameCompleted(event: CompletionEvent): event is GameCompletedEvent {
  return event['detail-type'] === DetailType.GameCompleted;
}

export function isLevelReport(event: GameEvent): event is LevelReportGeneratedEvent {
  return event['detail-type'] === DetailType.LevelReportGenerated;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
