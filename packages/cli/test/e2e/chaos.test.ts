import { describe, expect, it } from 'vitest';
import { CHAOS_FAULTS, chaosSession, formatChaosReport, runChaos } from '../../scripts/chaos-proof';
import { FAULT_KINDS } from '@gamekeeper/local-runtime';

describe('the proof: nothing lost, nothing counted twice', () => {
  it('a 1,000-event session under every fault, after redrive, equals the fault-free run item for item', async () => {
    // Prepare: a seeded session of 1,000 events (players × games × levels, with game completions).
    const session = chaosSession(1000);
    expect(new Set(session.map((e) => e.detailType)).size).toBe(2);

    // Act
    const report = await runChaos({ session, faults: CHAOS_FAULTS });
    console.log(formatChaosReport(report).join('\n'));

    // Assess: the faults really struck, the dead-letter path was used, and the outcome is unchanged.
    for (const kind of FAULT_KINDS) expect(report.faulty.faults[kind], kind).toBeGreaterThan(0);
    expect(report.faulty.retries).toBeGreaterThan(0);
    expect(report.faulty.deadLettered).toBeGreaterThan(0);
    expect(report.faulty.stillDeadLettered).toBe(0);
    expect(report.faultFree.executions).toEqual({ succeeded: 1000, failed: 0, running: 0 });
    expect(report.faulty.items).toEqual(report.faultFree.items);
    expect(report.faulty.metricSeries).toBe(report.faultFree.metricSeries);
    expect(report.details).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.mismatches).toBe(0);
  }, 900_000);
});
