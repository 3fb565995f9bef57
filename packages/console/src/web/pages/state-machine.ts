import type { LaidOutGraph } from '../../graph/layout';
import { getJson } from '../api';
import { h, link, prettyJson, replace } from '../dom';
import { graphView } from '../graph-view';
import type { PageContext } from '../router';

interface MachineInfo {
  name: string;
  arn: string;
  type: string;
  definition: Record<string, any>;
}

/** Finds a state's definition at any depth. */
export function findState(definition: Record<string, any>, name: string): Record<string, any> | undefined {
  for (const [n, state] of Object.entries<any>(definition.States ?? {})) {
    if (n === name) return state;
    for (const branch of state.Branches ?? []) {
      const found = findState(branch, name);
      if (found) return found;
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) {
      const found = findState(processor, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** The state machine's graph (elkjs layout from the server) beside its definition. */
export async function stateMachinePage(ctx: PageContext): Promise<void> {
  const machines = await getJson<MachineInfo[]>('state-machines');
  if (!ctx.current()) return;
  const name = ctx.path[0] ?? machines[0]?.name;
  const machine = machines.find((m) => m.name === name);
  ctx.root.append(
    h('h1', null, 'State machine ', machine ? h('span', { class: 'mono' }, machine.name) : ''),
    machines.length > 1 ? h('p', null, ...machines.map((m) => [link(`/state-machines/${encodeURIComponent(m.name)}`, m.name), ' '])) : '',
  );
  if (!machine) {
    ctx.root.append(h('p', null, 'No such state machine.'));
    return;
  }
  ctx.root.append(h('p', { class: 'small muted mono' }, `${machine.arn} · ${machine.type}`));
  const graph = await getJson<LaidOutGraph>('graph', { name: machine.name });
  if (!ctx.current()) return;
  const graphBox = h('div', { class: 'graph-box' });
  const detail = h('div', { class: 'state-detail', 'aria-live': 'polite' });
  const select = (state: string) => {
    replace(graphBox, graphView(graph, { selected: state, onSelect: select }));
    const def = findState(machine.definition, state);
    replace(detail, h('h2', null, state), h('pre', { class: 'json' }, prettyJson(def)));
    (graphBox.querySelector(`[data-state="${CSS.escape(state)}"]`) as SVGGElement | null)?.focus();
  };
  graphBox.append(graphView(graph, { onSelect: select }));
  detail.append(h('p', { class: 'muted' }, 'Select a state (click, or Tab and Enter) to see its definition, Retry and Catch.'));
  ctx.root.append(
    h(
      'div',
      { class: 'split' },
      h('section', { 'aria-label': 'Graph' }, graphBox, legend(), detail),
      h('section', { 'aria-labelledby': 'definition' }, h('h2', { id: 'definition' }, 'Definition'), h('pre', { class: 'json definition' }, prettyJson(machine.definition))),
    ),
  );
}

export function legend(): HTMLElement {
  return h(
    'p',
    { class: 'legend small' },
    h('span', { class: 'key edge-catch' }, '- - Catch'),
    ' ',
    h('span', { class: 'key edge-choice' }, '— Choice rule'),
    ' ',
    h('span', { class: 'key retry' }, '↻ Retry policy'),
    ' ',
    h('span', { class: 'key dead-letter' }, '■ dead-letter path'),
  );
}
