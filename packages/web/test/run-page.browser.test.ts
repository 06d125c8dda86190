import { decodeOtlpJson, parseSelector, parseTraceId, selectSpans, traceFromRecords } from '@tracecheck/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestRunView } from '../src/api/api-types';
import { diffTraces } from '../src/compare/diff-traces';
import {
  createDashboardFixtures,
  type DashboardFixtures,
  ORDER_RUN_ID,
  ORDER_TEST_ID,
} from './dashboard-fixtures';
import { eventually, hasChromium, useFakeDashboard, warnWhenChromiumMissing } from './fake-dashboard';
import { createSyntheticOtlpTrace, SYNTHETIC_TRACE_ID } from './synthetic-otlp-trace';

const SPAN_COUNT = 400;
/** The older run compared with: a smaller trace of the same shape, so spans are added and missing. */
const BASELINE_RUN_ID = '6';
const BASELINE_SPAN_COUNT = 300;
warnWhenChromiumMissing('the run page browser tests');

/** The dashboard fixtures with a second, older and passing run of the order test (no live run). */
function fixturesWithTwoRuns(): DashboardFixtures {
  const base = createDashboardFixtures(SPAN_COUNT);
  const run = base.runs.find((candidate) => candidate.id === ORDER_RUN_ID)!;
  const baseline: TestRunView = {
    ...run,
    id: BASELINE_RUN_ID,
    state: 'FINISHED',
    pass: 3,
    fail: 0,
    createdAt: '2025-02-28T10:00:00.000Z',
  };
  const traces = new Map(base.traces);
  traces.set(
    `${ORDER_TEST_ID}/${BASELINE_RUN_ID}`,
    JSON.stringify(createSyntheticOtlpTrace({ spanCount: BASELINE_SPAN_COUNT })),
  );
  return { ...base, runs: [run, baseline], traces, live: new Map() };
}

function traceOf(fixtures: DashboardFixtures, runId: string) {
  const text = fixtures.traces.get(`${ORDER_TEST_ID}/${runId}`)!;
  return traceFromRecords(parseTraceId(SYNTHETIC_TRACE_ID), decodeOtlpJson(text));
}

function runUrl(tab: string): string {
  return `/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/${tab}`;
}

