import type { LaidOutGraph, PlacedEdge, PlacedNode } from '../graph/layout';
import type { StateOutcomeKind } from '../server/outcomes';
import { s } from './dom';

export interface GraphViewOptions {
  /** Colours states by what happened to them in one execution. */
  outcomes?: Record<string, StateOutcomeKind>;
  selected?: string;
  onSelect?: (stateName: string) => void;
}

const OUTCOME_TEXT: Record<StateOutcomeKind, string> = {
  succeeded: 'succeeded',
  retried: 'succeeded after retries',
  failed: 'failed',
  caught: 'failed and caught',
  running: 'running',
  'not-run': 'not run',
};

/**
 * The state machine as SVG, from the layout the server computed with elkjs. States are focusable
 * buttons (Tab, Enter or Space selects); every label is a text node.
 */
export function graphView(graph: LaidOutGraph, options: GraphViewOptions = {}): SVGSVGElement {
  const svg = s('svg', {
    class: 'graph',
    viewBox: `0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`,
    width: Math.ceil(graph.width),
    height: Math.ceil(graph.height),
    role: 'group',
    'aria-label': 'State machine graph',
  });
  svg.appendChild(
    s(
      'defs',
      null,
      ...['next', 'catch', 'choice'].map((kind) =>
        s('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead arrow-${kind}` })),
      ),
    ),
  );
  // Compound boxes first (behind), then edges, then the states on top.
  for (const node of graph.nodes.filter((n) => n.compound)) svg.appendChild(nodeView(node, options));
  for (const edge of graph.edges) svg.appendChild(edgeView(edge));
  for (const node of graph.nodes.filter((n) => !n.compound)) svg.appendChild(nodeView(node, options));
  return svg;
}

function edgeView(edge: PlacedEdge): SVGGElement {
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const marker = edge.kind === 'catch' ? 'catch' : edge.kind === 'choice' || edge.kind === 'default' ? 'choice' : 'next';
  const g = s('g', { class: `edge edge-${edge.kind}`, 'data-source': edge.source, 'data-target': edge.target }, s('path', { d, 'marker-end': `url(#arrow-${marker})` }));
  if (edge.label) {
    const { x, y, width, height, text } = edge.label;
    g.appendChild(s('rect', { class: 'edge-label-bg', x: x - 2, y, width: width + 4, height, rx: 3 }));
    g.appendChild(s('text', { class: 'edge-label', x: x + width / 2, y: y + height - 4, 'text-anchor': 'middle' }, text));
  }
  return g;
}

function nodeView(node: PlacedNode, options: GraphViewOptions): SVGGElement {
  const outcome = node.stateName ? options.outcomes?.[node.stateName] : undefined;
  const classes = ['node', `kind-${node.kind}`, node.compound ? 'compound' : '', node.deadLetter ? 'dead-letter' : '', outcome ? `outcome-${outcome}` : '', options.selected && options.selected === node.stateName ? 'selected' : '']
    .filter(Boolean)
    .join(' ');
  const selectable = Boolean(node.stateName && options.onSelect);
  const g = s('g', {
    class: classes,
    'data-node': node.id,
    'data-state': node.stateName,
    'data-outcome': outcome,
    transform: `translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`,
    ...(selectable
      ? { tabindex: 0, role: 'button', 'aria-label': `${node.kind} state ${node.label}${outcome ? `: ${OUTCOME_TEXT[outcome]}` : ''}`, 'aria-pressed': options.selected === node.stateName ? 'true' : 'false' }
      : {}),
  });
  if (selectable) {
    const select = () => options.onSelect!(node.stateName!);
    g.addEventListener('click', select);
    g.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select();
      }
    });
  }
  const { width, height } = node;
  if (node.kind === 'fork' || node.kind === 'join') {
    g.appendChild(s('rect', { class: 'bar', width, height, rx: 3 }));
    return g;
  }
  if (node.kind === 'start' || node.kind === 'end') {
    g.appendChild(s('rect', { class: 'shape', width, height, rx: height / 2 }));
    g.appendChild(s('text', { class: 'label', x: width / 2, y: height / 2 + 4, 'text-anchor': 'middle' }, node.label));
    return g;
  }
  g.appendChild(s('rect', { class: 'shape', width, height, rx: node.compound ? 8 : 6 }));
  if (node.compound) {
    g.appendChild(s('text', { class: 'label compound-label', x: 10, y: 18 }, node.kind === 'branch' ? node.label : `${node.label}  (${node.kind})`));
    node.lines.forEach((line, i) => g.appendChild(s('text', { class: 'line', x: 10, y: 34 + i * 16 }, line)));
  } else {
    g.appendChild(s('text', { class: 'label', x: width / 2, y: 22, 'text-anchor': 'middle' }, node.label));
    node.lines.forEach((line, i) => g.appendChild(s('text', { class: `line${line.startsWith('↻') ? ' retry' : ''}`, x: width / 2, y: 38 + i * 16, 'text-anchor': 'middle' }, line)));
  }
  const title = [node.kind, ...node.retry.map((r) => `Retry ${r.errors.join(', ')}: ×${r.maxAttempts}, ${r.intervalSeconds}s ×${r.backoffRate}${r.maxDelaySeconds ? ` (max ${r.maxDelaySeconds}s)` : ''}${r.jitter ? `, jitter ${r.jitter}` : ''}`), ...node.catches.map((c) => `Catch ${c.errors.join(', ')} → ${c.next}`)];
  if (outcome) title.push(OUTCOME_TEXT[outcome]);
  g.appendChild(s('title', null, title.join('\n')));
  return g;
}

export const outcomeLegend = OUTCOME_TEXT;
