import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { COMPLETED_GAME_TABLE_ENV, recordGameCompletion } from './completed-game';

const logger = createLogger('game-store');
const dependencies = {
  client: DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig)),
  tableName: requireEnv(COMPLETED_GAME_TABLE_ENV),
};

/** UpdateCompletedGame: a thin adapter; the work is in recordGameCompletion. */
export const handler = completionHandler(async (event) => {
  const result = await recordGameCompletion(event, dependencies);
  logger.info('game completion recorded', { ...result });
  return result;
}, { logger });
