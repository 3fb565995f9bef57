import type { StackModel } from '../template/model';
import type { LogGroupDefinition } from './store';

export { compileFilterPattern } from './filter-pattern';
export type { LogMatcher } from './filter-pattern';
export { createLogsService, groupNameFromIdentifier } from './service';
export type { LogsService } from './service';
export { LogStore, MAX_EVENT_BYTES } from './store';
export type { LogGroupDefinition, LogStoreOptions, StoredLogEvent, StoredLogGroup, StoredLogStream } from './store';

/**
 * The log groups a stack has on AWS: the template's `AWS::Logs::LogGroup` resources (with their
 * retention), each function's group (`/aws/lambda/<name>` unless its LoggingConfig names one) and the
 * state machines' groups.
 */
export function logGroupsOf(model: Pick<StackModel, 'logGroups' | 'functions' | 'stateMachines'>): LogGroupDefinition[] {
  const groups = new Map<string, LogGroupDefinition>();
  for (const group of model.logGroups) groups.set(group.name, { name: group.name, ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}) });
  for (const fn of model.functions) if (!groups.has(fn.logGroupName)) groups.set(fn.logGroupName, { name: fn.logGroupName });
  for (const machine of model.stateMachines) if (machine.logGroupName && !groups.has(machine.logGroupName)) groups.set(machine.logGroupName, { name: machine.logGroupName });
  return [...groups.values()];
}
