import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { EVENT_BUS_NAME } from '@gamekeeper/contracts';
import { HOSTILE_MARKUP_CASES, hostileEvents } from '@gamekeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser';
import { completionEntry, putEvents } from '../helpers/events';
import { type ConsoleStack, startConsoleStack } from '../helpers/stack';

/**
 * The console in a real headless Chromium against the whole stack running in-process: the graph, a
 * completion sent from the form, and hostile event data that must render as inert text.
 */
describe('the console in a browser', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.dismiss());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the state machine: the Parallel with its three branches in order and the Choice with its conditions', async () => {
    // Act
    await page.goto(`${stack.consoleUrl}#/state-machines`);
    const parallel = page.locator('svg.graph [data-state="Housekeeping"].kind-Parallel');
    await parallel.waitFor();

    // Assess
    const branches = page.locator('svg.graph [data-node$="]"].kind-branch');
    expect(await branches.count()).toBe(3);
    const xs = await branches.evaluateAll((els) => els.map((el) => (el as unknown as { getBoundingClientRect(): { x: number } }).getBoundingClientRect().x));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (const state of ['GenerateReport', 'IsGameCompleted', 'UpdateCompletedLevel', 'UpdateCompletedGame', 'LogMetric', 'RecordDeadLetter', 'HousekeepingFailed']) {
      await expect.poll(() => page.locator(`svg.graph [data-state="${state}"]`).count()).toBe(1);
    }
    expect(await page.locator('svg.graph [data-state="IsGameCompleted"]').getAttribute('class')).toContain('kind-Choice');
    const labels = await page.locator('svg.graph .edge-label').allTextContents();
    expect(labels).toContain(`$['detail-type'] == "GameBackend.GameCompleted"`);
    expect(labels).toContain('Default');
    expect(labels).toContain('Catch States.ALL');
    expect(await page.locator('svg.graph .dead-letter[data-state="RecordDeadLetter"]').count()).toBe(1);
    expect(await page.locator('pre.definition').textContent()).toContain('"StartAt": "Housekeeping"');

    // Keyboard: a state is reachable with Tab and selected with Enter.
    await page.locator('svg.graph [data-state="LogMetric"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.state-detail h2').textContent()).toBe('LogMetric');
  });

  it('sends a completion from the form: zod errors next to the fields, then the execution succeeds with each state’s input and output', async () => {
    // Prepare: the form refuses a bad detail, with the error next to its field.
    await page.goto(`${stack.consoleUrl}#/send`);
    await page.locator('#f-playerId').fill('has spaces');
    await page.locator('#f-score').fill('-5');
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('[data-error-for="playerId"]').textContent()).toMatch(/letter or digit/);
    expect(await page.locator('[data-error-for="score"]').textContent()).toMatch(/>=0|too small/i);
    expect(await page.locator('[data-error-for="gameId"]').textContent()).not.toBe('');
    expect(await page.locator('#f-playerId').getAttribute('aria-invalid')).toBe('true');
    const before = stack.runtime.stepFunctions.executions.size;
    expect(stack.runtime.stepFunctions.executions.size).toBe(before);

    // Act: a valid game completion.
    await page.locator('#f-detailType').selectOption('GameBackend.GameCompleted');
    const eventId = await page.locator('#f-eventId').inputValue();
    await page.locator('#f-playerId').fill('form-player');
    await page.locator('#f-gameId').fill('form-game');
    await page.locator('#f-score').fill('900');
    await page.locator('#f-totalScore').fill('4000');
    await page.locator('#f-levelsCompleted').fill('7');
    await page.locator('#f-totalDurationMs').fill('600000');
    await page.locator('button[type=submit]').click();

    // Assess: the page jumps to its execution, which turns SUCCEEDED.
    await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/#\/execution\//);
    await expect.poll(() => page.locator('.execution-header .badge').textContent(), { timeout: 20_000 }).toBe('SUCCEEDED');
    expect(await page.locator('.execution-header').textContent()).toContain(eventId);
    for (const state of ['GenerateReport', 'UpdateCompletedGame', 'LogMetric']) {
      await expect.poll(() => page.locator(`svg.graph [data-state="${state}"]`).getAttribute('data-outcome')).toBe('succeeded');
      await page.locator(`svg.graph [data-state="${state}"]`).click();
      await expect.poll(() => page.locator('#state-title').textContent()).toContain(state);
      expect(await page.locator('[data-field="state-input"]').textContent()).toContain(eventId);
      expect(await page.locator('[data-field="state-output"]').textContent()).not.toBe('(none)');
    }
    expect(await page.locator('svg.graph [data-state="UpdateCompletedLevel"]').getAttribute('data-outcome')).toBe('not-run');
    expect(await page.locator('svg.graph [data-state="RecordDeadLetter"]').getAttribute('data-outcome')).toBe('not-run');
    expect(await page.locator('table.history tbody tr').count()).toBeGreaterThan(10);

    // It is in the Executions list, filtered by its event id.
    await page.goto(`${stack.consoleUrl}#/executions?eventId=${eventId}`);
    const row = page.locator('table.executions tbody tr[data-execution]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await row.textContent()).toContain('form-player');

    // And its table item is on the Tables page, found by key.
    await page.goto(`${stack.consoleUrl}#/tables/CompletedGameTable`);
    await page.locator('input[name=playerId]').fill('form-player');
    await page.locator('input[name=gameId]').fill('form-game');
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.locator('[data-field="lookup-item"]').textContent()).toContain('form-player');
  }, 90_000);

  it('renders a hostile detail as text: no element injected, no script run', async () => {
    // Prepare: the hostile-input table's markup rows (they fail validation, so they are dead-lettered
    // too), and markup in every other field the pages show.
    const rows = hostileEvents().filter((e) => (Object.values(HOSTILE_MARKUP_CASES) as string[]).includes(e.name));
    expect(rows).toHaveLength(2);
    const hostile = '<img src=x onerror=window.__pwned=1>';
    const script = '<script>window.__pwned=2</script>';
    expect(rows.map((r) => r.detail).join()).toContain(hostile);
    expect(rows.map((r) => r.detail).join()).toContain(script);
    const eventId = randomUUID();
    const result = await putEvents(stack.runtime.url, [
      ...rows.map((r) => ({ EventBusName: EVENT_BUS_NAME, Source: r.source, DetailType: r.detailType, Detail: r.detail })),
      completionEntry({ detail: { eventId, playerId: hostile, gameId: script, level: hostile, note: `${script}${hostile}` } }),
    ]);
    expect(result.FailedEntryCount).toBe(0);
    await stack.runtime.idle();

    // Act + Assess, on every page that shows event data.
    // Filtered by the player (markup): the table's row and ours; then ours alone, by its event id.
    await page.goto(`${stack.consoleUrl}#/executions?player=${encodeURIComponent(hostile)}`);
    const rowsShown = page.locator('table.executions tbody tr[data-execution]');
    await expect.poll(() => rowsShown.count()).toBe(2);
    await page.goto(`${stack.consoleUrl}#/executions?player=${encodeURIComponent(hostile)}&eventId=${eventId}`);
    const row = page.locator('table.executions tbody tr[data-execution]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(hostile);
    await row.locator('a').click();
    await expect.poll(() => page.locator('.execution-header .badge').textContent(), { timeout: 20_000 }).toBe('FAILED');
    // The failing state in the failed colour with its error; the Parallel caught; the dead-letter path ran.
    await expect.poll(() => page.locator('svg.graph [data-state="GenerateReport"]').getAttribute('data-outcome')).toBe('failed');
    expect(await page.locator('svg.graph [data-state="Housekeeping"]').getAttribute('data-outcome')).toBe('caught');
    expect(await page.locator('svg.graph [data-state="RecordDeadLetter"]').getAttribute('data-outcome')).toBe('succeeded');
    await expect.poll(() => page.locator('[data-field="state-error"]').textContent()).toBe('InvalidGameEvent');
    await expect.poll(() => page.locator('[data-field="state-input"]').textContent()).toContain(hostile);
    expect(await page.locator('[data-field="state-input"]').textContent()).toContain(script);
    await assertInert(page);

    await page.goto(`${stack.consoleUrl}#/dead-letters`);
    await expect.poll(() => page.locator('table.dead-letters tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.dead-letters').textContent()).toContain(hostile);
    expect(await page.locator('table.dead-letters').textContent()).toContain(script);
    await assertInert(page);
  }, 60_000);

  it('shows the function log lines of the selected state, for its attempt', async () => {
    // Prepare
    const eventId = randomUUID();
    await putEvents(stack.runtime.url, [completionEntry({ eventId, playerId: 'log-player' })]);
    await stack.runtime.idle();
    const execution = [...stack.runtime.stepFunctions.executions.values()].find((e) => e.input.includes(eventId))!;

    // Act
    await page.goto(`${stack.consoleUrl}#/execution/${encodeURIComponent(execution.executionArn)}`);
    await page.locator('svg.graph [data-state="GenerateReport"]').click();

    // Assess: START, the function's own lines and REPORT, all of this attempt's request id.
    const logs = page.locator('[data-field="state-logs"]');
    await expect.poll(() => logs.textContent(), { timeout: 10_000 }).toMatch(/START RequestId: [0-9a-f-]{36}/);
    const text = (await logs.textContent()) ?? '';
    const requestId = /START RequestId: ([0-9a-f-]{36})/.exec(text)![1]!;
    expect(text).toContain(`REPORT RequestId: ${requestId}`);
    expect(text.split('\n').every((line) => line.includes(requestId))).toBe(true);
    expect(await page.locator('[data-field="log-source"]').textContent()).toContain(requestId);
  }, 60_000);

  it('with an injected fault: the failing state in the failed colour with its error, the event under Events and Dead letters; redriven from the page, it succeeds', async () => {
    // Prepare: every call of the metric function fails (the Lambda service's error), until turned off.
    const eventId = randomUUID();
    stack.runtime.faults.setRates({ lambdaErrors: { metric: 1 } });
    try {
      await putEvents(stack.runtime.url, [completionEntry({ eventId, playerId: 'fault-player' })]);
      await stack.runtime.idle();
    } finally {
      stack.runtime.faults.setRates({ lambdaErrors: 0 });
    }

    // The failed execution: LogMetric in the failed colour, with its error; no log lines (the function never ran).
    await page.goto(`${stack.consoleUrl}#/executions?eventId=${eventId}`);
    const row = page.locator('table.executions tbody tr[data-execution]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('FAILED');
    await row.locator('a').click();
    await expect.poll(() => page.locator('.execution-header .badge').textContent(), { timeout: 20_000 }).toBe('FAILED');
    const logMetric = page.locator('svg.graph [data-state="LogMetric"]');
    await expect.poll(() => logMetric.getAttribute('data-outcome')).toBe('failed');
    type Styled = { getComputedStyle(el: unknown): { stroke: string; color: string } };
    const stateColour = await page.locator('svg.graph [data-state="LogMetric"] > .shape').evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).stroke);
    const failedColour = await page.locator('.execution-header .badge.status-failed').evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).color);
    expect(stateColour).toBe(failedColour);
    await logMetric.click();
    await expect.poll(() => page.locator('[data-field="state-error"]').textContent()).toBe('Lambda.ServiceException');
    await expect.poll(() => page.locator('[data-field="state-logs"]').textContent()).toMatch(/failed this invocation before the function ran/);

    // Events: the event, the rule it matched, and the failed execution it started.
    await page.goto(`${stack.consoleUrl}#/events`);
    const eventRow = page.locator(`table.events tbody tr[data-event-id="${eventId}"]`);
    await expect.poll(() => eventRow.count()).toBe(1);
    expect(await eventRow.locator('[data-field="rules"]').textContent()).not.toContain('matched no rule');
    expect(await eventRow.locator('[data-field="delivery"]').textContent()).toContain('delivered');
    expect(await eventRow.locator('[data-field="dead-letter"]').textContent()).toContain('Lambda.ServiceException');
    expect(await eventRow.locator('[data-field="executions"]').textContent()).toContain('FAILED');

    // Dead letters: redrive this one from the page.
    await page.goto(`${stack.consoleUrl}#/dead-letters`);
    const letter = page.locator('table.dead-letters tbody tr', { hasText: eventId });
    await expect.poll(() => letter.count()).toBe(1);
    expect(await letter.textContent()).toContain('Lambda.ServiceException');
    await letter.getByRole('button', { name: /Redrive/ }).click();
    await expect.poll(() => page.locator('[data-field="redrive-result"]').textContent(), { timeout: 20_000 }).toMatch(/^1 redriven/);
    await expect.poll(() => letter.count()).toBe(0);
    await stack.runtime.idle();

    // The redriven event's execution succeeds, and the Events page links to it.
    await page.goto(`${stack.consoleUrl}#/events`);
    await expect.poll(() => eventRow.count()).toBe(2);
    const succeeded = eventRow.locator('[data-field="executions"] div', { hasText: 'SUCCEEDED' });
    await expect.poll(() => succeeded.count(), { timeout: 20_000 }).toBe(1);
    await succeeded.locator('a').click();
    await expect.poll(() => page.locator('.execution-header .badge').textContent(), { timeout: 20_000 }).toBe('SUCCEEDED');
    expect(await page.locator('.execution-header').textContent()).toContain(eventId);
    await expect.poll(() => logMetric.getAttribute('data-outcome')).toBe('succeeded');
  }, 90_000);

  it('tests a pattern against an event: the match, and AWS’s refusal of a bad pattern', async () => {
    // Prepare: the box starts from the rule's pattern and an event it matches.
    await page.goto(`${stack.consoleUrl}#/events`);
    const result = page.locator('[data-field="pattern-result"]');

    // Act + Assess
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => result.getAttribute('data-result')).toBe('true');
    await page.locator('#pattern').fill('{"source": ["someone-else"]}');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => result.getAttribute('data-result')).toBe('false');
    await page.locator('#pattern').fill('{"source": "not-a-list"}');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => result.getAttribute('data-result')).toBe('error');
    expect(await result.textContent()).toMatch(/^InvalidEventPatternException: /);
  });

  it('renders the hostile event as text on the Events page too', async () => {
    await page.goto(`${stack.consoleUrl}#/events`);
    // The hostile table's markup row and the test's own event both carry the <img onerror> player.
    const hostileRows = page.locator('table.events tbody tr', { hasText: '<img src=x onerror=window.__pwned=1>' });
    await expect.poll(() => hostileRows.count()).toBe(2);
    const ours = hostileRows.filter({ hasText: '<script>window.__pwned=2</script>' });
    await expect.poll(() => ours.count()).toBe(1);
    await ours.locator('details summary').click();
    expect(await ours.locator('pre').textContent()).toContain('<script>window.__pwned=2</script>');
    await assertInert(page);
  });

  it('refuses a redrive from another origin', async () => {
    const response = await fetch(`${stack.consoleUrl}api/redrive`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
    expect(response.status).toBe(403);
    expect((await fetch(`${stack.consoleUrl}api/redrive`)).status).toBe(405);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

async function assertInert(page: Page): Promise<void> {
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('main script').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
}
