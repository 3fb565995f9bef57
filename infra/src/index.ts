export { createGamekeeperApp, STACK_NAME, synthesizeGamekeeperTemplate } from './app';
export { GamekeeperStack } from './gamekeeper-stack';
export type { GamekeeperStackProps } from './gamekeeper-stack';
export { GameFunction, SERVICE_PACKAGE_METADATA } from './game-function';
export { HousekeepingWorkflow, RETRYABLE_ERRORS } from './housekeeping-workflow';
