import { getJson } from '../api';
import { formatDuration, formatTime, h, link, replace, statusBadge } from '../dom';
import { coalesced } from '../live';
import { type PageContext, navigate } from '../router';
import type { ExecutionSummary } from '../../api-types';

export type { ExecutionSummary } from '../../api-types';

const PAGE_SIZE = 50;
const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const DETAIL_TYPES = ['', 'GameBackend.LevelCompleted', 'GameBackend.GameCompleted'];

export const executionRoute = (arn: string) => `/execution/${encodeURIComponent(arn)}`;

/** Retained executions, newest first, filtered and paged on the server (10,000 stay quick). */
export async function executionsPage(ctx: PageContext): Promise<void> {
  const p = ctx.params;
  const filter = { status: p.get('status') ?? '', detailType: p.get('detailType') ?? '', player: p.get('player') ?? '', eventId: p.get('eventId') ?? '' };
  const offset = Math.max(0, Number(p.get('offset') ?? 0) || 0);
  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams({ ...filter, offset: String(offset), ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])) });
    for (const [k, v] of [...next]) if (!v || (k === 'offset' && v === '0')) next.delete(k);
    const qs = next.toString();
    navigate(`/executions${qs ? `?${qs}` : ''}`);
  };

  const field = (label: string, control: HTMLElement) => h('label', null, h('span', null, label), control);
  const status = h('select', { name: 'status' }, ...STATUSES.map((s) => h('option', { value: s, ...(s === filter.status ? { selected: true } : {}) }, s || 'any')));
  const detailType = h('select', { name: 'detailType' }, ...DETAIL_TYPES.map((s) => h('option', { value: s, ...(s === filter.detailType ? { selected: true } : {}) }, s || 'any')));
  const player = h('input', { name: 'player', value: filter.player, placeholder: 'playerId', autocomplete: 'off' });
  const eventId = h('input', { name: 'eventId', value: filter.eventId, placeholder: 'eventId', autocomplete: 'off', size: 38 });
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      on: {
        submit: (e: Event) => {
          e.preventDefault();
          go({ status: status.value, detailType: detailType.value, player: player.value.trim(), eventId: eventId.value.trim(), offset: 0 });
        },
      },
    },
    field('Status', status),
    field('Detail-type', detailType),
    field('Player', player),
    field('Event id', eventId),
    h('button', { type: 'submit' }, 'Filter'),
    h('button', { type: 'button', on: { click: () => navigate('/executions') } }, 'Clear'),
  );
  const summary = h('p', { class: 'small muted', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const pager = h('div', { class: 'pager' });
  ctx.root.append(
    h('h1', null, 'Executions'),
    form,
    summary,
    h(
      'table',
      { class: 'grid executions' },
      h('thead', null, h('tr', null, ...['Status', 'Execution', 'Started', 'Duration', 'Detail-type', 'Event id', 'Player'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody,
    ),
    pager,
  );

  const refresh = coalesced(async () => {
    const page = await getJson<{ total: number; executions: ExecutionSummary[] }>('executions', { ...filter, offset, limit: PAGE_SIZE });
    if (!ctx.current()) return;
    const now = Date.now();
    replace(
      tbody,
      ...page.executions.map((e) =>
        h(
          'tr',
          { 'data-execution': e.executionArn, 'data-status': e.status },
          h('td', null, statusBadge(e.status)),
          h('td', { class: 'mono' }, link(executionRoute(e.executionArn), e.name)),
          h('td', null, formatTime(e.startDate)),
          h('td', null, formatDuration((e.stopDate ?? now) - e.startDate)),
          h('td', null, e.detailType ?? ''),
          h('td', { class: 'mono small' }, e.eventId ?? ''),
          h('td', { class: 'mono' }, e.playerId ?? ''),
        ),
      ),
    );
    if (page.executions.length === 0) tbody.append(h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No executions match.')));
    summary.textContent = page.total === 0 ? '' : `${offset + 1}–${offset + page.executions.length} of ${page.total}, newest first`;
    replace(
      pager,
      h('button', { type: 'button', ...(offset === 0 ? { disabled: true } : {}), on: { click: () => go({ offset: Math.max(0, offset - PAGE_SIZE) }) } }, '← Newer'),
      h('button', { type: 'button', ...(offset + PAGE_SIZE >= page.total ? { disabled: true } : {}), on: { click: () => go({ offset: offset + PAGE_SIZE }) } }, 'Older →'),
    );
  });
  ctx.live(refresh);
  refresh();
}
