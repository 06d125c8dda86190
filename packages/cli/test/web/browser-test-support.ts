/**
 * What the browser tests of the real product share: the product and Chromium started around a `describe`
 * (signed in, page errors collected), waiting on conditions, skipping loudly, screenshots for the README.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  buildDashboard,
  CHROMIUM,
  CHROMIUM_ARGS,
  hasChromium,
  type RunningProduct,
  startProduct,
} from './start-dashboard';

/** Building the dashboard and starting the product may take minutes on a loaded machine. */
const START_TIMEOUT_MS = 300_000;

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

/** Playwright waits 30 s by default; a loaded 2-core CI machine can take longer to render a page. */
const DEFAULT_ACTION_TIMEOUT_MS = 60_000;

export interface DashboardOptions {
  /** The browser context's options: viewport, time zone, colour scheme… */
  readonly context: BrowserContextOptions;
  /** The default timeout of the context's actions and waits (60 s: CI machines can be slow). */
  readonly actionTimeoutMs?: number;
  /** Signs the browser in with the one-time link `start` printed before the first test (default true). */
  readonly signIn?: boolean;
}

export interface Dashboard {
  /** The running product (`tracecheck start` and the instrumented service). */
  readonly product: RunningProduct;
  /** The browser context every page of the tests opens in (signed in unless `signIn: false`). */
  readonly context: BrowserContext;
  /** Opens a page whose uncaught errors fail the test, at `href` of the dashboard when given. */
  newPage(href?: string): Promise<Page>;
  /** Calls the API with the admin token `start` wrote; an error status throws with the answer's body. */
  api<T>(method: string, apiPath: string, body?: unknown): Promise<T>;
}

/**
 * Registers on the calling `describe` the real product and Chromium: started (and signed in) before its
 * tests, checked after each that no page threw, stopped after all.
 *
 * @example
 * const dashboard = useDashboard({ context: { viewport: { width: 1280, height: 900 } } });
 * it('lists the tests', async () => {
 *   const page = await dashboard.newPage('/tests');
 * });
 */
export function useDashboard(options: DashboardOptions): Dashboard {
  let product: RunningProduct | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('the dashboard is used before `useDashboard` started it');
    return value;
  }

  const dashboard: Dashboard = {
    get product() {
      return started(product);
    },
    get context() {
      return started(context);
    },
    async newPage(href) {
      const page = await started(context).newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      if (href !== undefined) await page.goto(`${started(product).url}${href}`);
      return page;
    },
    async api<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
      const { url, adminToken } = started(product);
      const response = await fetch(`${url}/api${apiPath}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok)
        throw new Error(`${method} ${apiPath} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    },
  };

  beforeAll(async () => {
    await buildDashboard();
    product = await startProduct();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext(options.context);
    context.setDefaultTimeout(options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS);
    if (options.signIn === false) return;
    if (product.signInLink === undefined) throw new Error('`tracecheck start` printed no sign-in link');
    const page = await dashboard.newPage();
    await page.goto(product.signInLink);
    // The link is the API's; it signs the browser in and sends it on to the dashboard.
    await page.waitForURL((url) => !url.pathname.startsWith('/api/'));
    await page.close();
  }, START_TIMEOUT_MS);

  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    product?.stop();
  });

  return dashboard;
}
