import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { COMPLETED_LEVEL_TABLE_ENV, recordLevelCompletion } from './completed-level';

const logger = createLogger('level-store');
const dependencies = {
  client: DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig)),
  tableName: requireEnv(COMPLETED_LEVEL_TABLE_ENV),
};

/** UpdateCompletedLevel: a thin adapter; the work is in recordLevelCompletion. */
export const handler = completionHandler(async (event) => {
  const result = await recordLevelCompletion(event, dependencies);
  logger.info('level completion recorded', { ...result });
  return result;
}, { logger });
