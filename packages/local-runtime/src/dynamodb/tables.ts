import { CreateTableCommand, type DynamoDBClient, paginateListTables, paginateScan } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '../template/model';

/**
 * Creates the template's tables that do not exist yet (on disk, an earlier run's tables keep their data;
 * a template update's existing tables keep theirs); answers the names of those it created.
 */
export async function createTables(client: DynamoDBClient, tables: readonly TableModel[]): Promise<string[]> {
  const existing = new Set<string>();
  for await (const page of paginateListTables({ client }, {})) for (const name of page.TableNames ?? []) existing.add(name);
  const created: string[] = [];
  for (const table of tables) {
    if (existing.has(table.name)) continue;
    await client.send(
      new CreateTableCommand({ TableName: table.name, KeySchema: table.keySchema, AttributeDefinitions: table.attributeDefinitions, BillingMode: 'PAY_PER_REQUEST' }),
    );
    created.push(table.name);
  }
  return created;
}

export async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: tableName, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
