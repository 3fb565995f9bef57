/**
 * Starts the whole stack with the console, sends a few completions (one of them a game completion),
 * and saves a screenshot of one execution's page to docs/console.png.
 *   npx tsx scripts/screenshot.ts [output.png]
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/helpers/browser';
import { startConsoleStack } from '../test/helpers/stack';
import { completionEntry, putEvents } from '../test/helpers/events';

const out = process.argv[2] ?? fileURLToPath(new URL('../docs/console.png', import.meta.url));
const stack = await startConsoleStack();
const browser = await launchBrowser();
try {
  const eventId = randomUUID();
  await putEvents(stack.runtime.url, [completionEntry({ eventId, playerId: 'player-7', gameCompleted: true }), completionEntry({ playerId: 'player-8' })]);
  await stack.runtime.idle();
  const arn = [...stack.runtime.stepFunctions.executions.values()].find((e) => e.input.includes(eventId))!.executionArn;
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, colorScheme: (process.env.SCHEME as 'light' | 'dark') ?? 'light' });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(`${stack.consoleUrl}#/execution/${encodeURIComponent(arn)}`);
  await page.locator('[data-state="UpdateCompletedGame"].outcome-succeeded').waitFor({ timeout: 20_000 });
  await page.locator('[data-state="UpdateCompletedGame"]').click();
  await page.screenshot({ path: out, fullPage: false });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await stack.stop();
}
