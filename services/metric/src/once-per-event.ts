import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GameEvent } from '@gamekeeper/contracts';
import type { Context } from 'aws-lambda';

/** Remember an event longer than EventBridge retries it (24 h). */
export const IDEMPOTENCY_WINDOW_SECONDS = 48 * 60 * 60;

/**
 * An EMF log line is not idempotent: CloudWatch Logs extracts the metrics of every line it receives, so a
 * redelivered event would count twice. Powertools idempotency keyed on `detail.eventId` (never the envelope
 * id, which a producer resend changes) runs the work (the emit) once and hands later deliveries the stored result.
 */
export function oncePerEvent<TResult>(
  work: (event: GameEvent, context: Context) => Promise<TResult>,
  { client, tableName }: { client: DynamoDBClient; tableName: string },
) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client as never });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'detail.eventId', expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS });
  return makeIdempotent(work, { persistenceStore, config });
}
