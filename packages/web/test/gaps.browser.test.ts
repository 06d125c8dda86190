import { decodeOtlpJson, parseTraceId, traceFromRecords } from '@tracecheck/core';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MonitorRunView, RunGroupDetailView, RunGroupView, TestRunView } from '../src/api/api-types';
import { assertionFromAttribute, selectorForSpan } from '../src/spec-editor/spec-language';
import { createDashboardFixtures, IDLE_TEST_ID, ORDER_RUN_ID, ORDER_TEST_ID } from './dashboard-fixtures';
import { eventually, hasChromium, useFakeDashboard, warnWhenChromiumMissing } from './fake-dashboard';
import { SYNTHETIC_TRACE_ID } from './synthetic-otlp-trace';

const SPAN_COUNT = 200;
warnWhenChromiumMissing('the dashboard gaps browser tests');

/** An API answer a test gives in the page: status, JSON body, headers. */
interface Answer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * Answers the API calls `answer` knows (by `METHOD /path?query`) in the page, records them in `seen`,
 * and lets the others through to the fake API.
 */
async function answerInPage(
  page: Page,
  seen: string[],
  answer: (call: string, path: string) => Answer | undefined,
): Promise<void> {
  await page.route(
    (url) => url.pathname.startsWith('/api/'),
    async (route: Route) => {
      const request = route.request();
      const url = new URL(request.url());
      const call = `${request.method()} ${url.pathname}${url.search}`;
      const given = answer(call, `${request.method()} ${url.pathname}`);
      if (given === undefined) {
        await route.fallback();
        return;
      }
      seen.push(call);
      await route.fulfill({
        status: given.status ?? 200,
        contentType: 'application/json',
        headers: given.headers ?? {},
        body: given.body === undefined ? '' : JSON.stringify(given.body),
      });
    },
  );
}

const MONITOR_ID = 'nightly';

function monitorRun(id: number, change: Partial<MonitorRunView>): MonitorRunView {
  return {
    id,
    monitorId: MONITOR_ID,
    executionType: 'SCHEDULED',
    scheduledFor: '2025-03-01T09:00:00.000Z',
    state: 'FINISHED',
    createdAt: '2025-03-01T09:00:00.000Z',
    completedAt: '2025-03-01T09:00:05.000Z',
    createdBy: 'server-1',
    verdict: true,
    lastError: null,
    runs: [],
    alertsPending: false,
    alerts: [],
    ...change,
  };
}

