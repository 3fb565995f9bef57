/// <reference path="./dynalite-module.d.ts" />
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** A real DynamoDB-compatible server (dynalite, in memory) on a random loopback port. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
