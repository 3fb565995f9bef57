import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { gameStore } from './completed-game';
import { COMPLETED_GAME_TABLE_ENV } from './config';

/** UpdateCompletedGame: a thin adapter; the work is in gameStore (recordGameCompletion). */
export const handler = completionHandler(gameStore.connect({ tableName: requireEnv(COMPLETED_GAME_TABLE_ENV), clientConfig: awsClientConfig }), {
  logger: createLogger('game-store'),
  logResult: gameStore.recordedMessage,
  // Reused behind an HTTP API route: the request body is the detail (see @gamekeeper/middleware).
  httpApi: { detailType: gameStore.detailType },
});
