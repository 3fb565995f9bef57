import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END_ID, START_ID, type GraphNode, aslToGraph, allEdges, allNodes, describeCondition } from '../../src/graph/asl-graph';

const housekeeping = () => JSON.parse(readFileSync(new URL('../fixtures/housekeeping.asl.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('aslToGraph on the housekeeping definition', () => {
  const graph = aslToGraph(housekeeping(), { deadLetterQueues: ['DeadLetterQueue'] });
  const node = (id: string) => allNodes(graph).find((n) => n.id === id);
  const edge = (source: string, target: string) => allEdges(graph).find((e) => e.source === source && e.target === target);

  it('draws the top level as start → Parallel → (Catch) dead letter → Fail → end', () => {
    // Assess
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      [START_ID, 'start'],
      ['Housekeeping', 'Parallel'],
      ['RecordDeadLetter', 'Task'],
      ['HousekeepingFailed', 'Fail'],
      [END_ID, 'end'],
    ]);
    expect(edge(START_ID, 'Housekeeping')?.kind).toBe('start');
    expect(edge('Housekeeping', END_ID)?.kind).toBe('end');
    expect(edge('Housekeeping', 'RecordDeadLetter')).toMatchObject({ kind: 'catch', label: 'Catch States.ALL' });
    expect(edge('RecordDeadLetter', 'HousekeepingFailed')?.kind).toBe('next');
    expect(edge('HousekeepingFailed', END_ID)?.kind).toBe('end');
  });

  it('puts the three branches inside the Parallel, in the definition order, between a fork and a join', () => {
    const parallel = node('Housekeeping')!;
    const kids = parallel.children!;
    expect(kids[0]!.kind).toBe('fork');
    expect(kids[kids.length - 1]!.kind).toBe('join');
    const branches = kids.filter((k) => k.kind === 'branch');
    expect(branches.map((b) => b.children!.map((s: GraphNode) => s.id))).toEqual([
      ['GenerateReport'],
      ['IsGameCompleted', 'UpdateCompletedLevel', 'UpdateCompletedGame'],
      ['LogMetric'],
    ]);
    expect(parallel.edges!.filter((e) => e.kind === 'branch')).toHaveLength(6);
  });

  it('labels the Choice edges with their conditions and the default', () => {
    expect(node('IsGameCompleted')!.kind).toBe('Choice');
    expect(edge('IsGameCompleted', 'UpdateCompletedGame')).toMatchObject({ kind: 'choice', label: `$['detail-type'] == "GameBackend.GameCompleted"` });
    expect(edge('IsGameCompleted', 'UpdateCompletedLevel')).toMatchObject({ kind: 'default', label: 'Default' });
  });

  it('shows what each task calls and its Retry policy, and marks the dead-letter task', () => {
    const report = node('GenerateReport')!;
    expect(report.lines[0]).toBe('λ ReportFunction');
    expect(report.lines[1]).toMatch(/^↻ Retry ×6 on 13 errors$/);
    expect(report.retry[0]).toMatchObject({ maxAttempts: 6, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 20, jitter: 'FULL' });
    expect(report.retry[0]!.errors).toContain('Lambda.ServiceException');
    expect(report.retry[0]!.errors).not.toContain('InvalidGameEvent');
    const dlq = node('RecordDeadLetter')!;
    expect(dlq.deadLetter).toBe(true);
    expect(dlq.lines[0]).toBe('sqs:sendMessage → DeadLetterQueue');
    expect(node('Housekeeping')!.catches).toEqual([{ errors: ['States.ALL'], next: 'RecordDeadLetter', resultPath: '$.failure' }]);
  });

  it('gives every node a unique id and every edge ends on a node', () => {
    const ids = allNodes(graph).map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of allEdges(graph)) {
      expect(ids).toContain(e.source);
      expect(ids).toContain(e.target);
    }
  });
});

describe('aslToGraph on other shapes', () => {
  it('handles Map, Wait, Pass, Succeed and a Catch inside a branch', () => {
    const graph = aslToGraph({
      StartAt: 'Wait1',
      States: {
        Wait1: { Type: 'Wait', Seconds: 5, Next: 'Each' },
        Each: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:Worker', End: true } } }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const map = allNodes(graph).find((n) => n.id === 'Each')!;
    expect(map.kind).toBe('Map');
    expect(map.children![0]!.children!.map((n) => [n.id, n.lines[0]])).toEqual([['Work', 'λ Worker']]);
    expect(allNodes(graph).find((n) => n.id === 'Wait1')!.lines).toEqual(['5 s']);
    expect(allEdges(graph).some((e) => e.source === 'Done' && e.target === END_ID)).toBe(true);
  });
});

describe('describeCondition', () => {
  it.each([
    [{ Variable: '$.level', NumericGreaterThanEquals: 10 }, '$.level >= 10'],
    [{ Variable: '$.a', StringEqualsPath: '$.b' }, '$.a == $.b'],
    [{ Variable: '$.stars', IsPresent: true }, '$.stars IsPresent'],
    [{ Variable: '$.stars', IsNull: false }, '$.stars not IsNull'],
    [{ Not: { Variable: '$.done', BooleanEquals: true } }, 'not $.done == true'],
    [{ And: [{ Variable: '$.a', NumericLessThan: 1 }, { Or: [{ Variable: '$.b', StringMatches: 'x*' }, { Variable: '$.c', IsString: true }] }] }, '$.a < 1 and ($.b matches "x*" or $.c IsString)'],
    [{ Condition: '{% $states.input.level > 3 %}' }, '{% $states.input.level > 3 %}'],
  ])('%j → %s', (rule, text) => {
    expect(describeCondition(rule)).toBe(text);
  });
});
