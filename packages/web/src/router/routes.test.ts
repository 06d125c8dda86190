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
    { url: '/settings', route: { page: 'not-found', path: '/settings' } },
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
  ])('round-trips %o', (route) => {
    const url = new URL(hrefOf(route), 'http://ui.invalid');
    expect(parseRoute(url.pathname, url.search)).toEqual(route);
  });
});