describe.skipIf(!hasChromium)('run page in Chromium', { timeout: 120_000 }, () => {
  const dashboard = useFakeDashboard(fixturesWithTwoRuns);
  const { openPage } = dashboard;

  it('edits a spec with suggestions, a live preview, inline errors and a dry run', async () => {
    const dryRuns: unknown[] = [];
    const page = await openPage(runUrl('test'), async (target) => {
      await target.route('**/api/tests/*/run/*/dry-run', async (route) => {
        dryRuns.push(route.request().postDataJSON());
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            allPassed: true,
            results: [
              {
                selector: { query: 'span[tracetest.span.type="database"]' },
                results: [
                  {
                    assertion: 'attr:db.system = "postgresql"',
                    allPassed: true,
                    spanResults: [{ spanId: null, passed: true, observedValue: 'postgresql' }],
                  },
                ],
              },
            ],
          }),
        });
      });
    });
    await page.getByRole('button', { name: 'Edit specs' }).click();
    const selector = page.getByRole('combobox', { name: 'Selector' });
    await selector.waitFor();
    await eventually(() => selector.inputValue()).toBe(
      'span[tracetest.span.type="http" name="POST /orders"]',
    );

    // The preview counts and highlights the spans the selector matches, as core's selectSpans does.
    const trace = traceOf(dashboard.fixtures, ORDER_RUN_ID);
    const expected = selectSpans(trace, parseSelector('span[tracetest.span.type="database"]')).length;
    expect(expected).toBeGreaterThan(1);
    await selector.fill('span[tracetest.span.type="database"]');
    await eventually(() => page.locator('.suggest-status').first().textContent()).toBe(
      `Matches ${expected.toLocaleString('en-US')} spans (highlighted in the trace)`,
    );
    await eventually(() => page.locator('[role=treeitem].is-highlighted').count()).toBeGreaterThan(0);

    // A syntax error shows where it is.
    await selector.fill('span[name=]');
    await eventually(() => page.getByRole('alert').filter({ hasText: 'Column 11' }).count()).toBe(1);

    // Suggestions: attribute names of this trace, taken with the keyboard.
    await selector.fill('');
    await selector.pressSequentially('span[db.sys');
    const options = page.getByRole('listbox', { name: 'Suggestions for Selector' }).getByRole('option');
    await eventually(() => options.first().textContent()).toContain('db.system');
    await selector.press('Enter');
    await eventually(() => selector.inputValue()).toBe('span[db.system');
    await selector.pressSequentially('="postgresql"]');

    const assertion = page.getByRole('combobox', { name: 'Assertion 1' });
    await assertion.fill('');
    await assertion.pressSequentially('attr:db.sy');
    await eventually(() =>
      page
        .getByRole('listbox', { name: 'Suggestions for Assertion 1' })
        .getByRole('option')
        .first()
        .textContent(),
    ).toContain('attr:db.system');
    await assertion.press('Tab');
    await assertion.pressSequentially(' = "postgresql"');
    await eventually(() => assertion.inputValue()).toBe('attr:db.system = "postgresql"');

    await page.getByRole('button', { name: 'Dry run on this trace' }).click();
    await eventually(() => page.locator('#dry-run-title').textContent()).toContain('every spec passed');
    expect(dryRuns).toHaveLength(1);
    const sent = dryRuns[0] as { specs: { selector: string; assertions: string[] }[] };
    expect(sent.specs[0]).toMatchObject({
      selector: 'span[db.system="postgresql"]',
      assertions: ['attr:db.system = "postgresql"'],
    });
    expect(sent.specs).toHaveLength(3);
  });

  it('adds an assertion from an attribute of the selected span, saves the test and re-runs it', async () => {
    const spanId = traceOf(dashboard.fixtures, ORDER_RUN_ID).spans.find((span) =>
      span.attributes.has('db.system'),
    )!.id;
    const writes: { method: string; path: string; body: unknown }[] = [];
    const run = dashboard.fixtures.runs.find((candidate) => candidate.id === ORDER_RUN_ID)!;
    const page = await openPage(`${runUrl('test')}?selectedSpan=${spanId}`, async (target) => {
      await target.route(/\/api\/tests\/order-api(\/run\/7\/rerun)?$/, async (route) => {
        const request = route.request();
        if (request.method() === 'GET') return route.fallback();
        const body = request.postData() ? request.postDataJSON() : null;
        writes.push({ method: request.method(), path: new URL(request.url()).pathname, body });
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(request.method() === 'PUT' ? body : run),
        });
      });
    });
    await page.getByRole('button', { name: 'Edit specs' }).click();
    await page.getByRole('button', { name: 'Add an assertion on db.system' }).click();
    const added = page.getByRole('combobox', { name: 'Assertion 2' });
    await eventually(() => added.inputValue()).toBe('attr:db.system = "postgresql"');

    await page.getByRole('button', { name: 'Save and re-run' }).click();
    await eventually(() => writes.length).toBe(2);
    expect(writes[0]).toMatchObject({ method: 'PUT', path: `/api/tests/${ORDER_TEST_ID}` });
    const saved = writes[0]!.body as { type: string; spec: Record<string, unknown> };
    expect(saved.type).toBe('Test');
    expect(saved.spec).toMatchObject({ id: ORDER_TEST_ID, name: 'Order API' });
    expect(saved.spec).not.toHaveProperty('summary');
    expect((saved.spec.specs as { assertions: string[] }[])[0]!.assertions).toEqual([
      'attr:http.status_code = 201',
      'attr:db.system = "postgresql"',
    ]);
    expect(writes[1]).toMatchObject({
      method: 'POST',
      path: `/api/tests/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/rerun`,
    });
    // The editor closes on the new run's Test tab.
    await eventually(() => page.getByRole('button', { name: 'Edit specs' }).count()).toBe(1);
  });

  it('compares the run with the last passing run of the test', async () => {
    const expected = diffTraces(
      traceOf(dashboard.fixtures, ORDER_RUN_ID),
      traceOf(dashboard.fixtures, BASELINE_RUN_ID),
      {
        percent: 20,
        milliseconds: 5,
      },
    );
    expect(expected.added).toBeGreaterThan(0);
    const page = await openPage(runUrl('compare'));
    await eventually(() => page.locator('#compare-title').textContent()).toBe(
      `Run #${ORDER_RUN_ID} compared with run #${BASELINE_RUN_ID}`,
    );
    const summary = page.locator('.compare-summary');
    await eventually(() => summary.textContent()).toContain(`${expected.added} added`);
    expect(await summary.textContent()).toContain(`${expected.missing} missing`);
    expect(await page.locator('.compare-table tbody tr.diff-added').count()).toBe(
      Math.min(expected.added, 1000),
    );

    // Choosing a run in the picker compares with it: the same trace has no difference.
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption(BASELINE_RUN_ID);
    await page.getByRole('spinbutton', { name: /at least \(%\)/ }).fill('0');
    await eventually(() => page.locator('.compare-summary').textContent()).toContain(
      `${expected.added} added`,
    );
  });

  it('shows the CLI commands and YAML, and starts a run from a link after a confirmation', async () => {
    const starts: unknown[] = [];
    const run = dashboard.fixtures.runs.find((candidate) => candidate.id === ORDER_RUN_ID)!;
    const prepare = async (target: Page) => {
      await target.route(`**/api/tests/${ORDER_TEST_ID}/run`, async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        starts.push(route.request().postDataJSON());
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(run) });
      });
    };
    const page = await openPage(runUrl('automate'), prepare);
    await eventually(() =>
      page.getByText(`tracecheck run test --id ${ORDER_TEST_ID}`, { exact: true }).count(),
    ).toBe(1);
    expect(
      await page.getByText(`tracecheck run test -f ${ORDER_TEST_ID}.yaml`, { exact: true }).count(),
    ).toBe(1);
    await eventually(() => page.locator('figure[aria-label="order-api.yaml"]').textContent()).toContain(
      `id: ${ORDER_TEST_ID}`,
    );

    await page.getByRole('button', { name: '+ Variable' }).click();
    await page.getByRole('textbox', { name: 'Name of variable 1' }).fill('CUSTOMER');
    await page.getByRole('textbox', { name: 'Value of variable 1' }).fill('c-42');
    const link = await page.locator('figure[aria-label="Start-run link"] code').textContent();
    expect(link).toBe(
      `${dashboard.server.url}/test/${ORDER_TEST_ID}/run?vars=${encodeURIComponent('{"CUSTOMER":"c-42"}')}`,
    );
    expect(await page.locator('figure[aria-label="Run the stored test"] code').textContent()).toBe(
      `tracecheck run test --id ${ORDER_TEST_ID} --vars variables.yaml`,
    );

    const confirm = await openPage(new URL(link!).pathname + new URL(link!).search, prepare);
    await eventually(() => confirm.getByRole('heading', { level: 1 }).textContent()).toBe('Run Order API?');
    expect(await confirm.locator('dt').allTextContents()).toEqual(['CUSTOMER']);
    expect(starts).toEqual([]);
    await confirm.getByRole('button', { name: 'Start the run' }).click();
    await eventually(() => new URL(confirm.url()).pathname).toBe(
      `/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace`,
    );
    expect(starts).toEqual([{ variables: [{ key: 'CUSTOMER', value: 'c-42' }] }]);
  });

  it('shows the sign-in page when the server answers 401', async () => {
    const page = await openPage('/tests', async (target) => {
      await target.route(/\/api\/tests(\?|$)/, (route) =>
        route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({ status: 401, code: 'AUTH_REQUIRED', detail: 'not signed in' }),
        }),
      );
      await target.route('**/api/auth/providers', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            providers: [
              {
                id: 'github',
                kind: 'github',
                displayName: 'GitHub',
                loginUrl: `${dashboard.server.url}/api/auth/login/github`,
              },
            ],
          }),
        }),
      );
    });
    await eventually(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Sign in to Tracecheck',
    );
    const button = page.getByRole('link', { name: 'Sign in with GitHub' });
    expect(await button.getAttribute('href')).toBe(
      `${dashboard.server.url}/api/auth/login/github?returnTo=%2Ftests`,
    );
    expect(await page.locator('.sign-in-page').textContent()).toContain(
      'Use the sign-in link tracecheck start printed, or run tracecheck dashboard.',
    );
  });
});
