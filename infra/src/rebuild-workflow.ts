import { ErrorName } from '@gamekeeper/contracts';
import { Choice, Condition, JsonPath, Map as MapState, Pass, Result } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { isGameCompletedChoice, type TaskFunction, updateCompletedGameTask, updateCompletedLevelTask } from './tasks';

/** What each Map iteration reports; the final summary counts the first and lists the second. */
export const RebuildOutcome = { Written: 'written', Failed: 'failed' } as const;

/** The largest Map concurrency the stack accepts (Step Functions' inline Map runs at most 40 at once). */
export const MAX_REBUILD_CONCURRENCY = 40;

export interface RebuildWorkflowProps {
  levelStore: TaskFunction;
  gameStore: TaskFunction;
  /** How many events are written at once (the Map's MaxConcurrency), 1 to 40. */
  maxConcurrency: number;
}

/**
 * The Rebuild definition: the tables are folds of the completion events, so after a restore or a reducer
 * fix they are rebuilt by sending the events through the same writers again (replay-safe on `eventId`, so
 * a rebuild can run twice), without publishing reports or counting metrics.
 *
 * Input `{ "events": [<EventBridge completion event>, ...] }`. A Map (bounded concurrency) takes each event
 * through the same `IsGameCompleted` Choice to the same UpdateCompletedGame / UpdateCompletedLevel tasks
 * (same functions, same Retry). A failure of one event (after its retries) is caught inside its iteration
 * and reported, never fatal to the batch. Output:
 * `{ "written": <n>, "failed": [{ "outcome": "failed", "index": <i>, "eventId": "...", "error": "...", "cause": "..." }] }`
 * (`eventId` is absent when the event has none; `index` is the event's position in `events`).
 */
export class RebuildWorkflow extends Construct {
  readonly definition: MapState;

  constructor(scope: Construct, id: string, props: RebuildWorkflowProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxConcurrency) || props.maxConcurrency < 1 || props.maxConcurrency > MAX_REBUILD_CONCURRENCY) {
      throw new Error(`rebuildMaxConcurrency must be an integer from 1 to ${MAX_REBUILD_CONCURRENCY}, got ${props.maxConcurrency}`);
    }
    // Each iteration sees `{ index, event }`: the wrapper is always an object, so a Catch can add the failure
    // to it and the failure record can name the event even when the event itself is malformed.
    const eventPath = '$.event';

    const hasEventId = new Choice(this, 'HasEventId', { stateName: 'HasEventId' })
      .when(
        Condition.isPresent(`${eventPath}.detail.eventId`),
        new Pass(this, 'RecordFailure', { stateName: 'RecordFailure', parameters: failureRecord({ 'eventId.$': `${eventPath}.detail.eventId` }) }),
      )
      .otherwise(new Pass(this, 'RecordFailureWithoutEventId', { stateName: 'RecordFailureWithoutEventId', parameters: failureRecord({}) }));
    const written = new Pass(this, 'Written', { stateName: 'Written', parameters: { outcome: RebuildOutcome.Written, 'index.$': '$.index' } });

    // The writers' result is not needed (the wrapper passes through); failures go to the record.
    const write = (task: typeof updateCompletedGameTask, fn: TaskFunction) =>
      task(this, fn, { eventPath, resultPath: JsonPath.DISCARD }).addCatch(hasEventId, { errors: ['States.ALL'], resultPath: '$.failure' }).next(written);

    // A Choice on a missing variable is a runtime error that fails the whole execution: check first.
    const notACompletion = new Pass(this, 'NotACompletion', {
      stateName: 'NotACompletion',
      result: Result.fromObject({ Error: ErrorName.InvalidGameEvent, Cause: 'Not an EventBridge completion event: it has no detail-type' }),
      resultPath: '$.failure',
    }).next(hasEventId);
    const route = new Choice(this, 'HasDetailType', { stateName: 'HasDetailType' })
      .when(
        Condition.isPresent(`${eventPath}['detail-type']`),
        isGameCompletedChoice(this, { eventPath, game: write(updateCompletedGameTask, props.gameStore), level: write(updateCompletedLevelTask, props.levelStore) }),
      )
      .otherwise(notACompletion);

    const summary = new Pass(this, 'Summary', {
      stateName: 'Summary',
      parameters: { 'written.$': 'States.ArrayLength($.written)', 'failed.$': '$.failed' },
    });
    this.definition = new MapState(this, 'RebuildEvents', {
      stateName: 'RebuildEvents',
      itemsPath: '$.events',
      itemSelector: { 'index.$': '$$.Map.Item.Index', 'event.$': '$$.Map.Item.Value' },
      maxConcurrency: props.maxConcurrency,
      // Filters always give an array on AWS (empty when nothing matches).
      resultSelector: {
        'written.$': `$[?(@.outcome == '${RebuildOutcome.Written}')]`,
        'failed.$': `$[?(@.outcome == '${RebuildOutcome.Failed}')]`,
      },
    });
    this.definition.itemProcessor(route);
    this.definition.next(summary);
  }
}

function failureRecord(extra: Record<string, string>) {
  return { outcome: RebuildOutcome.Failed, 'index.$': '$.index', ...extra, 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' };
}
