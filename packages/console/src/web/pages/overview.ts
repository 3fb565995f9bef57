import { getJson } from '../api';
import { type Child, h, link, prettyJson, replace } from '../dom';
import { coalesced } from '../live';
import type { PageContext } from '../router';

interface Overview {
  region: string;
  buses: { name: string; rules: string[] }[];
  rules: { name: string; busName: string; enabled: boolean; pattern: unknown; targets: { name?: string; deadLetter?: string; retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number } }[] }[];
  stateMachines: { name: string; type: string; functions: string[] }[];
  functions: { name: string; servicePackage?: string; tables: string[] }[];
  tables: { name: string; items: number | null }[];
  queues: { name: string; depth: number; deadLetter: boolean }[];
  counts: {
    events: Record<string, number>;
    executions: { succeeded: number; failed: number; retries: number; retained: number; byStatus: Record<string, number> };
    metrics: number;
  };
  reloads: { at: number; text: string; ok: boolean }[];
}

const stat = (label: string, value: Child, testId?: string) => h('div', { class: 'stat', 'data-stat': testId }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));

/** The system as deployed, drawn from the template, with live counts. */
export async function overviewPage(ctx: PageContext): Promise<void> {
  ctx.root.append(h('h1', null, 'Overview'));
  const body = h('div', { class: 'flow' });
  ctx.root.append(body);
  const refresh = coalesced(async () => {
    const o = await getJson<Overview>('overview');
    if (!ctx.current()) return;
    const ev = o.counts.events;
    const ex = o.counts.executions;
    replace(
      body,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-bus' },
        h('h2', { id: 'ov-bus' }, 'Event bus'),
        ...o.buses.map((b) => h('p', { class: 'mono' }, b.name)),
        h('div', { class: 'stats' }, stat('events put', ev.putEntries ?? 0, 'put'), stat('matched', ev.matched ?? 0, 'matched'), stat('unmatched', ev.unmatched ?? 0), stat('refused', ev.failedEntries ?? 0)),
      ),
      h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-rules' },
        h('h2', { id: 'ov-rules' }, 'Rules'),
        ...o.rules.map((r) =>
          h(
            'div',
            null,
            h('p', { class: 'mono' }, r.name, r.enabled ? '' : ' (disabled)'),
            h('pre', { class: 'small' }, prettyJson(r.pattern)),
            ...r.targets.map((t) => h('p', { class: 'small' }, `→ ${t.name ?? ''}; retry ${t.retryPolicy.maximumRetryAttempts}×, up to ${t.retryPolicy.maximumEventAgeInSeconds} s`, t.deadLetter ? `; dead letters → ${t.deadLetter}` : '')),
          ),
        ),
        h('div', { class: 'stats' }, stat('delivered', ev.delivered ?? 0), stat('delivery retries', ev.deliveryRetries ?? 0), stat('dead-lettered', ev.deadLettered ?? 0)),
      ),
      h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-sm' },
        h('h2', { id: 'ov-sm' }, 'State machine'),
        ...o.stateMachines.map((m) => h('p', { class: 'mono' }, link(`/state-machines/${encodeURIComponent(m.name)}`, m.name), ` (${m.type})`)),
        h(
          'div',
          { class: 'stats' },
          stat('running', link('/executions?status=RUNNING', String(ex.byStatus.RUNNING ?? 0)), 'running'),
          stat('succeeded', link('/executions?status=SUCCEEDED', String(ex.succeeded)), 'succeeded'),
          stat('failed', link('/executions?status=FAILED', String(ex.failed)), 'failed'),
          stat('task retries', ex.retries),
        ),
        h('p', { class: 'small muted' }, `${ex.retained} executions retained for reading`),
      ),
      h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-fn' },
        h('h2', { id: 'ov-fn' }, 'Functions'),
        h('ul', { class: 'plain' }, ...o.functions.map((f) => h('li', null, h('span', { class: 'mono' }, f.name), f.servicePackage ? h('span', { class: 'small muted' }, ` ${f.servicePackage}`) : null, f.tables.length ? h('span', { class: 'small' }, ` → ${f.tables.join(', ')}`) : null))),
      ),
      h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-data' },
        h('h2', { id: 'ov-data' }, 'Tables, queue, metrics'),
        h('ul', { class: 'plain' }, ...o.tables.map((t) => h('li', null, link(`/tables/${encodeURIComponent(t.name)}`, t.name), `: ${t.items ?? '?'} items`))),
        h('ul', { class: 'plain' }, ...o.queues.map((q) => h('li', null, link('/dead-letters', q.name), `: ${q.depth} message${q.depth === 1 ? '' : 's'}`, q.deadLetter ? ' (dead letters)' : ''))),
        h('p', null, link('/metrics', `${o.counts.metrics} metric datapoints`)),
      ),
      // What `gamekeeper start` reloaded since it started (a saved handler, an infra change), newest first.
      o.reloads.length > 0
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'ov-reloads' },
            h('h2', { id: 'ov-reloads' }, 'Recent reloads'),
            h('ul', { class: 'plain' }, ...o.reloads.map((r) => h('li', { class: r.ok ? undefined : 'error-text' }, h('span', { class: 'small muted' }, `${new Date(r.at).toLocaleTimeString()} `), h('pre', { class: 'small' }, r.text)))),
          )
        : null,
    );
  });
  ctx.live(refresh);
  refresh();
}
