import { DetailType, EVENT_BUS_NAME, Source, detailSchemaByType } from '@gamekeeper/contracts';
import { AwsError, aws, getJson } from '../api';
import { h, replace } from '../dom';
import { type PageContext, navigate } from '../router';
import { type ExecutionSummary, executionRoute } from './executions';

type CompletionType = typeof DetailType.LevelCompleted | typeof DetailType.GameCompleted;

interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'int';
  optional?: boolean;
  only?: CompletionType;
  initial?: () => string;
  hint?: string;
}

const FIELDS: FieldSpec[] = [
  { name: 'eventId', label: 'Event id', kind: 'text', initial: () => crypto.randomUUID(), hint: 'the idempotency key: the same id again is a duplicate' },
  { name: 'schemaVersion', label: 'Schema version', kind: 'int', initial: () => '1' },
  { name: 'playerId', label: 'Player id', kind: 'text' },
  { name: 'gameId', label: 'Game id', kind: 'text' },
  { name: 'level', label: 'Level', kind: 'int', initial: () => '1' },
  { name: 'score', label: 'Score', kind: 'int', initial: () => '0' },
  { name: 'stars', label: 'Stars (optional)', kind: 'int', optional: true },
  { name: 'durationMs', label: 'Duration (ms)', kind: 'int', initial: () => '60000' },
  { name: 'completedAt', label: 'Completed at', kind: 'text', initial: () => new Date().toISOString() },
  { name: 'totalScore', label: 'Total score', kind: 'int', only: DetailType.GameCompleted },
  { name: 'levelsCompleted', label: 'Levels completed', kind: 'int', only: DetailType.GameCompleted },
  { name: 'totalDurationMs', label: 'Total duration (ms)', kind: 'int', only: DetailType.GameCompleted },
];

/** The form's values as the detail the contracts parse: empty optional fields left out, numbers as numbers. */
function detailFrom(values: Record<string, string>, type: CompletionType): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (f.only && f.only !== type) continue;
    const raw = (values[f.name] ?? '').trim();
    if (raw === '' && f.optional) continue;
    if (raw === '') detail[f.name] = undefined;
    else detail[f.name] = f.kind === 'int' ? (/^-?\d+$/.test(raw) ? Number(raw) : raw) : raw;
  }
  return detail;
}

/** A LevelCompleted / GameCompleted form validated with the contracts' zod schemas; sends with PutEvents. */
export function sendPage(ctx: PageContext): void {
  let type: CompletionType = ctx.params.get('type') === 'GameCompleted' ? DetailType.GameCompleted : DetailType.LevelCompleted;
  const inputs = new Map<string, { input: HTMLInputElement; error: HTMLElement; row: HTMLElement }>();
  const formError = h('p', { class: 'error', role: 'alert', id: 'send-error' });
  const status = h('p', { role: 'status', 'aria-live': 'polite', id: 'send-status' });

  const typeSelect = h(
    'select',
    { name: 'detailType', id: 'f-detailType', on: { change: () => ((type = typeSelect.value as CompletionType), showFields()) } },
    ...[DetailType.LevelCompleted, DetailType.GameCompleted].map((t) => h('option', { value: t, ...(t === type ? { selected: true } : {}) }, t)),
  );
  const rows = FIELDS.map((f) => {
    const id = `f-${f.name}`;
    const error = h('span', { class: 'field-error', id: `${id}-error`, 'data-error-for': f.name });
    const input = h('input', {
      id,
      name: f.name,
      value: f.initial?.() ?? '',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': `${id}-error${f.hint ? ` ${id}-hint` : ''}`,
      ...(f.kind === 'int' ? { inputmode: 'numeric' } : {}),
    });
    const row = h(
      'div',
      { class: 'field' },
      h('label', { for: id }, f.label),
      input,
      f.name === 'eventId' ? h('button', { type: 'button', on: { click: () => ((input.value = crypto.randomUUID()), input.focus()) } }, 'New id') : null,
      f.hint ? h('span', { class: 'small muted', id: `${id}-hint` }, f.hint) : null,
      error,
    );
    inputs.set(f.name, { input, error, row });
    return row;
  });
  const showFields = () => {
    for (const f of FIELDS) inputs.get(f.name)!.row.hidden = Boolean(f.only && f.only !== type);
  };

  const clearErrors = () => {
    for (const { input, error } of inputs.values()) {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
    formError.textContent = '';
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    clearErrors();
    status.textContent = '';
    const values = Object.fromEntries([...inputs].map(([name, { input }]) => [name, input.value]));
    const detail = detailFrom(values, type);
    const parsed = detailSchemaByType[type].safeParse(detail);
    if (!parsed.success) {
      let first: HTMLInputElement | undefined;
      for (const issue of parsed.error.issues) {
        const field = inputs.get(String(issue.path[0] ?? ''));
        if (field && !field.row.hidden) {
          if (!field.error.textContent) field.error.textContent = issue.message;
          field.input.setAttribute('aria-invalid', 'true');
          first ??= field.input;
        } else {
          formError.textContent = `${formError.textContent ?? ''}${issue.path.join('.') || 'detail'}: ${issue.message}. `;
        }
      }
      first?.focus();
      return;
    }
    const eventId = String((parsed.data as { eventId: string }).eventId);
    try {
      const result = await aws<{ FailedEntryCount?: number; Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] }>('AWSEvents.PutEvents', '1.1', {
        Entries: [{ Source: Source.GameBackend, DetailType: type, Detail: JSON.stringify(parsed.data), EventBusName: EVENT_BUS_NAME }],
      });
      const entry = result.Entries?.[0];
      if (!entry?.EventId) {
        formError.textContent = `PutEvents refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`;
        return;
      }
      status.textContent = `Sent (EventBridge id ${entry.EventId}). Waiting for its execution…`;
    } catch (error) {
      formError.textContent = error instanceof AwsError ? `${error.code}: ${error.message}` : String(error);
      return;
    }
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && ctx.current()) {
      const { executions } = await getJson<{ executions: ExecutionSummary[] }>('executions', { eventId, limit: 1 });
      if (executions[0]) {
        navigate(executionRoute(executions[0].executionArn));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (ctx.current()) status.textContent = `Sent, but no execution started for event ${eventId} within 15 s: see Executions and Dead letters.`;
  };

  const form = h(
    'form',
    { class: 'send', novalidate: true, 'aria-describedby': 'send-error', on: { submit: (e: Event) => void submit(e) } },
    h('div', { class: 'field' }, h('label', { for: 'f-detailType' }, 'Detail-type'), typeSelect),
    ...rows,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send'), ' ', h('span', { class: 'small muted' }, `PutEvents to “${EVENT_BUS_NAME}” as ${Source.GameBackend}`)),
  );
  replace(ctx.root, h('h1', null, 'Send a completion'), h('p', { class: 'small muted' }, 'Validated with the contracts’ zod schemas before it is sent; on success the page opens its execution.'), formError, form, status);
  showFields();
}
