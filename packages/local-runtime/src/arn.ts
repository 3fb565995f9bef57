/** The account and Region every local resource lives in. */
export interface AccountScope {
  region: string;
  accountId: string;
}

/** ARNs as AWS builds them, in one place. */
export const arn = {
  eventBus: (s: AccountScope, name: string) => `arn:aws:events:${s.region}:${s.accountId}:event-bus/${name}`,
  /** Rules on the default bus have no bus segment; rules on a custom bus do. */
  rule: (s: AccountScope, busName: string, name: string) =>
    `arn:aws:events:${s.region}:${s.accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`,
  archive: (s: AccountScope, name: string) => `arn:aws:events:${s.region}:${s.accountId}:archive/${name}`,
  stateMachine: (s: AccountScope, name: string) => `arn:aws:states:${s.region}:${s.accountId}:stateMachine:${name}`,
  execution: (s: AccountScope, stateMachineName: string, name: string) => `arn:aws:states:${s.region}:${s.accountId}:execution:${stateMachineName}:${name}`,
  lambdaFunction: (s: AccountScope, name: string) => `arn:aws:lambda:${s.region}:${s.accountId}:function:${name}`,
  table: (s: AccountScope, name: string) => `arn:aws:dynamodb:${s.region}:${s.accountId}:table/${name}`,
  queue: (s: AccountScope, name: string) => `arn:aws:sqs:${s.region}:${s.accountId}:${name}`,
  topic: (s: AccountScope, name: string) => `arn:aws:sns:${s.region}:${s.accountId}:${name}`,
  logGroup: (s: AccountScope, name: string) => `arn:aws:logs:${s.region}:${s.accountId}:log-group:${name}`,
  role: (s: AccountScope, name: string) => `arn:aws:iam::${s.accountId}:role/${name}`,
  kmsKey: (s: AccountScope, id: string) => `arn:aws:kms:${s.region}:${s.accountId}:key/${id}`,
};

/** A function's name from its name, ARN or qualified ARN (`...:function:name[:alias]`). */
export function functionNameFromArn(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? nameOrArn) : nameOrArn;
}

/** A bus's name from its name or ARN; absent or empty means the default bus. */
export function busNameFromArn(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'default';
  const text = String(value);
  return text.startsWith('arn:') ? text.slice(text.lastIndexOf('/') + 1) : text;
}
