import {
  type CompletionEvent,
  CURRENT_SCHEMA_VERSION,
  DetailType,
  ErrorName,
  isGameCompleted,
  type LevelReportGeneratedDetail,
  parseDetail,
  type Rating,
} from '@gamekeeper/contracts';
import type { Producer, PublishResult } from '@gamekeeper/producer';
import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for report ids: the same source eventId always yields the same report eventId. */
export const REPORT_ID_NAMESPACE = '6f1d5b0e-2c4a-4f7e-9b3d-8a1c2e4f6a70';

/**
 * Stars decide the rating when the game reports them (the game knows what a good run is); otherwise the
 * pace does. S is earned only with three stars: pace alone cannot tell a perfect run from a fast one.
 */
const RATING_BY_STARS: Record<number, Rating> = { 3: 'S', 2: 'A', 1: 'B', 0: 'C' };
const RATING_BY_PACE: Array<[minPointsPerSecond: number, rating: Rating]> = [
  [200, 'A'],
  [100, 'B'],
  [20, 'C'],
  [0, 'D'],
];

/** Points per second of play, rounded to 2 decimals; 0 for a zero-length run (no division by zero). */
export function paceOf(score: number, durationMs: number): number {
  if (durationMs === 0) return 0;
  return Math.round((score / (durationMs / 1000)) * 100) / 100;
}

export function ratingOf(stars: number | undefined, pointsPerSecond: number): Rating {
  if (stars !== undefined) return RATING_BY_STARS[stars] ?? 'D';
  return RATING_BY_PACE.find(([min]) => pointsPerSecond >= min)?.[1] ?? 'D';
}

/**
 * The report for the last completed level. Deterministic: it depends on the event only, never on the
 * clock, so a replay yields the identical report. Parsed with the contracts before it leaves: a report
 * that broke them would fail the same way every time, hence InvalidGameEvent (not retried).
 */
export function buildReport(event: CompletionEvent): LevelReportGeneratedDetail {
  const { detail } = event;
  const pointsPerSecond = paceOf(detail.score, detail.durationMs);
  return parseDetail(DetailType.LevelReportGenerated, {
    eventId: uuidv5(detail.eventId, REPORT_ID_NAMESPACE),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    sourceEventId: detail.eventId,
    gameCompleted: isGameCompleted(event),
    playerId: detail.playerId,
    gameId: detail.gameId,
    level: detail.level,
    score: detail.score,
    ...(detail.stars !== undefined ? { stars: detail.stars } : {}),
    durationMs: detail.durationMs,
    completedAt: detail.completedAt,
    pointsPerSecond,
    rating: ratingOf(detail.stars, pointsPerSecond),
  });
}

/** Publishing the report failed after the producer's own resends: retryable by the state machine. */
export class ReportPublishFailed extends Error {
  override readonly name = ErrorName.ReportPublishFailed;
  /** What the producer answered for the report, when it answered at all. */
  readonly result: PublishResult | undefined;

  constructor(message: string, result: PublishResult | undefined) {
    super(message, result?.status === 'rejected' ? { cause: result.error } : undefined);
    this.result = result;
  }
}

export interface ReportDependencies {
  producer: Pick<Producer, 'publish'>;
}

/**
 * Builds the report, publishes it as Report.LevelReportGenerated, and returns it. Publishing it again on
 * a retry is fine: the report and its eventId are identical, and consumers dedupe on that eventId.
 */
export async function generateReport(event: CompletionEvent, { producer }: ReportDependencies): Promise<LevelReportGeneratedDetail> {
  const report = buildReport(event);
  const [result] = await producer.publish([{ detailType: DetailType.LevelReportGenerated, detail: report }]);
  if (result?.status !== 'sent') {
    const reason = !result ? 'no result' : result.status === 'rejected' ? result.error.message : `${result.errorCode}: ${result.errorMessage}`;
    throw new ReportPublishFailed(`report ${report.eventId} for event ${report.sourceEventId} was not published: ${reason}`, result);
  }
  return report;
}
