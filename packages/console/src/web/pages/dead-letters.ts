import { getJson, postJson } from '../api';
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
  /** A function's failed asynchronous invocation (Lambda's invocation record): the function and the event it carries. */
  functionArn?: string;
  event?: string;
  body: string;
}

/** What the dead-letter queues hold (read in place: nothing received or hidden), with the failed execution. */
interface RedriveSummary {
  received?: number;
  redriven: number;
  kept?: Record<string, number>;
  failed?: number;
  problems?: string[];
}

export async function deadLettersPage(ctx: PageContext): Promise<void> {
  const body = h('div');
  const result = h('p', { class: 'redrive-result small', role: 'status', 'aria-live': 'polite', 'data-field': 'redrive-result' });
  const includeInvalid = h('input', { type: 'checkbox', id: 'redrive-invalid' });
  let busy = false;
  const redrive = async (request: { messageId?: string; all?: boolean }, button: HTMLButtonElement) => {
    if (busy) return;
    busy = true;
    button.disabled = true;
    result.className = 'redrive-result small';
    result.textContent = 'redriving…';
    try {
      const summary = await postJson<RedriveSummary>('redrive', request);
      result.textContent = describeRedrive(summary);
      result.dataset.redriven = String(summary.redriven);
      refresh();
    } catch (error) {
      result.className = 'redrive-result small error-text';
      result.textContent = `Redrive failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      busy = false;
      button.disabled = false;
    }
  };
  const redriveAll: HTMLButtonElement = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'redrive-all', on: { click: () => void redrive(includeInvalid.checked ? { all: true } : {}, redriveAll) } },
    'Redrive all',
  );
  const bar = h(
    'div',
    { class: 'redrive-bar' },
    redriveAll,
    h('label', { for: 'redrive-invalid', class: 'small' }, includeInvalid, ' also events that failed validation (InvalidGameEvent): they fail again until the code accepts them'),
  );
  const note = h('p', { class: 'small muted' }, 'Redrive re-sends each dead letter’s event to its bus and deletes it once EventBridge accepted it, as `gamekeeper redrive` does.');
  ctx.root.append(h('h1', null, 'Dead letters'), note, bar, result, body);
  const refresh = coalesced(async () => {
    const { queues, redrive: canRedrive } = await getJson<{ queues: { queue: string; messages: DeadLetter[] }[]; redrive?: boolean }>('dead-letters');
    if (!ctx.current()) return;
    bar.hidden = !canRedrive;
    if (!canRedrive) note.textContent = 'This runtime was started without redrive from the page: use `gamekeeper redrive`.';
    const one = (m: DeadLetter) => {
      const button: HTMLButtonElement = h(
        'button',
        { type: 'button', 'data-action': 'redrive', 'aria-label': `Redrive message ${m.messageId}`, on: { click: () => void redrive({ messageId: m.messageId, ...(includeInvalid.checked ? { all: true } : {}) }, button) } },
        'Redrive',
      );
      return canRedrive ? h('td', null, button) : null;
    };
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
                h('thead', null, h('tr', null, ...['Sent', 'Error', 'Message', 'Event', 'Execution', 'Body', ...(canRedrive ? [''] : [])].map((c) => h('th', { scope: 'col' }, c)))),
                h(
                  'tbody',
                  null,
                  ...q.messages.map((m) => {
                    const event = parse(m.event ?? m.body);
                    return h(
                      'tr',
                      { 'data-message': m.messageId },
                      h('td', null, formatTime(m.sentAt)),
                      h('td', { class: 'error-text' }, m.errorCode ?? ''),
                      h('td', null, h('code', { class: 'small' }, truncate(m.errorMessage ?? '', 300))),
                      h('td', { class: 'small' }, String(event?.['detail-type'] ?? ''), h('br'), h('span', { class: 'mono' }, String(event?.detail?.eventId ?? '')), h('br'), h('span', { class: 'mono' }, String(event?.detail?.playerId ?? ''))),
                      h(
                        'td',
                        null,
                        m.executionArn
                          ? link(executionRoute(m.executionArn), m.executionArn.split(':').pop() ?? m.executionArn)
                          : m.functionArn
                            ? h('span', { class: 'small' }, 'function ', h('span', { class: 'mono' }, m.functionArn.split(':')[6] ?? m.functionArn))
                            : '',
                      ),
                      h('td', null, h('details', null, h('summary', null, m.functionArn ? 'invocation record' : 'event'), h('pre', { class: 'json' }, prettyJson(m.body)))),
                      one(m),
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

function describeRedrive(s: RedriveSummary): string {
  const kept = Object.entries(s.kept ?? {}).map(([reason, n]) => `${n} ${reason}`);
  const parts = [`${s.redriven} redriven`];
  if (kept.length > 0) parts.push(`kept: ${kept.join(', ')}`);
  if (s.failed) parts.push(`${s.failed} could not be re-sent`);
  if (s.redriven === 0 && (s.received ?? 0) === 0) parts.push('nothing to redrive (no visible dead letter matched)');
  return `${parts.join('; ')}.${s.problems && s.problems.length > 0 ? ` ${s.problems.join('; ')}` : ''}`;
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
