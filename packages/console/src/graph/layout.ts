import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { EdgeKind, GraphEdge, GraphNode, StateGraph } from './asl-graph';

/** A node with its place on the page (absolute coordinates, px). */
export interface PlacedNode extends Omit<GraphNode, 'children'> {
  /** Parallel, branch and Map boxes: drawn behind their children. */
  compound: boolean;
  /** The compound node this one sits in. */
  parent?: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  /** The route: start point, bends, end point (absolute px). */
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface LaidOutGraph {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Text metrics the layout assumes; the page draws with a font no wider (12px system sans-serif). */
const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;
const LABEL_CHAR_WIDTH = 6.2;

const LAYERED: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeNode': '16',
  // Keep the definition's order: Parallel branches side by side as they are listed, the start state first.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
};

function nodeSize(node: GraphNode): { width: number; height: number } {
  switch (node.kind) {
    case 'start':
    case 'end':
      return { width: 64, height: 28 };
    case 'fork':
    case 'join':
      return { width: 120, height: 6 };
    default: {
      const longest = Math.max(node.label.length, ...node.lines.map((l) => l.length * 0.92));
      return { width: Math.max(120, Math.round(longest * CHAR_WIDTH + 28)), height: 18 + LINE_HEIGHT * (1 + node.lines.length) };
    }
  }
}

function toElk(node: GraphNode): ElkNode {
  if (node.children) {
    return {
      id: node.id,
      layoutOptions: { ...LAYERED, 'elk.padding': `[top=${node.kind === 'branch' ? 24 : 18 + LINE_HEIGHT * (1 + node.lines.length)},left=12,bottom=12,right=12]` },
      children: node.children.map(toElk),
      edges: (node.edges ?? []).map(toElkEdge),
    };
  }
  return { id: node.id, ...nodeSize(node) };
}

function toElkEdge(edge: GraphEdge): ElkExtendedEdge {
  return {
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    ...(edge.label ? { labels: [{ id: `${edge.id}:label`, text: edge.label, width: Math.round(edge.label.length * LABEL_CHAR_WIDTH + 8), height: 16 }] } : {}),
  };
}

const elk = new ELK();

/** Places a state machine graph with elkjs (layered, top-down), every coordinate absolute. */
export async function layoutGraph(graph: StateGraph): Promise<LaidOutGraph> {
  const root: ElkNode = {
    id: '(root)',
    layoutOptions: { ...LAYERED, 'elk.padding': '[top=16,left=16,bottom=16,right=16]' },
    children: graph.nodes.map(toElk),
    edges: graph.edges.map(toElkEdge),
  };
  const placed = await elk.layout(root);
  const byId = new Map<string, GraphNode>();
  const index = (n: GraphNode) => {
    byId.set(n.id, n);
    for (const c of n.children ?? []) index(c);
  };
  for (const n of graph.nodes) index(n);
  const edgeById = new Map<string, GraphEdge>();
  const indexEdges = (edges: GraphEdge[] = []) => {
    for (const e of edges) edgeById.set(e.id, e);
  };
  indexEdges(graph.edges);
  for (const n of byId.values()) indexEdges(n.edges);

  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const walk = (elkNode: ElkNode, offsetX: number, offsetY: number, parent?: string) => {
    // Edges declared in a node are placed relative to that node.
    for (const e of elkNode.edges ?? []) {
      const model = edgeById.get(e.id);
      if (!model) continue;
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: p.x + offsetX, y: p.y + offsetY }));
      const label = e.labels?.[0];
      edges.push({
        id: model.id,
        kind: model.kind,
        source: model.source,
        target: model.target,
        points,
        ...(label && model.label ? { label: { text: model.label, x: (label.x ?? 0) + offsetX, y: (label.y ?? 0) + offsetY, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
      });
    }
    for (const child of elkNode.children ?? []) {
      const model = byId.get(child.id)!;
      const x = (child.x ?? 0) + offsetX;
      const y = (child.y ?? 0) + offsetY;
      nodes.push({
        id: model.id,
        kind: model.kind,
        label: model.label,
        ...(model.stateName !== undefined ? { stateName: model.stateName } : {}),
        lines: model.lines,
        retry: model.retry,
        catches: model.catches,
        ...(model.deadLetter ? { deadLetter: true } : {}),
        compound: Boolean(model.children),
        ...(parent !== undefined ? { parent } : {}),
        x,
        y,
        width: child.width ?? 0,
        height: child.height ?? 0,
      });
      walk(child, x, y, model.id);
    }
  };
  walk(placed, 0, 0);
  return { width: placed.width ?? 0, height: placed.height ?? 0, nodes, edges };
}
