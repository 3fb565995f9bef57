import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsClientConfig, completionHandler, createLogger, requireEnv } from '@gamekeeper/middleware';
import { createProducer } from '@gamekeeper/producer';
import { EVENT_BUS_ENV } from './config';
import { generateReport } from './report';

const logger = createLogger('report');
const producer = createProducer({ client: new EventBridgeClient(awsClientConfig), busName: requireEnv(EVENT_BUS_ENV) });

/** GenerateReport: a thin adapter; the work is in generateReport. */
export const handler = completionHandler(async (event) => {
  const report = await generateReport(event, { producer });
  logger.info('level report published', { reportId: report.eventId, rating: report.rating });
  return report;
}, { logger });
