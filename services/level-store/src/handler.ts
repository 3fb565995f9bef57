import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { levelStore } from './completed-level';
import { COMPLETED_LEVEL_TABLE_ENV } from './config';

/** UpdateCompletedLevel: a thin adapter; the work is in levelStore (recordLevelCompletion). */
export const handler = completionHandler(levelStore.connect({ tableName: requireEnv(COMPLETED_LEVEL_TABLE_ENV), clientConfig: awsClientConfig }), {
  logger: createLogger('level-store'),
  logResult: levelStore.recordedMessage,
  // Reused behind an HTTP API route: the request body is the detail (see @gamekeeper/middleware).
  httpApi: { detailType: levelStore.detailType },
});
