// The level store's settings the infra needs too, in a module that loads nothing else (no SDK, no
// Powertools, no zod): the stack imports it as `@gamekeeper/level-store/config` without handler code.

/** The env var the infra sets to the CompletedLevel table's name. */
export const COMPLETED_LEVEL_TABLE_ENV = 'COMPLETED_LEVEL_TABLE_NAME';
/** The CompletedLevel table's key: one item per player and level of a game. */
export const completedLevelTableKey = { partitionKey: 'playerId', sortKey: 'levelKey' } as const;
