import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDashboardFixtures,
  LIVE_RUN_ID,
  LIVE_SPAN_COUNT,
  ORDER_RUN_ID,
  ORDER_TEST_ID,
} from './dashboard-fixtures';
import { eventually, hasChromium, useFakeDashboard, warnWhenChromiumMissing } from './fake-dashboard';
import { syntheticSpanId } from './synthetic-otlp-trace';

const SPAN_COUNT = 100_000;
/** Opening a 100k-span run downloads and decodes ~17 MB of OTLP/protobuf: generous on a busy machine. */
const BIG_PAGE_TIMEOUT_MS = 180_000;

warnWhenChromiumMissing('the dashboard browser tests');

function runUrl(tab: string, query = ''): string {
  return `/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/${tab}${query}`;
}

// Each page of the dashboard loads in a few seconds, more on a busy machine.
describe.skipIf(!hasChromium)('dashboard in Chromium', { timeout: 90_000 }, () => {
  const dashboard = useFakeDashboard(() => createDashboardFixtures(SPAN_COUNT));
  const { openPage } = dashboard;
  /** One page on the 100k-span run, opened once: the tests below drive it in turn. */
  let runPage: Page;

  beforeAll(async () => {
    runPage = await openPage(runUrl('trace'), undefined, { keep: true });
    await runPage.getByRole('treeitem').first().waitFor({ timeout: BIG_PAGE_TIMEOUT_MS });
  }, BIG_PAGE_TIMEOUT_MS + 120_000);

  it('renders a 100k-span trace with only the visible rows in the DOM', async () => {
    const tree = runPage.getByRole('tree', { name: /spans/ });
    expect(dashboard.fixtures.spanCount).toBeGreaterThanOrEqual(SPAN_COUNT);
    await eventually(() => tree.getAttribute('data-row-count')).toBe(String(dashboard.fixtures.spanCount));
    await eventually(() => runPage.locator('.search-status').textContent()).toBe('100,002 spans');
    const rows = await runPage.getByRole('treeitem').count();
    expect(rows).toBeGreaterThan(20);
    expect(rows).toBeLessThan(150);
    await eventually(() => runPage.getByRole('treeitem').first().getAttribute('aria-label')).toMatch(
      /^Tracetest trigger, GENERAL/,
    );
  });

  it('scrolls to the last of 100k rows', async () => {
    const lastSpanId = syntheticSpanId(dashboard.fixtures.spanCount - 1);
    const tree = runPage.getByRole('tree', { name: /spans/ });
    await tree.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    const lastRow = runPage.locator(`[data-span-id="${lastSpanId}"]`);
    await lastRow.waitFor();
    expect(await lastRow.isVisible()).toBe(true);
    expect(await runPage.getByRole('treeitem').count()).toBeLessThan(150);
    // Row elements are reused in place while scrolling; aria-owns lists them top to bottom, ending
    // with the last span.
    const owned = await tree.evaluate((element) =>
      (element.getAttribute('aria-owns') ?? '').split(' ').map((id) => {
        const row = document.getElementById(id);
        return { top: row?.getBoundingClientRect().top ?? Number.NaN, spanId: row?.dataset.spanId };
      }),
    );
    expect(owned.length).toBe(await runPage.getByRole('treeitem').count());
    expect(owned.every((row, i) => i === 0 || row.top > owned[i - 1]!.top)).toBe(true);
    expect(owned.at(-1)?.spanId).toBe(lastSpanId);
    await tree.evaluate((element) => {
      element.scrollTop = 0;
    });
    await runPage.getByRole('treeitem', { name: /^Tracetest trigger/ }).waitFor();
  });

  it('moves through spans with the keyboard, collapses and expands a subtree', async () => {
    const tree = runPage.getByRole('tree', { name: /spans/ });
    await tree.focus();
    await runPage.keyboard.press('Home');
    await runPage.keyboard.press('ArrowDown');
    const selected = runPage.locator('[role=treeitem][aria-selected=true]');
    await eventually(() => selected.getAttribute('aria-label')).toMatch(/^POST \/orders, HTTP, api/);
    await eventually(() => runPage.locator('.span-details h2').textContent()).toBe('POST /orders');
    await runPage.keyboard.press('ArrowLeft');
    await eventually(() => tree.getAttribute('data-row-count')).toBe('2');
    await eventually(() => selected.getAttribute('aria-expanded')).toBe('false');
    await runPage.keyboard.press('ArrowRight');
    await eventually(() => tree.getAttribute('data-row-count')).toBe(String(dashboard.fixtures.spanCount));
    await runPage.keyboard.press('End');
    await eventually(() => runPage.locator('.span-details h2').textContent()).toBe('notify customer');
    await runPage.keyboard.press('Enter');
    await eventually(() => runPage.evaluate(() => document.activeElement?.tagName)).toBe('H2');
  });

  it('searches by selector, highlights the matches and walks through them', async () => {
    const search = runPage.getByRole('searchbox', { name: 'Search spans by text or selector' });
    await search.fill('span[name="SELECT shop.orders" tracetest.span.status_code="STATUS_CODE_ERROR"]');
    const status = runPage.locator('#trace-search-status');
    // Every 97th of the 10,000 order items has a failing query.
    await eventually(() => status.textContent()).toMatch(/103 matches \(selector\)$/);
    await search.press('Enter');
    await eventually(() => status.textContent()).toBe('1 of 103 matches (selector)');
    const selected = runPage.locator('[role=treeitem][aria-selected=true]');
    await eventually(() => selected.getAttribute('class')).toContain('is-highlighted');
    await eventually(() => runPage.locator('.span-details h2').textContent()).toBe('SELECT shop.orders');
    await eventually(() => runPage.locator('.span-details').textContent()).toContain(
      'ERROR: deadlock detected',
    );
    await eventually(() => runPage.locator('.span-details').textContent()).toContain('DeadlockError');
    await search.press('Enter');
    await eventually(() => status.textContent()).toBe('2 of 103 matches (selector)');
    await search.press('Shift+Enter');
    await search.press('Shift+Enter');
    await eventually(() => status.textContent()).toBe('103 of 103 matches (selector)');
    expect(await runPage.locator('[role=treeitem].is-highlighted').count()).toBeGreaterThan(0);
  });

  it('finds spans by free text', async () => {
    const search = runPage.getByRole('searchbox', { name: 'Search spans by text or selector' });
    await search.fill('deadlock detected');
    // The span selected by the previous test is one of them: "103 of 103 matches".
    await eventually(() => runPage.locator('#trace-search-status').textContent()).toMatch(/103 matches$/);
    expect(await runPage.locator('#trace-search-status').textContent()).not.toContain('selector');
  });

  it('shows where a selector is wrong', async () => {
    const search = runPage.getByRole('searchbox', { name: 'Search spans by text or selector' });
    await search.fill("span[name='x']");
    await eventually(() => runPage.locator('#trace-search-status').textContent()).toMatch(
      /^Invalid selector at column \d+$/,
    );
    const alert = runPage.getByRole('alert');
    await eventually(() => alert.textContent()).toMatch(/column \d+/);
    expect(await search.getAttribute('aria-invalid')).toBe('true');
    await search.press('Escape');
    await eventually(() => runPage.locator('#trace-search-status').textContent()).toBe('100,002 spans');
  });

  it('selects a span from a spec result of the Test tab', async () => {
    await runPage.getByRole('tab', { name: /^Test/ }).click();
    await runPage.getByRole('button', { name: /No database query deadlocks/ }).click();
    const failed = runPage.getByRole('button', { name: /^Failed on span SELECT shop\.orders/ }).first();
    await failed.click();
    await eventually(() => new URL(runPage.url()).searchParams.get('selectedSpan')).toMatch(/^[0-9a-f]{16}$/);
    expect(new URL(runPage.url()).searchParams.get('selectedAssertion')).toBe('1');
    const selected = runPage.locator('[role=treeitem][aria-selected=true]');
    await eventually(() => selected.getAttribute('aria-label')).toMatch(
      /^SELECT shop\.orders, DATABASE, postgres-proxy, .*, error, 1 failed assertion$/,
    );
  });

  it('shows the trigger, the analyzer and the events of the run', async () => {
    await runPage.getByRole('tab', { name: /^Trigger/ }).click();
    await eventually(() => runPage.getByRole('tabpanel').textContent()).toContain('201 Created');
    expect(await runPage.getByRole('tabpanel').textContent()).toContain('"status": "accepted"');
    await runPage.getByRole('tab', { name: /^Analyzer/ }).click();
    await eventually(() => runPage.getByRole('tabpanel').textContent()).toContain(
      'OTel Semantic Conventions',
    );
    await runPage.getByRole('tab', { name: /^Events/ }).click();
    await eventually(() => runPage.getByRole('tabpanel').textContent()).toContain('Assertions evaluated');
  });

  it('shows the trace as a graph, repeated subtrees grouped', async () => {
    await runPage.getByRole('tab', { name: /^Trace/ }).click();
    await runPage.getByRole('button', { name: 'Graph', exact: true }).click();
    const graph = runPage.getByRole('group', { name: /graph of spans/ });
    await graph.waitFor({ timeout: 60_000 });
    // 10,000 order items: 9,897 alike, 103 with a failed query, each drawn once.
    expect(Number(await graph.getAttribute('data-node-count'))).toBeLessThan(30);
    // The graph opens on the selected span; "Fit" brings every node into view.
    await runPage.getByRole('button', { name: 'Fit', exact: true }).click();
    await runPage.getByRole('button', { name: 'handle order item, GENERAL, api, 9897 alike' }).click();
    await eventually(() => runPage.locator('.span-details h2').textContent()).toBe('handle order item');
    await runPage.getByRole('button', { name: 'Timeline', exact: true }).click();
    await runPage.getByRole('tree', { name: /spans/ }).waitFor();
  });

  it('follows a run live until it ends: state, spans and events arrive over the event stream', async () => {
    const page = await openPage(`/test/${ORDER_TEST_ID}/run/${LIVE_RUN_ID}/trace`);
    await eventually(() => page.locator('.run-status [data-state]').getAttribute('data-state')).toBe(
      'FINISHED',
    );
    expect(dashboard.server.requests).toContain(`GET /api/events/stream?runId=${LIVE_RUN_ID}`);
    const tree = page.getByRole('tree', { name: /spans/ });
    await eventually(() => tree.getAttribute('data-row-count')).toBe(String(LIVE_SPAN_COUNT));
    await page.getByRole('tab', { name: /^Events/ }).click();
    await page.getByText('Spans are arriving').waitFor();
    expect(await page.locator('.live-indicator').count()).toBe(0);
    await page.close();
  });

  it('switches to the dark theme and remembers it', async () => {
    const page = await openPage('/tests');
    await page.getByRole('link', { name: 'Order API', exact: true }).waitFor();
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const after = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(after).not.toBe(before);
    await page.reload();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.close();
  });

  it('lists tests with search and shows a test with its YAML and runs', async () => {
    const page = await openPage('/tests');
    await page.getByRole('link', { name: 'Checkout smoke', exact: true }).waitFor();
    expect(await page.getByRole('row').count()).toBe(3);
    await page.getByRole('searchbox', { name: 'Search tests by name or id' }).fill('order');
    await eventually(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('link', { name: 'Order API', exact: true }).click();
    await page.getByRole('heading', { name: /Order API/ }).waitFor();
    await page.getByRole('button', { name: 'View YAML' }).click();
    await eventually(() => page.getByLabel('YAML of Order API').textContent()).toContain('type: Test');
    expect(await page.getByRole('button', { name: 'Copy YAML' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: `#${ORDER_RUN_ID}`, exact: true }).count()).toBe(1);
    await page.close();
  });

  it('filters runs and says when nothing matches', async () => {
    const page = await openPage('/runs');
    await page.getByRole('link', { name: `#${ORDER_RUN_ID}`, exact: true }).waitFor();
    await page.getByLabel('State').selectOption('STOPPED');
    await eventually(() => page.url()).toContain('state=STOPPED');
    await page.getByText('No run matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: `#${ORDER_RUN_ID}`, exact: true }).waitFor();
    await page.close();
  });
});
