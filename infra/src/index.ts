export { createGamekeeperApp, STACK_NAME, synthesizeGamekeeperTemplate } from './app';
export { GamekeeperStack } from './gamekeeper-stack';
export type { GamekeeperStackProps } from './gamekeeper-stack';
export { GameFunction, SERVICE_PACKAGE_METADATA } from './game-function';
export { DEAD_LETTER_ATTRIBUTES, HousekeepingWorkflow, RETRYABLE_ERRORS } from './housekeeping-workflow';
