import type { LaidOutGraph } from '../../graph/layout';
import type { StateOutcomeKind, StateView } from '../../server/outcomes';
import { AwsError, aws, getJson } from '../api';
import { type Child, formatDuration, formatTime, h, link, prettyJson, replace, statusBadge } from '../dom';
import { graphView, outcomeLegend } from '../graph-view';
import { coalesced } from '../live';
import type { PageContext } from '../router';
import type { ExecutionSummary } from './executions';

interface ExecutionDetail {
  execution: ExecutionSummary & { input: string; output?: string; cause?: string };
  events: ({ id: number; previousEventId: number; type: string; timestamp: number } & Record<string, unknown>)[];
  states: Record<string, StateView>;
  functions?: Record<string, { functionName: string; logGroupName?: string }>;
}

interface LogLine {
  timestamp: number;
  message: string;
  logStreamName?: string;
}

const OUTCOME_ORDER: StateOutcomeKind[] = ['failed', 'caught', 'running', 'retried', 'succeeded'];

/** One execution: the graph coloured by outcome, a timeline, the selected state's data, the history. */
export async function executionPage(ctx: PageContext): Promise<void> {
  const arn = ctx.path.join('/');
  let detail = await getJson<ExecutionDetail>('execution', { arn });
  if (!ctx.current()) return;
  const graph = await getJson<LaidOutGraph>('graph', { name: detail.execution.stateMachine });
  if (!ctx.current()) return;

  const entered = () => Object.values(detail.states).filter((s) => s.enteredAt !== undefined);
  const firstInteresting = () => {
    for (const outcome of OUTCOME_ORDER.slice(0, 2)) {
      const found = entered().find((s) => s.outcome === outcome && s.type !== 'Parallel');
      if (found) return found.name;
    }
    return entered().find((s) => s.type === 'Task')?.name ?? entered()[0]?.name;
  };
  let selected = firstInteresting();
  /** The attempt whose log lines are shown, per state (default: the last one). */
  const chosenAttempt = new Map<string, number>();
  const logs = new Map<string, Promise<LogLine[]>>();

  const header = h('div', { class: 'execution-header' });
  const graphBox = h('div', { class: 'graph-box' });
  const statePanel = h('section', { class: 'state-panel', 'aria-labelledby': 'state-title', 'aria-live': 'polite' });
  const timeline = h('div', { class: 'timeline' });
  const io = h('div', { class: 'io' });
  const history = h('tbody');

  const select = (name: string) => {
    selected = name;
    draw();
    (graphBox.querySelector(`[data-state="${CSS.escape(name)}"]`) as SVGGElement | null)?.focus();
  };

  const draw = () => {
    const e = detail.execution;
    const outcomes = Object.fromEntries(Object.values(detail.states).map((s) => [s.name, s.outcome]));
    replace(
      header,
      h('h1', null, 'Execution ', h('span', { class: 'mono' }, e.name)),
      h(
        'dl',
        { class: 'facts' },
        fact('Status', statusBadge(e.status)),
        fact('State machine', link(`/state-machines/${encodeURIComponent(e.stateMachine)}`, e.stateMachine)),
        fact('Started', formatTime(e.startDate)),
        fact('Duration', formatDuration((e.stopDate ?? Date.now()) - e.startDate)),
        fact('Detail-type', e.detailType ?? ''),
        fact('Event id', h('span', { class: 'mono' }, e.eventId ?? '')),
        fact('Player', h('span', { class: 'mono' }, e.playerId ?? '')),
      ),
      e.error ? h('div', { class: 'error-box', role: 'alert' }, h('strong', null, e.error), h('pre', null, prettyJson(e.cause ?? ''))) : null,
    );
    replace(graphBox, graphView(graph, { outcomes, ...(selected ? { selected } : {}), onSelect: select }));
    drawState();
    drawTimeline();
    replace(
      io,
      h('details', null, h('summary', null, 'Execution input'), h('pre', { class: 'json', 'data-field': 'execution-input' }, prettyJson(e.input))),
      h('details', null, h('summary', null, 'Execution output'), h('pre', { class: 'json', 'data-field': 'execution-output' }, e.output !== undefined ? prettyJson(e.output) : '(none)')),
    );
    const names = new Map<number, string>();
    replace(
      history,
      ...detail.events.map((ev) => {
        const name = stateOfEvent(ev, names);
        return h(
          'tr',
          null,
          h('td', null, ev.id),
          h('td', null, ev.type),
          h('td', { class: 'mono' }, name ?? ''),
          h('td', null, `+${formatDuration(ev.timestamp - detail.execution.startDate)}`),
          h('td', null, h('code', { class: 'small' }, eventDetails(ev))),
        );
      }),
    );
  };

  const drawState = () => {
    const state = selected ? detail.states[selected] : undefined;
    if (!state) {
      replace(statePanel, h('h2', { id: 'state-title' }, 'State'), h('p', { class: 'muted' }, 'Select a state in the graph.'));
      return;
    }
    replace(
      statePanel,
      h('h2', { id: 'state-title' }, state.name, ' ', h('span', { class: `badge outcome-${state.outcome}`, 'data-field': 'state-outcome' }, outcomeLegend[state.outcome])),
      h(
        'dl',
        { class: 'facts' },
        fact('Type', state.type ?? ''),
        fact('Entered', state.enteredAt !== undefined ? `+${formatDuration(state.enteredAt - detail.execution.startDate)}` : 'not run'),
        fact('Duration', state.enteredAt !== undefined && state.exitedAt !== undefined ? formatDuration(state.exitedAt - state.enteredAt) : ''),
        fact('Attempts', String(state.attempts.length)),
      ),
      state.attempts.length > 1 || state.attempts.some((a) => a.error)
        ? h(
            'table',
            { class: 'grid small' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Scheduled'), h('th', { scope: 'col' }, 'Wait before'), h('th', { scope: 'col' }, 'Result'))),
            h(
              'tbody',
              null,
              ...state.attempts.map((a, i) =>
                h(
                  'tr',
                  null,
                  h('td', null, i + 1),
                  h('td', null, `+${formatDuration(a.scheduledAt - detail.execution.startDate)}`),
                  h('td', null, i > 0 && state.attempts[i - 1]?.endedAt !== undefined ? formatDuration(a.scheduledAt - state.attempts[i - 1]!.endedAt!) : ''),
                  h('td', null, a.error ? `${a.error}` : a.endedAt !== undefined ? 'succeeded' : 'running'),
                ),
              ),
            ),
          )
        : null,
      h('h3', null, 'Input'),
      h('pre', { class: 'json', 'data-field': 'state-input' }, state.input !== undefined ? prettyJson(state.input) : '(not run)'),
      h('h3', null, 'Output'),
      h('pre', { class: 'json', 'data-field': 'state-output' }, state.output !== undefined ? prettyJson(state.output) : '(none)'),
      state.error !== undefined
        ? [h('h3', null, 'Error'), h('pre', { class: 'json error-text', 'data-field': 'state-error' }, state.error), h('h3', null, 'Cause'), h('pre', { class: 'json', 'data-field': 'state-cause' }, prettyJson(state.cause ?? ''))]
        : null,
      functionLog(state),
    );
  };

  /** The selected state's function log lines for one attempt: CloudWatch Logs FilterLogEvents on its request id. */
  const functionLog = (state: StateView): Child => {
    const fn = detail.functions?.[state.name];
    if (!fn || state.attempts.length === 0) return null;
    const index = Math.min(chosenAttempt.get(state.name) ?? state.attempts.length - 1, state.attempts.length - 1);
    const attempt = state.attempts[index]!;
    const lines = h('pre', { class: 'log-lines', 'data-field': 'state-logs', 'aria-live': 'polite' }, 'loading…');
    const tabs =
      state.attempts.length > 1
        ? h(
            'div',
            { class: 'attempt-tabs', role: 'group', 'aria-label': 'Attempt' },
            ...state.attempts.map((_, i) =>
              h('button', { type: 'button', 'aria-pressed': String(i === index), on: { click: () => (chosenAttempt.set(state.name, i), drawState()) } }, `attempt ${i + 1}`),
            ),
          )
        : null;
    const section = h(
      'section',
      { class: 'function-log', 'aria-label': 'Function log' },
      h('h3', null, 'Function log'),
      h('p', { class: 'small muted', 'data-field': 'log-source' }, h('span', { class: 'mono' }, fn.functionName), attempt.requestId ? [' · request ', h('span', { class: 'mono' }, attempt.requestId)] : null),
      tabs,
      lines,
    );
    if (!attempt.requestId) {
      lines.textContent = 'The runtime recorded no Lambda request id for this attempt.';
      return section;
    }
    if (!fn.logGroupName) {
      lines.textContent = 'The template names no log group for this function.';
      return section;
    }
    const key = attempt.requestId;
    let pending = logs.get(key);
    if (!pending) {
      pending = fetchLogLines(fn.logGroupName, key, attempt.scheduledAt);
      // Complete once the attempt ended; until then fetch again on the next draw.
      if (attempt.endedAt !== undefined) logs.set(key, pending);
    }
    pending.then(
      (found) => {
        if (found.length === 0) {
          lines.textContent =
            attempt.error === 'Lambda.ServiceException'
              ? 'No log lines: the Lambda service failed this invocation before the function ran.'
              : `No log lines in ${fn.logGroupName} for this request id.`;
        } else {
          lines.textContent = found.map((l) => `${formatTime(l.timestamp)}  ${l.message.replace(/\n$/, '')}`).join('\n');
        }
      },
      (error: unknown) => {
        logs.delete(key);
        lines.textContent = `Could not read the log: ${error instanceof AwsError ? `${error.code}: ${error.message}` : String(error)}`;
      },
    );
    return section;
  };

  const drawTimeline = () => {
    const start = detail.execution.startDate;
    const end = Math.max(detail.execution.stopDate ?? Date.now(), ...entered().map((s) => s.exitedAt ?? 0));
    const span = Math.max(1, end - start);
    const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(2)}%`;
    const rows = entered().sort((a, b) => a.enteredAt! - b.enteredAt!);
    replace(
      timeline,
      h('h2', null, 'Timeline'),
      h(
        'ol',
        { class: 'timeline-rows' },
        ...rows.map((s) =>
          h(
            'li',
            null,
            h('button', { type: 'button', class: `timeline-name${s.name === selected ? ' selected' : ''}`, on: { click: () => select(s.name) } }, s.name),
            h(
              'span',
              { class: 'timeline-track' },
              h('span', {
                class: `timeline-bar outcome-${s.outcome}`,
                'data-left': pct(s.enteredAt!),
                'data-width': `${Math.max(0.5, (((s.exitedAt ?? end) - s.enteredAt!) / span) * 100).toFixed(2)}%`,
                title: `${s.name}: ${outcomeLegend[s.outcome]}, ${formatDuration((s.exitedAt ?? end) - s.enteredAt!)}${s.attempts.length > 1 ? `, ${s.attempts.length} attempts` : ''}`,
              }),
              ...s.attempts.slice(1).map((a) => h('span', { class: 'timeline-retry', 'data-left': pct(a.scheduledAt), title: 'retry' })),
            ),
            h('span', { class: 'small muted' }, formatDuration((s.exitedAt ?? end) - s.enteredAt!), s.attempts.length > 1 ? ` · ${s.attempts.length} attempts` : ''),
          ),
        ),
      ),
    );
    // Positions through the CSSOM (allowed by the page's CSP, unlike style attributes).
    for (const el of timeline.querySelectorAll<HTMLElement>('[data-left]')) {
      el.style.left = el.dataset.left!;
      if (el.dataset.width) el.style.width = el.dataset.width;
    }
  };

  ctx.root.append(
    header,
    h('div', { class: 'split' }, h('section', { 'aria-label': 'Graph' }, graphBox, legendOfOutcomes()), statePanel),
    timeline,
    io,
    h('h2', null, 'Event history'),
    h(
      'table',
      { class: 'grid history' },
      h('thead', null, h('tr', null, ...['Id', 'Type', 'State', 'Time', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
      history,
    ),
  );
  draw();

  const refresh = coalesced(async () => {
    if (detail.execution.status !== 'RUNNING') return;
    const next = await getJson<ExecutionDetail>('execution', { arn });
    if (!ctx.current()) return;
    detail = next;
    if (!selected) selected = firstInteresting();
    draw();
  });
  ctx.live(refresh);
}

/** Every log event of the group that carries the request id (START, the function's lines, END, REPORT), oldest first. */
async function fetchLogLines(logGroupName: string, requestId: string, after: number): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const response = await aws<{ events?: LogLine[]; nextToken?: string }>('Logs_20140328.FilterLogEvents', '1.1', {
      logGroupName,
      filterPattern: `"${requestId}"`,
      startTime: after - 60_000,
      ...(nextToken ? { nextToken } : {}),
    });
    lines.push(...(response.events ?? []));
    nextToken = response.nextToken;
    if (!nextToken) break;
  }
  return lines.sort((a, b) => a.timestamp - b.timestamp);
}

function fact(label: string, value: Child): HTMLElement[] {
  return [h('dt', null, label), h('dd', null, value)];
}

function legendOfOutcomes(): HTMLElement {
  return h('p', { class: 'legend small' }, ...(Object.entries(outcomeLegend) as [StateOutcomeKind, string][]).map(([k, text]) => h('span', { class: `key outcome-${k}` }, `■ ${text} `)));
}

/** The state an event belongs to: named by Entered/Exited, linked by previousEventId for the rest. */
function stateOfEvent(ev: Record<string, any>, names: Map<number, string>): string | undefined {
  const name: string | undefined = ev.stateEnteredEventDetails?.name ?? ev.stateExitedEventDetails?.name ?? names.get(ev.previousEventId);
  if (name !== undefined) names.set(ev.id, name);
  return name;
}

function eventDetails(ev: Record<string, unknown>): string {
  const key = Object.keys(ev).find((k) => k.endsWith('EventDetails'));
  if (!key) return '';
  const text = JSON.stringify(ev[key]);
  return text.length > 240 ? `${text.slice(0, 237)}…` : text;
}
