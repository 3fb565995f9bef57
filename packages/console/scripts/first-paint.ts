/**
 * Benchmark: 1,000 executions in the runtime, then the Executions page's time to first paint of the list
 * (from navigation start to the first frame painted with the rows in it), in headless Chromium. Printed,
 * not asserted (the goal is ≤ 1 s).
 *   npx pnpm@10.34.9 --filter @gamekeeper/console first-paint [executions] [runs]
 */
import { randomUUID } from 'node:crypto';
import { launchBrowser } from '../test/helpers/browser';
import { completionEntry, putEvents } from '../test/helpers/events';
import { startConsoleStack } from '../test/helpers/stack';

const executions = Number(process.argv[2] ?? 1_000);
const runs = Number(process.argv[3] ?? 5);

/**
 * Runs in the page before its own script: when the first execution row is added, waits for the next
 * frame to be rendered (requestAnimationFrame, then a task after it) and records the time.
 */
const MARK_FIRST_PAINT = `
  new MutationObserver((_, observer) => {
    if (!document.querySelector('table.executions tbody tr[data-execution]')) return;
    observer.disconnect();
    const inserted = performance.now();
    requestAnimationFrame(() => setTimeout(() => { window.__listPainted = { inserted, painted: performance.now() }; }, 0));
  }).observe(document, { childList: true, subtree: true });
`;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const stack = await startConsoleStack();
const browser = await launchBrowser();
try {
  const started = Date.now();
  for (let sent = 0; sent < executions; sent += 10) {
    const batch = Array.from({ length: Math.min(10, executions - sent) }, (_, i) => completionEntry({ eventId: randomUUID(), playerId: `player-${(sent + i) % 50}`, gameCompleted: (sent + i) % 10 === 0 }));
    const result = await putEvents(stack.runtime.url, batch);
    if (result.FailedEntryCount > 0) throw new Error(`PutEvents refused ${result.FailedEntryCount} entries`);
    // Keep the runtime's queue short: wait every 100 events.
    if ((sent + 10) % 100 === 0) await stack.runtime.idle();
  }
  await stack.runtime.idle();
  const retained = stack.runtime.stepFunctions.executions.size;
  console.log(`${executions} executions run in ${((Date.now() - started) / 1000).toFixed(1)} s (${retained} retained by the runtime)`);

  // The bundle is built on the first request: once, before measuring (and timed on its own).
  const bundleStarted = performance.now();
  await fetch(`${stack.consoleUrl}app.js`, { headers: { 'accept-encoding': 'gzip' } });
  console.log(`page bundle built on first request in ${Math.round(performance.now() - bundleStarted)} ms (not in the numbers below)`);

  const apiStarted = performance.now();
  const page50 = (await (await fetch(`${stack.consoleUrl}api/executions?limit=50`)).json()) as { total: number };
  console.log(`GET api/executions (first 50 of ${page50.total}): ${Math.round(performance.now() - apiStarted)} ms`);

  const results: { inserted: number; painted: number }[] = [];
  // One context (this Chromium runs single-process: closing a context ends it); the console serves
  // everything with no-store, so no run reuses another's bundle or data.
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  await context.addInitScript({ content: MARK_FIRST_PAINT });
  for (let run = 0; run < runs; run++) {
    const page = await context.newPage();
    await page.goto(`${stack.consoleUrl}#/executions`);
    await page.waitForFunction('window.__listPainted !== undefined', undefined, { timeout: 30_000 });
    const mark = (await page.evaluate('window.__listPainted')) as { inserted: number; painted: number };
    const rows = await page.locator('table.executions tbody tr[data-execution]').count();
    results.push(mark);
    console.log(`run ${run + 1}: list painted at ${Math.round(mark.painted)} ms after navigation start (rows in the DOM at ${Math.round(mark.inserted)} ms; ${rows} rows shown)`);
    await page.close();
  }
  await context.close();
  const painted = results.map((r) => r.painted).sort((a, b) => a - b);
  const median = painted[Math.floor(painted.length / 2)]!;
  console.log(`first paint of the Executions list with ${retained} executions: median ${Math.round(median)} ms, best ${Math.round(painted[0]!)} ms, worst ${Math.round(painted[painted.length - 1]!)} ms (goal ≤ 1000 ms)`);
} finally {
  await browser.close();
  await stack.stop();
}
