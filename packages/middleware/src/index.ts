export { completionHandler, logResult, parseCompletion } from './completion-handler';
export type { CompletionHandlerOptions, CompletionLogic } from './completion-handler';
export { createLogger } from './logger';
export { requireEnv } from './env';
export { awsClientConfig } from './aws-clients';
