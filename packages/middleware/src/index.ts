export { completionHandler, gameEventHandler, logResult, parseCompletion } from './completion-handler';
export type { CompletionHandlerOptions, CompletionLogic, GameEventLogic } from './completion-handler';
export { createLogger } from './logger';
export { requireEnv } from './env';
export { awsClientConfig } from './aws-clients';
export { httpApiAdapter, isHttpApiRequest } from './http-api';
