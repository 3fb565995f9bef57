import { ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { awsClients } from '../clients';
import { UsageError } from '../errors';

/** Lists the tables with their item counts, or prints every item of one table as a JSON line. */
export async function runTables(table: string | undefined, options: { endpoint: string }): Promise<void> {
  const { dynamodb, documents } = awsClients(options.endpoint);
  if (!table) {
    const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
    for (const name of TableNames) console.log(`${name}\t${(await scanAll(documents, name)).length} items`);
    return;
  }
  try {
    for (const item of await scanAll(documents, table)) console.log(itemAsJson(item));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new UsageError(`no table named "${table}" (run "gamekeeper tables" to list them)`);
    throw error;
  }
}

/** One item as a JSON line; binary values (the replay-safe digests) in base64, as the AWS CLI prints them. */
export function itemAsJson(item: Record<string, unknown>): string {
  return JSON.stringify(item, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value));
}

export async function scanAll(documents: ReturnType<typeof awsClients>['documents'], tableName: string) {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documents }, { TableName: tableName })) items.push(...(page.Items ?? []));
  return items;
}
