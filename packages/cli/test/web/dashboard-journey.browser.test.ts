/**
 * One user's whole journey through the dashboard in Debian's Chromium (playwright-core, never a downloaded
 * browser) against the real product (`tracecheck start` with the instrumented service): sign in with the
 * one-time link, create an HTTP test through the forms with a passing and a failing spec, run it and watch
 * it finish live, open the failing span from the failed assertion, edit a spec with its live preview,
 * save and re-run, compare the two runs, and visit the settings pages.
 *
 * With `TRACECHECK_SCREENSHOTS=<folder>` it also saves 1280×800 PNGs of the main pages into that folder
 * (the README's screenshots: `TRACECHECK_SCREENSHOTS=docs/screenshots npx vitest run <this file>`).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, saveScreenshot, useDashboard, warnWhenChromiumMissing } from './browser-test-support';
import { hasChromium } from './start-dashboard';

const EVENTUALLY_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 120_000;
const VIEWPORT = { width: 1280, height: 800 };

warnWhenChromiumMissing('the dashboard journey');

describe.skipIf(!hasChromium)('a user journey through the dashboard', { timeout: 180_000 }, () => {
  // Signing in is the journey's first step.
  const dashboard = useDashboard({ context: { viewport: VIEWPORT, colorScheme: 'light' }, signIn: false });
  let page: Page;
  const streams: string[] = [];
  let testId = '';
  let firstRunId = '';
  let secondRunId = '';

  function runUrlPattern(tab: string): RegExp {
    return new RegExp(`/test/${testId}/run/\\d+/${tab}`);
  }

  /** Follows the run page until the run ends, checking that it ends by live events, not a reload. */
  async function watchRunFinish(): Promise<Set<string>> {
    const state = page.locator('.run-status [data-state]');
    await state.waitFor({ timeout: EVENTUALLY_TIMEOUT_MS });
    // A reload or a navigation would drop this mark.
    await page.evaluate(() => {
      (window as unknown as { journeyMark: boolean }).journeyMark = true;
    });
    const seen = new Set<string>();
    await eventually(async () => {
      const current = (await state.getAttribute('data-state')) ?? '';
      seen.add(current);
      return current;
    }, RUN_TIMEOUT_MS).toBe('FINISHED');
    expect(await page.evaluate(() => (window as unknown as { journeyMark?: boolean }).journeyMark)).toBe(
      true,
    );
    return seen;
  }

  beforeAll(async () => {
    page = await dashboard.newPage();
    page.on('request', (request) => {
      if (request.url().includes('/api/events/stream')) streams.push(request.url());
    });
  });

  it('signs in with the one-time link `tracecheck start` printed', async () => {
    const unsigned = await fetch(`${dashboard.product.url}/api/tests`);
    expect(unsigned.status, 'the embedded server asks browsers to sign in').toBe(401);
    expect(dashboard.product.signInLink).toBeDefined();
    await page.goto(dashboard.product.signInLink ?? '');
    await page.goto(`${dashboard.product.url}/tests`);
    await page.getByRole('link', { name: 'Create a test' }).first().waitFor();
    const cookies = await dashboard.context.cookies(dashboard.product.url);
    expect(cookies.length).toBeGreaterThan(0);
  });

  it('creates an HTTP test through the forms with a passing and a failing spec', async () => {
    await page.getByRole('link', { name: 'Create a test' }).first().click();
    await page.getByRole('heading', { name: 'New test' }).waitFor();
    await page.getByRole('button', { name: 'Close import' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Create an order');
    await page.getByLabel('Method', { exact: true }).selectOption('POST');
    await page.getByLabel('URL', { exact: true }).fill(`${dashboard.product.serviceUrl}/orders`);
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Headers 1 key').fill('Content-Type');
    await page.getByLabel('Headers 1 value').fill('application/json');
    await page.getByLabel('Body', { exact: true }).fill('{"qty": 2}');
    await page.getByRole('button', { name: 'Add spec' }).click();
    await page.getByLabel('Spec 1 name').fill('The order is stored');
    await page
      .getByLabel('Spec 1 selector')
      .fill('span[name="POST /orders"] span[tracetest.span.type="database"]');
    await page.getByLabel('Spec 1 assertion 1').fill('attr:db.statement contains "INSERT"');
    await page.getByRole('button', { name: 'Add spec' }).click();
    await page.getByLabel('Spec 2 name').fill('The order answers OK');
    await page.getByLabel('Spec 2 selector').fill('span[name="POST /orders"]');
    // The service answers 201: this assertion fails.
    await page.getByLabel('Spec 2 assertion 1').fill('attr:http.status_code = 200');
    await page.getByLabel('Name', { exact: true }).focus();
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'test-editor');
    await page.getByRole('button', { name: 'Create test' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'Created' });
    await saved.waitFor();
    expect(await saved.textContent()).toMatch(/Created Create an order, version 1\./);

    // Run it from the confirmation.
    await saved.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/test\/[^/]+\/run\/\d+\//, { timeout: EVENTUALLY_TIMEOUT_MS });
    const match = /\/test\/([^/]+)\/run\/(\d+)\//.exec(page.url());
    testId = match?.[1] ?? '';
    firstRunId = match?.[2] ?? '';
    expect(testId).not.toBe('');
  });

  it('watches the run finish live, then shows the failed spec', async () => {
    // Whether the page still sees the run in progress depends on the machine's speed (a run may end
    // before the page is up); when it did, it followed the run over the run's event stream.
    const states = await watchRunFinish();
    const sawProgress = [...states].some((state) => state !== 'FINISHED');
    // The page followed the run over its event stream.
    if (sawProgress) expect(streams.some((url) => url.includes(`runId=${firstRunId}`))).toBe(true);
    await page.getByRole('tab', { name: /^Trace/ }).click();
    await page.waitForURL(runUrlPattern('trace'));
    const tree = page.getByRole('tree', { name: /spans/ });
    await eventually(() => page.getByRole('treeitem', { name: /^POST \/orders/ }).count()).toBeGreaterThan(0);
    await eventually(async () => Number(await tree.getAttribute('data-row-count'))).toBeGreaterThanOrEqual(3);

    await page.getByRole('tab', { name: /^Test/ }).click();
    await page.waitForURL(runUrlPattern('test'));
    await eventually(() => page.getByText('1 of 2 specs passed').count()).toBe(1);
  });

  it('opens the failing span from the failed assertion', async () => {
    await page.getByRole('button', { name: /The order answers OK/ }).click();
    await page.getByText('attr:http.status_code = 200', { exact: true }).waitFor();
    const failed = page.getByRole('button', { name: /^Failed on span POST \/orders/ }).first();
    await failed.click();
    await eventually(() => new URL(page.url()).searchParams.get('selectedSpan')).toMatch(/^[0-9a-f]{16}$/);
    const selected = page.locator('[role=treeitem][aria-selected=true]');
    await eventually(() => selected.getAttribute('aria-label')).toMatch(
      /^POST \/orders, .*1 failed assertion$/,
    );
    expect(await selected.isVisible()).toBe(true);
    expect(await failed.getAttribute('class')).toContain('is-current');
    await saveScreenshot(page, 'run-test-failed');
    // The Trace tab keeps the span selected and shows its details: the observed status code.
    await page.getByRole('tab', { name: /^Trace/ }).click();
    await eventually(() => page.locator('.span-details h2').textContent()).toBe('POST /orders');
    expect(await page.locator('.span-details').textContent()).toContain('201');
    await saveScreenshot(page, 'run-trace');
    await page.getByRole('tab', { name: /^Test/ }).click();
  });

  it('edits the failing spec with the live preview, saves and re-runs', async () => {
    await page.getByRole('button', { name: 'Edit specs' }).click();
    await page.getByRole('heading', { name: 'Edit specs' }).waitFor();
    await page
      .getByRole('region', { name: 'Edit specs' })
      .getByRole('button', { name: 'The order answers OK' })
      .click();
    const selector = page.getByRole('combobox', { name: 'Selector' });
    await eventually(() => selector.inputValue()).toBe('span[name="POST /orders"]');
    // The preview counts the spans the selector matches as it is typed.
    await selector.fill('span[tracetest.span.type="database"]');
    await eventually(() => page.locator('.suggest-status').first().textContent()).toBe(
      'Matches 1 span (highlighted in the trace)',
    );
    await eventually(() => page.locator('[role=treeitem].is-highlighted').count()).toBeGreaterThan(0);
    await selector.fill('span[name="POST /orders"]');
    await eventually(() => page.locator('.suggest-status').first().textContent()).toBe(
      'Matches 1 span (highlighted in the trace)',
    );
    const assertion = page.getByRole('combobox', { name: 'Assertion 1' });
    await assertion.fill('attr:http.status_code = 201');
    await page.getByRole('button', { name: 'Save and re-run' }).click();
    await eventually(
      () => /\/run\/(\d+)\//.exec(page.url())?.[1] ?? firstRunId,
      EVENTUALLY_TIMEOUT_MS,
    ).not.toBe(firstRunId);
    secondRunId = /\/run\/(\d+)\//.exec(page.url())?.[1] ?? '';
    await watchRunFinish();
    await page.getByRole('tab', { name: /^Test/ }).click();
    await eventually(() => page.getByText('2 of 2 specs passed').count()).toBe(1);
  });

  it('compares the two runs', async () => {
    await page.getByRole('tab', { name: /^Compare/ }).click();
    await page.waitForURL(runUrlPattern('compare'));
    const picker = page.getByRole('combobox', { name: 'Compare with' });
    await picker.waitFor({ timeout: EVENTUALLY_TIMEOUT_MS });
    // The first run failed: the default baseline is the latest other run, not called "last passing".
    const chosen = picker.locator('option:checked');
    await eventually(() => chosen.getAttribute('value')).toBe(firstRunId);
    expect(await chosen.textContent()).toMatch(/\(latest\)$/);
    await picker.selectOption(firstRunId);
    await eventually(() => page.locator('#compare-title').textContent()).toBe(
      `Run #${secondRunId} compared with run #${firstRunId}`,
    );
    // A re-run on the stored trace compares the same spans: nothing added or missing.
    await eventually(() => page.locator('.compare-summary').textContent()).toMatch(
      /^0 added · 0 missing · \d+ slower/,
    );
    await saveScreenshot(page, 'run-compare');
  });

  it('visits the settings pages', async () => {
    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Settings' });
    for (const [section, control] of [
      ['Data store', 'Type'],
      ['Polling profiles', 'Timeout'],
      ['Analyzer', 'Minimum score'],
      ['Required gates', 'analyzer-score'],
    ] as const) {
      await nav.getByRole('link', { name: section }).click();
      await eventually(() => page.locator('#settings-section-title').textContent()).toBe(section);
      await page.getByLabel(control, { exact: true }).first().waitFor();
      if (section === 'Data store') await saveScreenshot(page, 'settings');
    }

    await page.getByRole('link', { name: 'Tests', exact: true }).first().click();
    await page.getByRole('link', { name: 'Create an order', exact: true }).waitFor();
    await saveScreenshot(page, 'tests');
  });
});
