import { getJson } from '../api';
import { formatTime, h, link, prettyJson, replace } from '../dom';
import { coalesced } from '../live';
import type { PageContext } from '../router';
import { executionRoute } from './executions';

interface DeadLetter {
  messageId: string;
  sentAt: number;
  receiveCount: number;
  errorCode?: string;
  errorMessage?: string;
  executionArn?: string;
  body: string;
}

/** What the dead-letter queues hold (read in place: nothing received or hidden), with the failed execution. */
export async function deadLettersPage(ctx: PageContext): Promise<void> {
  const body = h('div');
  ctx.root.append(h('h1', null, 'Dead letters'), h('p', { class: 'small muted' }, 'Redrive with `gamekeeper redrive` for now: the page cannot redrive yet.'), body);
  const refresh = coalesced(async () => {
    const { queues } = await getJson<{ queues: { queue: string; messages: DeadLetter[] }[] }>('dead-letters');
    if (!ctx.current()) return;
    replace(
      body,
      ...queues.map((q) =>
        h(
          'section',
          { 'aria-labelledby': `q-${q.queue}` },
          h('h2', { id: `q-${q.queue}` }, q.queue, ' ', h('span', { class: 'small muted' }, `${q.messages.length} message${q.messages.length === 1 ? '' : 's'}`)),
          q.messages.length === 0
            ? h('p', { class: 'muted' }, 'Empty.')
            : h(
                'table',
                { class: 'grid dead-letters' },
                h('thead', null, h('tr', null, ...['Sent', 'Error', 'Message', 'Event', 'Execution', 'Body'].map((c) => h('th', { scope: 'col' }, c)))),
                h(
                  'tbody',
                  null,
                  ...q.messages.map((m) => {
                    const event = parse(m.body);
                    return h(
                      'tr',
                      { 'data-message': m.messageId },
                      h('td', null, formatTime(m.sentAt)),
                      h('td', { class: 'error-text' }, m.errorCode ?? ''),
                      h('td', null, h('code', { class: 'small' }, truncate(m.errorMessage ?? '', 300))),
                      h('td', { class: 'small' }, String(event?.['detail-type'] ?? ''), h('br'), h('span', { class: 'mono' }, String(event?.detail?.eventId ?? '')), h('br'), h('span', { class: 'mono' }, String(event?.detail?.playerId ?? ''))),
                      h('td', null, m.executionArn ? link(executionRoute(m.executionArn), m.executionArn.split(':').pop() ?? m.executionArn) : ''),
                      h('td', null, h('details', null, h('summary', null, 'event'), h('pre', { class: 'json' }, prettyJson(m.body)))),
                    );
                  }),
                ),
              ),
        ),
      ),
    );
  });
  let seen = '';
  ctx.live((snapshot) => {
    const depths = JSON.stringify(snapshot.deadLetters);
    if (depths === seen) return;
    seen = depths;
    refresh();
  });
  refresh();
}

function parse(text: string): Record<string, any> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
