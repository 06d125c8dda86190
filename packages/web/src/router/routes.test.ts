import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute, type Route } from './routes';

describe('parseRoute', () => {
  it.each<{ url: string; route: Route }>([
    { url: '/', route: { page: 'tests' } },
    { url: '/tests', route: { page: 'tests' } },
    { url: '/test/order-api', route: { page: 'test', testId: 'order-api' } },
    { url: '/test/a%20b', route: { page: 'test', testId: 'a b' } },
    { url: '/test/x/run/12', route: { page: 'run', testId: 'x', runId: '12', tab: 'trace' } },
    { url: '/test/x/run/12/trigger', route: { page: 'run', testId: 'x', runId: '12', tab: 'trigger' } },
    // The link the CLI prints for a failed assertion (SPEC §9.5).
    {
      url: '/test/x/run/12/test?selectedAssertion=0&selectedSpan=00f067aa0ba902b7',
      route: {
        page: 'run',
        testId: 'x',
        runId: '12',
        tab: 'test',
        selectedAssertion: 0,
        selectedSpan: '00f067aa0ba902b7',
      },
    },
    {
      url: '/test/x/run/12/test?selectedAssertion=-1',
      route: { page: 'run', testId: 'x', runId: '12', tab: 'test' },
    },
    { url: '/runs', route: { page: 'runs', filters: {} } },
    {
      url: '/runs?state=FAILED&testId=x',
      route: { page: 'runs', filters: { state: 'FAILED', testId: 'x' } },
    },
    { url: '/test/x/run/abc', route: { page: 'not-found', path: '/test/x/run/abc' } },
    { url: '/test/x/run/1/nope', route: { page: 'not-found', path: '/test/x/run/1/nope' } },
    { url: '/settings', route: { page: 'settings', section: 'datastore' } },
    { url: '/settings/analyzer', route: { page: 'settings', section: 'analyzer' } },
    { url: '/settings/nope', route: { page: 'not-found', path: '/settings/nope' } },
    { url: '/tests/new', route: { page: 'test-editor' } },
    { url: '/test/x/edit', route: { page: 'test-editor', testId: 'x' } },
    { url: '/testsuites', route: { page: 'suites' } },
    { url: '/testsuite/s1', route: { page: 'suite', suiteId: 's1' } },
    { url: '/testsuite/s1/edit', route: { page: 'suite-editor', suiteId: 's1' } },
    { url: '/testsuites/new', route: { page: 'suite-editor' } },
    { url: '/variablesets', route: { page: 'variable-sets' } },
    { url: '/variablesets/new', route: { page: 'variable-set-editor' } },
    { url: '/variableset/staging', route: { page: 'variable-set-editor', variableSetId: 'staging' } },
    { url: '/monitors', route: { page: 'monitors' } },
    { url: '/monitors/new', route: { page: 'monitor-editor' } },
    { url: '/monitor/m1', route: { page: 'monitor-editor', monitorId: 'm1' } },
    { url: '/monitor/m1/x', route: { page: 'not-found', path: '/monitor/m1/x' } },
    { url: '/test/x/run/4/compare', route: { page: 'run', testId: 'x', runId: '4', tab: 'compare' } },
    { url: '/test/x/run/4/automate', route: { page: 'run', testId: 'x', runId: '4', tab: 'automate' } },
    { url: '/test/x/run', route: { page: 'start-run', testId: 'x', variables: {} } },
    {
      url: '/test/x/run?vars=%7B%22USER%22%3A%22ann%22%2C%22N%22%3A2%7D',
      route: { page: 'start-run', testId: 'x', variables: { USER: 'ann', N: '2' } },
    },
    { url: '/test/x/run?vars=not-json', route: { page: 'start-run', testId: 'x', variables: {} } },
  ])('reads $url', ({ url, route }) => {
    const parsed = new URL(url, 'http://ui.invalid');
    expect(parseRoute(parsed.pathname, parsed.search)).toEqual(route);
  });
});

describe('hrefOf', () => {
  it.each<Route>([
    { page: 'tests' },
    { page: 'test', testId: 'a/b c' },
    { page: 'run', testId: 'x', runId: '3', tab: 'analyzer' },
    {
      page: 'run',
      testId: 'x',
      runId: '3',
      tab: 'test',
      selectedAssertion: 2,
      selectedSpan: '00f067aa0ba902b7',
    },
    { page: 'runs', filters: { state: 'CREATED,EXECUTING', testId: 'x' } },
    { page: 'runs', filters: {} },
    { page: 'test-editor' },
    { page: 'test-editor', testId: 'a b' },
    { page: 'suites' },
    { page: 'suite', suiteId: 's/1' },
    { page: 'suite-editor' },
    { page: 'suite-editor', suiteId: 's1' },
    { page: 'variable-sets' },
    { page: 'variable-set-editor' },
    { page: 'variable-set-editor', variableSetId: 'v1' },
    { page: 'monitors' },
    { page: 'monitor-editor' },
    { page: 'monitor-editor', monitorId: 'm1' },
    { page: 'settings', section: 'polling' },
    { page: 'start-run', testId: 'a b', variables: { USER: 'ann', 'A B': 'x&y=z' } },
    { page: 'start-run', testId: 'x', variables: {} },
  ])('round-trips %o', (route) => {
    const url = new URL(hrefOf(route), 'http://ui.invalid');
    expect(parseRoute(url.pathname, url.search)).toEqual(route);
  });
});
