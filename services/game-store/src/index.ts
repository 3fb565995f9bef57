export { COMPLETED_GAME_TABLE_ENV, completedGameTableKey } from './config';
export { gameStore, recordGameCompletion, reduceGameCompletion } from './completed-game';
export type { CompletedGame, GameStoreDependencies, RecordGameResult } from './completed-game';
