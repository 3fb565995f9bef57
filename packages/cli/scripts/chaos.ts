// `npm run chaos [-- --events N --seed S]`: the "nothing lost, nothing counted twice" proof. Replays a
// seeded session into a fault-free stack and into one with every fault injected, redrives the dead
// letters, and compares. Prints the figures; exits non-zero unless `lost: 0` and `mismatches: 0`.
import { parseArgs } from 'node:util';
import { CHAOS_FAULTS, chaosSession, formatChaosReport, runChaos } from './chaos-proof';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000' }, seed: { type: 'string', default: String(CHAOS_FAULTS.seed) } } });
const started = Date.now();
const report = await runChaos({
  session: chaosSession(Number(values.events)),
  faults: { ...CHAOS_FAULTS, seed: Number(values.seed) },
  log: (line) => console.log(line),
});
for (const line of formatChaosReport(report)) console.log(line);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(report.lost === 0 && report.mismatches === 0 ? 0 : 1);
