/**
 * The suite run page and the runs page's custom time range in Debian's Chromium (playwright-core,
 * never a downloaded browser) against the real product: `tracecheck start` in a fresh folder with the
 * instrumented service as the system under test. A suite of two tests, the second reading an output of
 * the first, is run from its page; its run page follows it live to the end. Runs outside a custom time
 * range are left out of the runs page.
 */
import { describe, expect, it } from 'vitest';
import { eventually, saveScreenshot, useDashboard, warnWhenChromiumMissing } from './browser-test-support';
import { hasChromium } from './start-dashboard';

const RUN_TIMEOUT_MS = 150_000;
const VIEWPORT = { width: 1280, height: 900 };

warnWhenChromiumMissing('the suite run page and time range tests');

interface RunJson {
  readonly id: string;
  readonly createdAt: string;
}

describe.skipIf(!hasChromium)(
  'suite runs and time ranges against tracecheck start',
  { timeout: 240_000 },
  () => {
    // The From and To boxes show local time: UTC makes the values this test types mean one instant.
    const dashboard = useDashboard({ context: { viewport: VIEWPORT, timezoneId: 'UTC' } });
    const { api } = dashboard;

    /** Stores an HTTP test of the instrumented service. */
    async function createTest(spec: {
      readonly id: string;
      readonly name: string;
      readonly path: string;
      readonly specs: readonly { selector: string; assertions: string[] }[];
      readonly outputs?: readonly { name: string; selector: string; value: string }[];
    }): Promise<void> {
      await api('PUT', '/tests', {
        type: 'Test',
        spec: {
          id: spec.id,
          name: spec.name,
          trigger: {
            type: 'http',
            httpRequest: { method: 'POST', url: `${dashboard.product.serviceUrl}${spec.path}` },
          },
          specs: spec.specs,
          ...(spec.outputs ? { outputs: spec.outputs } : {}),
        },
      });
    }

    it('runs a suite from its page and follows the suite run live to its end, step by step', async () => {
      await createTest({
        id: 'suite-create-order',
        name: 'Create order',
        path: '/orders',
        specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
        outputs: [
          {
            name: 'ORDER_ID',
            selector: 'span[name="Tracetest trigger"]',
            value: `attr:tracetest.response.body | json_path '$.id'`,
          },
        ],
      });
      await createTest({
        id: 'suite-read-order',
        name: 'Read order',
        // The variable is the first step's output, handed on by the suite (SPEC §6.4).
        path: `/orders/\${var:ORDER_ID}`,
        specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.target = "/orders/7"'] }],
      });
      await api('PUT', '/testsuites', {
        type: 'TestSuite',
        spec: { id: 'order-flow', name: 'Order flow', steps: ['suite-create-order', 'suite-read-order'] },
      });

      const page = await dashboard.newPage('/testsuite/order-flow');
      const streams: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/events/stream')) streams.push(new URL(request.url()).search);
      });
      await page.getByRole('heading', { name: /Order flow/ }).waitFor();
      await page.getByRole('button', { name: 'Run suite' }).click();
      await page.waitForURL(/\/testsuite\/order-flow\/run\/\d+$/);
      const suiteRunId = /\/run\/(\d+)$/.exec(page.url())?.[1] ?? '';
      await page.getByRole('heading', { name: `Order flow v1 run #${suiteRunId}` }).waitFor();
      // A reload or a navigation would drop this mark: the page must reach the end by live events.
      await page.evaluate(() => {
        (window as unknown as { suiteRunMark: boolean }).suiteRunMark = true;
      });

      const suiteState = page.locator('.suite-run-status [data-state]');
      await eventually(() => suiteState.getAttribute('data-state'), RUN_TIMEOUT_MS).toBe('FINISHED');
      expect(await suiteState.textContent()).toBe('Passed');
      // The page followed the suite run's live stream.
      expect(streams).toContain(`?suiteRunId=${suiteRunId}`);
      expect(await page.evaluate(() => (window as unknown as { suiteRunMark?: boolean }).suiteRunMark)).toBe(
        true,
      );

      // Both steps, in order, each linked to its test and to its run, with the output handed on.
      const steps = page.locator('.suite-step');
      await eventually(() => steps.count()).toBe(2);
      const first = page.locator('.suite-step[data-step="1"]');
      const second = page.locator('.suite-step[data-step="2"]');
      await eventually(() => first.locator('[data-state]').getAttribute('data-state')).toBe('FINISHED');
      await eventually(() => second.locator('[data-state]').getAttribute('data-state')).toBe('FINISHED');
      expect(await first.getByRole('link', { name: 'Create order', exact: true }).getAttribute('href')).toBe(
        '/test/suite-create-order',
      );
      expect(await second.getByRole('link', { name: 'Read order', exact: true }).getAttribute('href')).toBe(
        '/test/suite-read-order',
      );
      await eventually(() => first.textContent()).toContain('ORDER_ID = 7');
      await eventually(() => second.textContent()).toMatch(/ORDER_ID = 7 \(output of step 1\)/);
      await saveScreenshot(page, 'suite-run');

      const suiteRun = await api<{ steps: RunJson[] }>('GET', `/testsuites/order-flow/run/${suiteRunId}`);
      const firstRunId = suiteRun.steps[0]?.id ?? '';
      const stepLink = page.getByRole('link', { name: `Run ${firstRunId} of Create order` });
      expect(await stepLink.getAttribute('href')).toBe(`/test/suite-create-order/run/${firstRunId}/test`);

      // The suite page lists the run, linked to this page.
      await page.getByRole('link', { name: '← Order flow' }).click();
      const runLink = page.getByRole('link', { name: `#${suiteRunId}`, exact: true });
      await runLink.waitFor();
      expect(await runLink.getAttribute('href')).toBe(`/testsuite/order-flow/run/${suiteRunId}`);
      await runLink.click();
      await page.waitForURL(new RegExp(`/testsuite/order-flow/run/${suiteRunId}$`));

      // A step's link opens the run of its test.
      await page.getByRole('link', { name: `Run ${firstRunId} of Create order` }).click();
      await page.waitForURL(new RegExp(`/test/suite-create-order/run/${firstRunId}/test`));
      await page.getByRole('heading', { name: /Create order/ }).waitFor();
      // … whose header links back to the suite run.
      await page.getByRole('link', { name: `step of suite order-flow run #${suiteRunId}` }).click();
      await page.waitForURL(new RegExp(`/testsuite/order-flow/run/${suiteRunId}$`));
      await page.close();
    });

    it('lists only the runs inside a custom time range, and says when the range is backwards', async () => {
      await createTest({
        id: 'range-test',
        name: 'Range test',
        path: '/orders',
        specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
      });
      // Three runs one after the other: the range keeps the middle one only.
      const before = await api<RunJson>('POST', '/tests/range-test/run');
      const inside = await api<RunJson>('POST', '/tests/range-test/run');
      const after = await api<RunJson>('POST', '/tests/range-test/run');
      const [beforeMs, insideMs, afterMs] = [before, inside, after].map((run) => Date.parse(run.createdAt));
      // The bounds are exclusive and the store may keep finer times than milliseconds: 1 ms of margin.
      expect(insideMs! - beforeMs!, 'runs created in the same 2 ms').toBeGreaterThanOrEqual(2);
      expect(afterMs!).toBeGreaterThan(insideMs!);
      const from = new Date(beforeMs! + 1).toISOString();
      const to = after.createdAt;

      const page = await dashboard.newPage(
        `/runs?testId=range-test&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      );
      const rows = page.locator('tbody tr', { has: page.locator('a[href^="/test/range-test/run/"]') });
      // The select's label holds its options too: find it by the label's own words.
      const timeSelect = page
        .locator('label')
        .filter({ has: page.locator('span', { hasText: /^Time$/ }) })
        .locator('select');
      await page.getByRole('link', { name: `#${inside.id}`, exact: true }).waitFor();
      await eventually(() => rows.count()).toBe(1);
      expect(await timeSelect.inputValue()).toBe('custom');
      expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe(from.slice(0, 16));

      // A range that ends before it starts lists nothing and says what to fix.
      await page.getByLabel('To', { exact: true }).fill('2000-01-01T00:00');
      const problem = page.getByRole('alert').filter({ hasText: '“From” is after “To”' });
      await problem.waitFor();
      await eventually(() => rows.count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('to')).toBe('2000-01-01T00:00:00.000Z');
      expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');

      // A fixed range replaces the custom one; choosing a custom range again starts with the last day.
      await timeSelect.selectOption('24h');
      await eventually(() => rows.count()).toBe(3);
      expect(await problem.count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('from')).toBeNull();
      await timeSelect.selectOption('custom');
      await eventually(() => new URL(page.url()).searchParams.get('from')).not.toBeNull();
      await eventually(() => rows.count()).toBe(3);
      await page.close();
    });
  },
);
