export { COMPLETED_LEVEL_TABLE_ENV, completedLevelTableKey, levelKey, recordLevelCompletion, reduceLevelCompletion } from './completed-level';
export type { CompletedLevel, LevelStoreDependencies, RecordLevelResult } from './completed-level';
