/**
 * What the dashboard's browser tests against the fake API share: Debian's Chromium (never a
 * downloaded browser, skipped loudly when missing), waits fit for a busy machine, and a suite set-up
 * that builds the dashboard, serves it with fixtures, opens pages and checks that none threw.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ensureDashboardBuilt } from './build-dashboard';
import type { DashboardFixtures } from './dashboard-fixtures';
import { type DashboardServer, serveDashboard } from './serve-dashboard';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const DIST_DIR = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'dist');

/** How long a page may take to show what a test waits for; a busy machine needs seconds. */
const EVENTUALLY_TIMEOUT_MS = 30_000;
/** Playwright waits 30 s by default; a loaded CI machine can take longer to render a page. */
const ACTION_TIMEOUT_MS = 60_000;

/** `expect.poll` with a timeout fit for a browser on a busy machine (the default is one second). */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: EVENTUALLY_TIMEOUT_MS, interval: 100 });
}

/** Says loudly that `what` is skipped when Debian's Chromium is missing. */
export function warnWhenChromiumMissing(what: string): void {
  if (hasChromium) return;
  console.warn(
    `\n⚠⚠⚠ SKIPPING ${what}: ${CHROMIUM} is missing. Install Debian's Chromium ` +
      '(apt-get install chromium); these tests never download a browser. ⚠⚠⚠\n',
  );
}

export interface FakeDashboard {
  readonly fixtures: DashboardFixtures;
  readonly server: DashboardServer;
  /**
   * Opens `href` in a new 1440×900 page after `prepare` (routes to install…). The page closes after
   * the test unless `keep` is set (a page several tests drive in turn).
   */
  openPage(
    href: string,
    prepare?: (page: Page) => Promise<void>,
    options?: { keep?: boolean },
  ): Promise<Page>;
}

/**
 * Sets up the suite it is called in: builds the dashboard, serves it with `createFixtures()`, launches
 * Chromium; after each test closes its pages and expects no error thrown in any page.
 * @example const dashboard = useFakeDashboard(() => createDashboardFixtures(200));
 */
export function useFakeDashboard(createFixtures: () => DashboardFixtures): FakeDashboard {
  let fixtures: DashboardFixtures | undefined;
  let server: DashboardServer | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  const pages: Page[] = [];
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the fake dashboard has no ${what} yet (beforeAll did not run)`);
    return value;
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    fixtures = createFixtures();
    server = await serveDashboard(DIST_DIR, fixtures);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 240_000);

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get fixtures() {
      return ready(fixtures, 'fixtures');
    },
    get server() {
      return ready(server, 'server');
    },
    async openPage(href, prepare, options = {}) {
      const page = await ready(browser, 'browser').newPage({ viewport: { width: 1440, height: 900 } });
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      if (options.keep !== true) pages.push(page);
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      await prepare?.(page);
      await page.goto(`${ready(server, 'server').url}${href}`);
      return page;
    },
  };
}
