import { CreateTableCommand, type DynamoDBClient, ListTablesCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '../template/model';

/** Creates the template's tables that do not exist yet (on disk, an earlier run's tables keep their data). */
export async function createTables(client: DynamoDBClient, tables: TableModel[]): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of tables) {
    if (existing.has(table.name)) continue;
    await client.send(
      new CreateTableCommand({ TableName: table.name, KeySchema: table.keySchema, AttributeDefinitions: table.attributeDefinitions, BillingMode: 'PAY_PER_REQUEST' }),
    );
  }
}

export async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: tableName, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
