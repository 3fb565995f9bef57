import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { createDynaliteServer } from '@gamekeeper/local-runtime';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** A real DynamoDB-compatible server (dynalite, in memory) on a random loopback port. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = createDynaliteServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((e?: Error) => (e ? reject(e) : resolve())));
    },
  };
}

export interface TableKey {
  partitionKey: string;
  sortKey?: string;
}

/** Creates an on-demand table with string keys, as the infra defines it. */
export async function createTable(client: DynamoDBClient, tableName: string, key: TableKey): Promise<void> {
  const names = [key.partitionKey, ...(key.sortKey ? [key.sortKey] : [])];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: key.partitionKey, KeyType: 'HASH' },
        ...(key.sortKey ? [{ AttributeName: key.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
    }),
  );
}

/** Every item of a table, sorted by key, for comparing whole tables. */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: DynamoDBDocumentClient.from(client) }, { TableName: tableName })) items.push(...(page.Items ?? []));
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Points the AWS SDK (created at module scope in a handler) at local endpoints, for tests that import handlers. */
export function useLocalAws(endpoint: string, env: Record<string, string> = {}): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  });
}
