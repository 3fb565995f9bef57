export { createGamekeeperApp, STACK_NAME, synthesizeGamekeeperTemplate } from './app';
export { DEFAULT_ARCHIVE_RETENTION, DEFAULT_REBUILD_MAX_CONCURRENCY, GamekeeperStack } from './gamekeeper-stack';
export type { GamekeeperStackProps, StateMachineLogLevel } from './gamekeeper-stack';
export { GameFunction, SERVICE_PACKAGE_METADATA } from './game-function';
export type { GameFunctionProps, TableAccess } from './game-function';
// Reuse: one construct per function (settings, table binding, grants) ...
export { GameStoreFunction, LevelStoreFunction, MetricFunction, ReportFunction, gameTable } from './functions';
export type { GameFunctionOptions, KeySchema } from './functions';
// ... one builder per task (the Retry policy and error names), and the Choice both workflows share ...
export {
  generateReportTask,
  isGameCompletedChoice,
  logMetricTask,
  updateCompletedGameTask,
  updateCompletedLevelTask,
  NON_RETRYABLE_ERRORS,
  RETRYABLE_ERRORS,
  TASK_RETRY,
} from './tasks';
export type { GameTaskOptions, TaskFunction } from './tasks';
// ... and the flows built from them.
export { DEAD_LETTER_ATTRIBUTES, HousekeepingWorkflow } from './housekeeping-workflow';
export type { HousekeepingFunctions, HousekeepingWorkflowProps } from './housekeeping-workflow';
export { MAX_REBUILD_CONCURRENCY, RebuildOutcome, RebuildWorkflow } from './rebuild-workflow';
export type { RebuildWorkflowProps } from './rebuild-workflow';
export { COMPLETION_ROUTES, CompletionsApi, DEFAULT_API_THROTTLE } from './completions-api';
export type { CompletionsApiAuthorization, CompletionsApiProps, CompletionsApiThrottle } from './completions-api';
