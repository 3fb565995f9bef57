import type { CloudWatchClient, MetricDatum, PutMetricDataCommandInput, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type CompletionEvent, isGameCompleted } from '@gamekeeper/contracts';

/**
 * CloudWatch metrics for one completion. Dimensions keep cardinality bounded and never name the player:
 * per game (a handful of games) and, for level metrics, per game and level (levels are bounded by the
 * game's design, at most Limits.maxLevel). The per-game series lets dashboards sum a game without
 * knowing its levels. Timestamps come from the event, so a replay sends identical data.
 */
export function metricDataFor(event: CompletionEvent, { namespace }: { namespace: string }): PutMetricDataCommandInput {
  const { detail } = event;
  const Timestamp = new Date(detail.completedAt);
  const perGame = [{ Name: 'GameId', Value: detail.gameId }];
  const perLevel = [...perGame, { Name: 'Level', Value: String(detail.level) }];
  const datum = (MetricName: string, Value: number, Unit: StandardUnit, Dimensions = perGame): MetricDatum => ({ MetricName, Value, Unit, Dimensions, Timestamp });
  const levelStats = (dims: typeof perGame) => [
    datum('LevelCompleted', 1, 'Count', dims),
    datum('Score', detail.score, 'None', dims),
    datum('DurationMs', detail.durationMs, 'Milliseconds', dims),
    ...(detail.stars !== undefined ? [datum('Stars', detail.stars, 'None', dims)] : []),
  ];
  const MetricData = [...levelStats(perGame), ...levelStats(perLevel)];
  if (isGameCompleted(event)) {
    MetricData.push(
      datum('GameCompleted', 1, 'Count'),
      datum('TotalScore', event.detail.totalScore, 'None'),
      datum('TotalDurationMs', event.detail.totalDurationMs, 'Milliseconds'),
      datum('LevelsCompleted', event.detail.levelsCompleted, 'Count'),
    );
  }
  return { Namespace: namespace, MetricData };
}

export interface MetricDependencies {
  cloudWatch: CloudWatchClient;
  namespace: string;
}

/** Sends the completion's metrics; returns how many data points went out. */
export async function logMetrics(event: CompletionEvent, { cloudWatch, namespace }: MetricDependencies): Promise<{ namespace: string; datapoints: number }> {
  const input = metricDataFor(event, { namespace });
  await cloudWatch.send(new PutMetricDataCommand(input));
  return { namespace, datapoints: input.MetricData?.length ?? 0 };
}
