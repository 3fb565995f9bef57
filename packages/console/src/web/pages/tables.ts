import { AwsError, aws, getJson, unmarshallItem } from '../api';
import { h, link, prettyJson, replace } from '../dom';
import { coalesced } from '../live';
import type { PageContext } from '../router';

interface TableInfo {
  name: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
}

const PAGE_SIZE = 25;

/** A table's items through DynamoDB Scan (paged), and a lookup by key through GetItem. */
export async function tablesPage(ctx: PageContext): Promise<void> {
  const tables = await getJson<TableInfo[]>('tables');
  if (!ctx.current()) return;
  const table = tables.find((t) => t.name === (ctx.path[0] ?? tables[0]?.name));
  ctx.root.append(
    h('h1', null, 'Tables'),
    h('nav', { class: 'tabs', 'aria-label': 'Tables' }, ...tables.map((t) => link(`/tables/${encodeURIComponent(t.name)}`, t.name))),
  );
  for (const a of ctx.root.querySelectorAll<HTMLAnchorElement>('.tabs a')) if (a.textContent === table?.name) a.setAttribute('aria-current', 'page');
  if (!table) {
    ctx.root.append(h('p', null, 'No such table.'));
    return;
  }
  const types = new Map(table.attributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  const keyInputs = table.keySchema.map((k) => ({ name: k.AttributeName, input: h('input', { name: k.AttributeName, autocomplete: 'off', required: true, 'aria-label': k.AttributeName }) }));
  const lookupResult = h('div', { 'aria-live': 'polite' });
  const lookup = h(
    'form',
    {
      class: 'filters',
      on: {
        submit: async (e: Event) => {
          e.preventDefault();
          const Key = Object.fromEntries(keyInputs.map(({ name, input }) => [name, { [types.get(name) ?? 'S']: input.value }]));
          try {
            const { Item } = await aws<{ Item?: Record<string, any> }>('DynamoDB_20120810.GetItem', '1.0', { TableName: table.name, Key });
            replace(lookupResult, Item ? h('pre', { class: 'json', 'data-field': 'lookup-item' }, prettyJson(unmarshallItem(Item))) : h('p', { class: 'muted' }, 'No item with that key.'));
          } catch (error) {
            replace(lookupResult, h('p', { class: 'error', role: 'alert' }, error instanceof AwsError ? `${error.code}: ${error.message}` : String(error)));
          }
        },
      },
    },
    ...keyInputs.map(({ name, input }) => h('label', null, h('span', null, `${name} (${table.keySchema.find((k) => k.AttributeName === name)?.KeyType === 'HASH' ? 'partition' : 'sort'} key)`), input)),
    h('button', { type: 'submit' }, 'Look up'),
  );
  const summary = h('p', { class: 'small muted', 'aria-live': 'polite' });
  const grid = h('div', { class: 'table-scroll' });
  const pager = h('div', { class: 'pager' });
  ctx.root.append(h('h2', null, 'Look up by key'), lookup, lookupResult, h('h2', null, 'Items'), summary, grid, pager);

  // Scan pages: the start key of each page seen so far, so Back works.
  const starts: (Record<string, unknown> | undefined)[] = [undefined];
  let pageIndex = 0;
  const load = coalesced(async () => {
    const ExclusiveStartKey = starts[pageIndex];
    const page = await aws<{ Items?: Record<string, any>[]; LastEvaluatedKey?: Record<string, unknown>; Count?: number }>('DynamoDB_20120810.Scan', '1.0', {
      TableName: table.name,
      Limit: PAGE_SIZE,
      ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
    });
    if (!ctx.current()) return;
    const items = (page.Items ?? []).map(unmarshallItem);
    starts[pageIndex + 1] = page.LastEvaluatedKey;
    const keys = table.keySchema.map((k) => k.AttributeName);
    const columns = [...keys, ...new Set(items.flatMap((i) => Object.keys(i)).filter((k) => !keys.includes(k)))];
    summary.textContent = `Page ${pageIndex + 1}: ${items.length} item${items.length === 1 ? '' : 's'}${page.LastEvaluatedKey ? ', more after' : ''}`;
    replace(
      grid,
      h(
        'table',
        { class: 'grid items', 'data-table': table.name },
        h('thead', null, h('tr', null, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...items.map((item) => h('tr', null, ...columns.map((c) => h('td', { class: 'mono small' }, cell(item[c])))))),
      ),
    );
    replace(
      pager,
      h('button', { type: 'button', ...(pageIndex === 0 ? { disabled: true } : {}), on: { click: () => ((pageIndex -= 1), load()) } }, '← Previous'),
      h('button', { type: 'button', ...(page.LastEvaluatedKey ? {} : { disabled: true }), on: { click: () => ((pageIndex += 1), load()) } }, 'Next →'),
    );
  });
  ctx.live(load);
  load();
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
