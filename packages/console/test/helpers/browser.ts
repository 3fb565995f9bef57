import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';

/** Headless Chromium from the @sparticuz/chromium npm package (no browser download, no apt). */
export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args, '--lang=en-US'], headless: true });
}
