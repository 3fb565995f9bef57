// The game store's settings the infra needs too, in a module that loads nothing else (no SDK, no
// Powertools, no zod): the stack imports it as `@gamekeeper/game-store/config` without handler code.

/** The env var the infra sets to the CompletedGame table's name. */
export const COMPLETED_GAME_TABLE_ENV = 'COMPLETED_GAME_TABLE_NAME';
/** The CompletedGame table's key: one item per player and game. */
export const completedGameTableKey = { partitionKey: 'playerId', sortKey: 'gameId' } as const;
