/**
 * What the browser tests of the real product share besides starting it: waiting on conditions, skipping
 * loudly, screenshots for the README.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM, hasChromium } from './start-dashboard';

const EVENTUALLY_TIMEOUT_MS = 30_000;

/** Polls `read` until the matcher that follows holds (30 s by default): wait on conditions, never on time. */
export function eventually<T>(read: () => T | Promise<T>, timeout = EVENTUALLY_TIMEOUT_MS) {
  return expect.poll(read, { timeout, interval: 200 });
}

/** Says loudly that `what` is skipped when Debian's Chromium is missing. */
export function warnWhenChromiumMissing(what: string): void {
  if (hasChromium) return;
  console.warn(
    `\n⚠⚠⚠ SKIPPING ${what}: ${CHROMIUM} is missing. Install Debian's Chromium ` +
      '(apt-get install chromium); these tests never download a browser. ⚠⚠⚠\n',
  );
}

/** Where `TRACECHECK_SCREENSHOTS=<folder>` asks the browser tests to save the README's screenshots. */
const SCREENSHOTS_DIR = process.env.TRACECHECK_SCREENSHOTS
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.TRACECHECK_SCREENSHOTS)
  : undefined;

/**
 * Saves `<name>.png` of the page into the `TRACECHECK_SCREENSHOTS` folder, once fonts, layout and the
 * last live update settled; does nothing without that variable.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS_DIR === undefined) return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`) });
}
