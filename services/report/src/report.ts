import {
  type CompletionEvent,
  CURRENT_SCHEMA_VERSION,
  DetailType,
  isGameCompleted,
  LevelReportGeneratedDetail,
  type Rating,
} from '@gamekeeper/contracts';
import type { Producer } from '@gamekeeper/producer';
import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for report ids: the same source eventId always yields the same report eventId. */
export const REPORT_ID_NAMESPACE = '6f1d5b0e-2c4a-4f7e-9b3d-8a1c2e4f6a70';
/** The env var the infra sets to the bus the report is published on. */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

/** Stars decide the rating when the game reports them; otherwise the pace does (points per second). */
const RATING_BY_STARS: Record<number, Rating> = { 3: 'S', 2: 'A', 1: 'B', 0: 'C' };
const RATING_BY_PACE: Array<[minPointsPerSecond: number, rating: Rating]> = [
  [200, 'A'],
  [100, 'B'],
  [20, 'C'],
  [0, 'D'],
];

export function paceOf(score: number, durationMs: number): number {
  if (durationMs === 0) return 0;
  return Math.round((score / (durationMs / 1000)) * 100) / 100;
}

export function ratingOf(stars: number | undefined, pointsPerSecond: number): Rating {
  if (stars !== undefined) return RATING_BY_STARS[stars] ?? 'D';
  return RATING_BY_PACE.find(([min]) => pointsPerSecond >= min)?.[1] ?? 'D';
}

/** The report for the last completed level. Deterministic: it depends on the event only, never on the clock. */
export function buildReport(event: CompletionEvent): LevelReportGeneratedDetail {
  const { detail } = event;
  const pointsPerSecond = paceOf(detail.score, detail.durationMs);
  return LevelReportGeneratedDetail.parse({
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
  override readonly name = 'ReportPublishFailed';
}

/** Builds the report, publishes it as Report.LevelReportGenerated, and returns it. */
export async function generateReport(event: CompletionEvent, { producer }: { producer: Pick<Producer, 'publish'> }): Promise<LevelReportGeneratedDetail> {
  const report = buildReport(event);
  const [result] = await producer.publish([{ detailType: DetailType.LevelReportGenerated, detail: report }]);
  if (result?.status !== 'sent') {
    const reason = !result ? 'no result' : result.status === 'rejected' ? result.error.message : `${result.errorCode}: ${result.errorMessage}`;
    throw new ReportPublishFailed(`report ${report.eventId} for event ${report.sourceEventId} was not published: ${reason}`);
  }
  return report;
}