describe.skipIf(!hasChromium)('dashboard gaps in Chromium', { timeout: 120_000 }, () => {
  const dashboard = useFakeDashboard(() => {
    const base = createDashboardFixtures(SPAN_COUNT);
    // Only the finished run: the live one would stream while these tests look elsewhere.
    return { ...base, runs: base.runs.filter((run) => run.id === ORDER_RUN_ID), live: new Map() };
  });
  const { openPage } = dashboard;

  it('lists a monitor’s runs with their verdict, runs and webhook calls, and runs it now', async () => {
    const seen: string[] = [];
    const failed = monitorRun(4, {
      verdict: false,
      runs: [
        { kind: 'test', id: ORDER_TEST_ID, runId: Number(ORDER_RUN_ID) },
        { kind: 'test', id: IDLE_TEST_ID, runId: null, error: 'test "checkout-smoke" has no trigger' },
      ],
      alerts: [
        {
          alertId: 'pager',
          event: 'FAILED',
          url: 'https://hooks.example.com/pager',
          ok: false,
          status: 500,
          attempts: 3,
          error: 'the webhook answered 500',
          deliveredAt: '2025-03-01T09:00:06.000Z',
        },
      ],
    });
    const manual = monitorRun(5, {
      executionType: 'MANUAL',
      scheduledFor: null,
      createdAt: new Date().toISOString(),
      runs: [{ kind: 'test', id: ORDER_TEST_ID, runId: 9 }],
    });
    let started = false;
    const page = await openPage(`/monitor/${MONITOR_ID}`, (target) =>
      answerInPage(target, seen, (call, route) => {
        if (route === `GET /api/monitors/${MONITOR_ID}`) {
          return {
            body: {
              type: 'Monitor',
              spec: {
                id: MONITOR_ID,
                name: 'Nightly',
                enabled: true,
                tests: [ORDER_TEST_ID],
                schedule: { cron: '0 9 * * *', timeZone: 'UTC' },
                alerts: [],
              },
            },
          };
        }
        if (route === 'GET /api/testsuites' || route === 'GET /api/variablesets') {
          return { body: { count: 0, items: [] } };
        }
        if (route === `GET /api/monitors/${MONITOR_ID}/runs`) {
          const items = started ? [manual, failed] : [failed];
          return { body: items, headers: { 'x-total-count': String(items.length) } };
        }
        if (call === `POST /api/monitors/${MONITOR_ID}/run`) {
          started = true;
          return { body: manual };
        }
        return undefined;
      }),
    );
    const table = page.getByRole('table', { name: 'Monitor runs' });
    await table.waitFor();
    const firstRow = table.getByRole('row').nth(1);
    await eventually(() => firstRow.textContent()).toContain('Failed');
    const link = firstRow.getByRole('link', { name: `${ORDER_TEST_ID} #${ORDER_RUN_ID}` });
    expect(await link.getAttribute('href')).toBe(`/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace`);
    const text = await firstRow.textContent();
    expect(text).toContain('test "checkout-smoke" has no trigger');
    expect(text).toContain('https://hooks.example.com/pager');
    expect(text).toContain('HTTP 500 after 3 attempts');
    expect(seen).toContain(`GET /api/monitors/${MONITOR_ID}/runs?take=20`);

    await page.getByRole('button', { name: 'Run now' }).click();
    await eventually(() => table.getByRole('row').count()).toBe(3);
    expect(seen).toContain(`POST /api/monitors/${MONITOR_ID}/run`);
    const newest = table.getByRole('row').nth(1);
    expect(await newest.textContent()).toContain('Passed');
    expect(await newest.textContent()).toContain('manual');
    expect(await newest.getByRole('link', { name: `${ORDER_TEST_ID} #9` }).getAttribute('href')).toBe(
      `/test/${ORDER_TEST_ID}/run/9/trace`,
    );

    // The link of the older run opens the test run.
    await table.getByRole('link', { name: `${ORDER_TEST_ID} #${ORDER_RUN_ID}` }).click();
    await eventually(() => new URL(page.url()).pathname).toBe(
      `/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace`,
    );
  });

  it('adds an assertion from a span attribute of the Trace tab in the Test tab’s spec editor', async () => {
    const text = dashboard.fixtures.traces.get(`${ORDER_TEST_ID}/${ORDER_RUN_ID}`)!;
    const trace = traceFromRecords(parseTraceId(SYNTHETIC_TRACE_ID), decodeOtlpJson(text));
    const span = trace.spans.find((candidate) => candidate.name === 'POST /orders')!;
    const page = await openPage(`/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace?selectedSpan=${span.id}`);
    const details = page.getByRole('region', { name: `Span ${span.name}` });
    await details.waitFor();
    await details.getByRole('button', { name: 'Add an assertion from http.method' }).click();

    await eventually(() => new URL(page.url()).pathname).toBe(
      `/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/test`,
    );
    const specCount = dashboard.fixtures.tests[0]!.spec.specs?.length ?? 0;
    // The editor opens on a new spec after the test's, selecting spans like this one.
    const current = page.getByRole('button', { name: `Spec ${specCount + 1}`, pressed: true });
    await current.waitFor();
    const selector = page.getByRole('combobox', { name: 'Selector' });
    expect(await selector.inputValue()).toBe('span[tracetest.span.type="http" name="POST /orders"]');
    expect(await selector.inputValue()).toBe(selectorForSpan(span));
    const assertion = page.getByRole('combobox', { name: 'Assertion 1' });
    expect(await assertion.inputValue()).toBe('attr:http.method = "POST"');
    expect(await assertion.inputValue()).toBe(assertionFromAttribute('http.method', 'POST'));
    // The preview runs the new selector on the trace: one span matches.
    await eventually(() => page.locator('.suggest-status').first().textContent()).toBe(
      'Matches 1 span (highlighted in the trace)',
    );

    // A number stays bare; going back to the Trace tab and again adds another new spec.
    await page.getByRole('tab', { name: /Trace/ }).click();
    await page.getByRole('button', { name: 'Add an assertion from http.status_code' }).click();
    await page.getByRole('button', { name: `Spec ${specCount + 1}`, pressed: true }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Assertion 1' }).inputValue()).toBe(
      'attr:http.status_code = 201',
    );
  });

  it('deletes a test after a confirmation dialog, and goes back to the tests', async () => {
    const seen: string[] = [];
    const page = await openPage(`/test/${IDLE_TEST_ID}`, (target) =>
      answerInPage(target, seen, (call) =>
        call === `DELETE /api/tests/${IDLE_TEST_ID}` ? { status: 204 } : undefined,
      ),
    );
    await page.getByRole('heading', { name: 'Checkout smoke' }).waitFor();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete test “Checkout smoke”?' });
    await dialog.waitFor();
    // Cancel has the focus: Escape or Enter keeps the test.
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(seen).toEqual([]);

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(() => new URL(page.url()).pathname).toBe('/tests');
    expect(seen).toEqual([`DELETE /api/tests/${IDLE_TEST_ID}`]);
  });

  it('deletes a suite after a confirmation dialog, shows a refusal, and goes back to the suites', async () => {
    const seen: string[] = [];
    let refuse = true;
    const page = await openPage('/testsuite/release', (target) =>
      answerInPage(target, seen, (call, route) => {
        if (route === 'GET /api/testsuites/release') {
          return {
            body: { type: 'TestSuite', spec: { id: 'release', name: 'Release', steps: [ORDER_TEST_ID] } },
          };
        }
        if (route === 'GET /api/testsuites/release/run') {
          return { body: [], headers: { 'x-total-count': '0' } };
        }
        if (route === 'GET /api/testsuites') return { body: { count: 0, items: [] } };
        if (call === 'DELETE /api/testsuites/release') {
          if (refuse) {
            refuse = false;
            return {
              status: 403,
              body: { status: 403, code: 'AUTH_FORBIDDEN', detail: 'viewers cannot delete suites' },
            };
          }
          return { status: 204 };
        }
        return undefined;
      }),
    );
    await page.getByRole('heading', { name: 'Release' }).waitFor();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete suite “Release”?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(() => dialog.getByRole('alert').textContent()).toBe('viewers cannot delete suites');
    expect(new URL(page.url()).pathname).toBe('/testsuite/release');

    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(() => new URL(page.url()).pathname).toBe('/testsuites');
    expect(seen.filter((call) => call.startsWith('DELETE'))).toEqual([
      'DELETE /api/testsuites/release',
      'DELETE /api/testsuites/release',
    ]);
  });

  it('filters runs by time range, source and branch, and lists run groups with their runs', async () => {
    const seen: string[] = [];
    const run = dashboard.fixtures.runs[0]!;
    const group = (
      id: string,
      verdict: boolean | null,
      change: Partial<RunGroupView> = {},
    ): RunGroupView => ({
      id,
      state: verdict === null ? 'RUNNING' : 'FINISHED',
      status: verdict === null ? 'inProgress' : verdict ? 'succeed' : 'failed',
      verdict,
      summary: {
        running: verdict === null ? 1 : 0,
        passed: verdict ? 2 : 0,
        failed: verdict === false ? 1 : 0,
      },
      createdAt: '2025-03-01T10:00:00.000Z',
      finishedAt: verdict === null ? null : '2025-03-01T10:00:05.000Z',
      metadata: {},
      source: 'cli',
      ...change,
    });
    const failedGroup = group('ci-1842', false);
    const detail: RunGroupDetailView = {
      ...failedGroup,
      runs: [run as TestRunView],
      suiteRuns: [],
    };
    const already = dashboard.server.requests.length;
    const runRequests = () =>
      dashboard.server.requests.slice(already).filter((call) => call.startsWith('GET /api/runs?'));
    const page = await openPage('/runs?since=24h&source=cli', (target) =>
      answerInPage(target, seen, (_call, route) => {
        if (route === 'GET /api/rungroups') {
          return { body: { count: 2, items: [failedGroup, group('ci-1843', null, { source: 'monitor' })] } };
        }
        if (route === 'GET /api/rungroups/ci-1842') return { body: detail };
        return undefined;
      }),
    );
    // The page asks once, with the filters of the URL.
    await page.getByRole('link', { name: `#${ORDER_RUN_ID}`, exact: true }).waitFor();
    expect(runRequests()).toHaveLength(1);
    const first = new URL(runRequests()[0]!.slice(4), dashboard.server.url);
    expect(first.searchParams.get('source')).toBe('cli');
    const after = Date.parse(first.searchParams.get('createdAfter') ?? '');
    expect(Math.abs(Date.now() - 86_400_000 - after)).toBeLessThan(10 * 60_000);
    expect(await page.getByRole('combobox', { name: 'Time' }).inputValue()).toBe('24h');
    expect(await page.getByRole('combobox', { name: 'Source' }).inputValue()).toBe('cli');

    await page.getByRole('searchbox', { name: 'Branch' }).fill('main');
    await eventually(() => new URL(page.url()).searchParams.get('branch')).toBe('main');
    await eventually(() => runRequests().some((call) => call.includes('branch=main'))).toBe(true);
    // One request per change of the filters: the first one was not sent again.
    expect(runRequests()).toHaveLength(2);
    await page.getByRole('combobox', { name: 'Source' }).selectOption('monitor');
    await eventually(() => new URL(page.url()).search).toBe('?since=24h&source=monitor&branch=main');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(() => new URL(page.url()).search).toBe('');
    expect(await page.getByRole('searchbox', { name: 'Branch' }).inputValue()).toBe('');

    // Run groups: one verdict per group; a group opens on its runs.
    const groups = page.getByRole('table', { name: 'Run groups' });
    await groups.waitFor();
    const failedRow = groups.getByRole('row').nth(1);
    expect(await failedRow.textContent()).toContain('Failed');
    expect(await groups.getByRole('row').nth(2).textContent()).toContain('Running…');
    await failedRow.getByRole('button', { name: 'ci-1842' }).click();
    const members = page.getByRole('list', { name: 'Runs of group ci-1842' });
    const memberLink = members.getByRole('link', { name: `${ORDER_TEST_ID} #${ORDER_RUN_ID}` });
    await memberLink.waitFor();
    expect(await memberLink.getAttribute('href')).toBe(`/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace`);
    expect(seen).toContain('GET /api/rungroups?take=50');
    expect(seen).toContain('GET /api/rungroups/ci-1842');
  });
});
