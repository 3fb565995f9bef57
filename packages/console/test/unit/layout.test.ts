import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aslToGraph } from '../../src/graph/asl-graph';
import { type PlacedNode, layoutGraph } from '../../src/graph/layout';

const housekeeping = () => JSON.parse(readFileSync(new URL('../fixtures/housekeeping.asl.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('layoutGraph (elkjs)', async () => {
  const laid = await layoutGraph(aslToGraph(housekeeping(), { deadLetterQueues: ['DeadLetterQueue'] }));
  const byId = new Map(laid.nodes.map((n) => [n.id, n]));
  const inside = (child: PlacedNode, parent: PlacedNode) =>
    child.x >= parent.x && child.y >= parent.y && child.x + child.width <= parent.x + parent.width + 0.5 && child.y + child.height <= parent.y + parent.height + 0.5;

  it('places every node inside its parent box and inside the drawing', () => {
    for (const node of laid.nodes) {
      expect(node.width).toBeGreaterThan(0);
      if (node.parent) expect(inside(node, byId.get(node.parent)!), `${node.id} in ${node.parent}`).toBe(true);
      expect(node.x + node.width).toBeLessThanOrEqual(laid.width + 0.5);
      expect(node.y + node.height).toBeLessThanOrEqual(laid.height + 0.5);
    }
  });

  it('lays the Parallel branches side by side in their order, without overlap', () => {
    const branches = laid.nodes.filter((n) => n.kind === 'branch' && n.parent === 'Housekeeping');
    expect(branches.map((b) => b.id)).toEqual(['Housekeeping [branch 1]', 'Housekeeping [branch 2]', 'Housekeeping [branch 3]']);
    for (let i = 1; i < branches.length; i++) expect(branches[i]!.x).toBeGreaterThanOrEqual(branches[i - 1]!.x + branches[i - 1]!.width);
  });

  it('reads top-down: start above the Parallel, the Parallel above the dead-letter task, the end last', () => {
    const y = (id: string) => byId.get(id)!.y;
    expect(y('(start)')).toBeLessThan(y('Housekeeping'));
    expect(y('Housekeeping')).toBeLessThan(y('RecordDeadLetter'));
    expect(y('RecordDeadLetter')).toBeLessThan(y('HousekeepingFailed'));
    expect(y('HousekeepingFailed')).toBeLessThan(y('(end)'));
    expect(y('IsGameCompleted')).toBeLessThan(y('UpdateCompletedGame'));
  });

  it('routes every edge from its source to its target, with the Choice conditions placed as labels', () => {
    for (const edge of laid.edges) {
      expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
      const source = byId.get(edge.source)!;
      const start = edge.points[0]!;
      expect(Math.abs(start.y - (source.y + source.height)) < 1 || Math.abs(start.x - source.x) < source.width + 1).toBe(true);
    }
    const choice = laid.edges.find((e) => e.kind === 'choice')!;
    expect(choice.label).toMatchObject({ text: `$['detail-type'] == "GameBackend.GameCompleted"` });
    expect(choice.label!.width).toBeGreaterThan(0);
  });
});
