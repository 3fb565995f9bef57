import { AwsError, aws, getJson } from '../api';
import { formatTime, h, link, prettyJson, replace, statusBadge } from '../dom';
import { coalesced } from '../live';
import type { PageContext } from '../router';
import { executionRoute } from './executions';
import type { RecentEventView } from '../../api-types';


interface Rule {
  name: string;
  busName: string;
  pattern: unknown;
}

const SHOWN = 100;

/** Recent events on the bus: the rule each matched, the execution it started; and a pattern tester (TestEventPattern). */
export async function eventsPage(ctx: PageContext): Promise<void> {
  const { rules } = await getJson<{ rules: Rule[] }>('overview');
  if (!ctx.current()) return;

  const summary = h('p', { class: 'small muted', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const tester = patternTester(rules);
  ctx.root.append(
    h('h1', null, 'Events'),
    tester.element,
    h('h2', null, 'Recent events'),
    summary,
    h(
      'table',
      { class: 'grid events' },
      h('thead', null, h('tr', null, ...['Received', 'Detail-type', 'Event id', 'Player', 'Rule', 'Delivery', 'Execution', ''].map((c) => h('th', { scope: 'col' }, c)))),
      tbody,
    ),
  );

  const refresh = coalesced(async () => {
    const { available, events } = await getJson<{ available: boolean; events: RecentEventView[] }>('events', { limit: SHOWN });
    if (!ctx.current()) return;
    summary.textContent = !available
      ? 'This runtime keeps no record of recent events.'
      : events.length === 0
        ? 'No events yet.'
        : `The newest ${events.length} event${events.length === 1 ? '' : 's'} (the runtime keeps the newest 500), newest first.`;
    replace(
      tbody,
      ...events.map((e) =>
        h(
          'tr',
          { 'data-event': e.id, 'data-event-id': e.eventId ?? '' },
          h('td', null, formatTime(e.receivedAt), e.resumed ? h('span', { class: 'small muted' }, ' (resumed)') : null),
          h('td', null, e.detailType, h('br'), h('span', { class: 'small muted' }, e.source)),
          h('td', { class: 'mono small' }, e.eventId ?? ''),
          h('td', { class: 'mono' }, e.playerId ?? ''),
          h('td', { 'data-field': 'rules' }, e.rules.length > 0 ? e.rules.join(', ') : h('span', { class: 'muted' }, 'matched no rule')),
          h(
            'td',
            { 'data-field': 'delivery' },
            ...e.deliveries.map((d) =>
              h(
                'div',
                null,
                h('span', { class: `badge delivery-${d.outcome}` }, d.outcome),
                ' ',
                h('span', { class: 'small muted' }, `→ ${d.target}${d.attempts > 1 ? `, ${d.attempts} attempts` : ''}`),
                d.error ? h('div', { class: 'small error-text' }, d.error) : null,
              ),
            ),
            e.deadLetter
              ? h('div', { 'data-field': 'dead-letter' }, link('/dead-letters', h('span', { class: 'badge delivery-dead-lettered' }, 'dead-lettered')), ' ', h('span', { class: 'small error-text' }, e.deadLetter.errorCode ?? ''))
              : null,
          ),
          h(
            'td',
            { 'data-field': 'executions' },
            ...e.deliveries.flatMap((d) => d.executions).map((x) => h('div', null, x.status ? statusBadge(x.status) : h('span', { class: 'small muted' }, '(forgotten)'), ' ', link(executionRoute(x.executionArn), h('span', { class: 'mono small' }, x.name)))),
          ),
          h(
            'td',
            null,
            h('details', null, h('summary', null, 'event'), h('pre', { class: 'json' }, prettyJson(e.event))),
            h('button', { type: 'button', class: 'small', on: { click: () => tester.useEvent(e.event) } }, 'Test a pattern on it'),
          ),
        ),
      ),
    );
  });
  let seen = '';
  ctx.live((snapshot) => {
    // Counters of events and executions: a new event, a delivery done, an execution ended.
    const key = JSON.stringify([snapshot.events, snapshot.executions, snapshot.deadLetters]);
    if (key === seen) return;
    seen = key;
    refresh();
  });
  refresh();
}

/** The "test a pattern" box: EventBridge TestEventPattern on this endpoint, showing the match or AWS's refusal. */
function patternTester(rules: Rule[]): { element: HTMLElement; useEvent(event: string): void } {
  const firstPattern = rules[0]?.pattern ?? { source: ['GameBackend'] };
  const pattern = h('textarea', { id: 'pattern', name: 'pattern', rows: 8, spellcheck: 'false', class: 'mono' });
  pattern.value = prettyJson(firstPattern);
  const event = h('textarea', { id: 'pattern-event', name: 'event', rows: 8, spellcheck: 'false', class: 'mono' });
  event.value = prettyJson(sampleEvent(firstPattern));
  const result = h('p', { class: 'pattern-result', role: 'status', 'aria-live': 'polite', 'data-field': 'pattern-result' });
  const ruleSelect = h(
    'select',
    { id: 'pattern-rule', on: { change: () => (pattern.value = prettyJson(rules.find((r) => r.name === ruleSelect.value)?.pattern ?? {})) } },
    ...rules.map((r) => h('option', { value: r.name }, `${r.busName} / ${r.name}`)),
  );
  const form = h(
    'form',
    {
      class: 'pattern-test',
      'aria-labelledby': 'pattern-title',
      on: {
        submit: async (e: Event) => {
          e.preventDefault();
          result.className = 'pattern-result';
          result.textContent = 'testing…';
          try {
            const { Result } = await aws<{ Result: boolean }>('AWSEvents.TestEventPattern', '1.1', { EventPattern: pattern.value, Event: event.value });
            result.className = `pattern-result ${Result ? 'status-succeeded' : 'muted'}`;
            result.dataset.result = String(Result);
            result.textContent = Result ? '✓ The pattern matches the event.' : '✗ The pattern does not match the event.';
          } catch (error) {
            result.className = 'pattern-result error-text';
            result.dataset.result = 'error';
            result.textContent = error instanceof AwsError ? `${error.code}: ${error.message}` : String(error);
          }
        },
      },
    },
    h('h2', { id: 'pattern-title' }, 'Test a pattern'),
    h('p', { class: 'small muted' }, 'Runs EventBridge TestEventPattern on this endpoint: the same matching and the same refusals as PutRule.'),
    rules.length > 0 ? h('label', { class: 'inline' }, 'Start from the pattern of rule ', ruleSelect) : null,
    h(
      'div',
      { class: 'pattern-boxes' },
      h('label', { for: 'pattern' }, h('span', null, 'Event pattern'), pattern),
      h('label', { for: 'pattern-event' }, h('span', null, 'Event'), event),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Test'),
    result,
  );
  return {
    element: form,
    useEvent(text: string) {
      event.value = prettyJson(text);
      event.focus();
      form.scrollIntoView({ block: 'start' });
    },
  };
}

/** An event the pattern's first source and detail-type would match, to start from. */
function sampleEvent(pattern: unknown) {
  const first = (field: string, fallback: string) => {
    const values = (pattern as Record<string, unknown> | null)?.[field];
    return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : fallback;
  };
  return {
    version: '0',
    id: '00000000-0000-4000-8000-000000000000',
    'detail-type': first('detail-type', 'GameBackend.LevelCompleted'),
    source: first('source', 'game-backend'),
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: { eventId: '00000000-0000-4000-8000-000000000000', playerId: 'player-1' },
  };
}
