export { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey } from './config';
export { levelKey, levelStore, recordLevelCompletion, reduceLevelCompletion } from './completed-level';
export type { CompletedLevel, LevelStoreDependencies, RecordLevelResult } from './completed-level';
