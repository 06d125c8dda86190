/**
 * The dashboard's pages and their URLs. Paths follow Tracetest's, so links printed by the CLI
 * (`<ui>/test/<testId>/run/<runId>/test?selectedAssertion=0&selectedSpan=<spanId>`, SPEC §9.5) open
 * the right page.
 */

/** Tabs of a run page, in the order a run lives them. */
export const RUN_TABS = ['trigger', 'trace', 'test', 'analyzer', 'events'] as const;
export type RunTab = (typeof RUN_TABS)[number];

/** Filters of the runs page. */
export interface RunFilters {
  /** A run state, or `FAILED` for every error state; absent for all. */
  readonly state?: string;
  readonly testId?: string;
}

export type Route =
  | { readonly page: 'tests' }
  | { readonly page: 'test'; readonly testId: string }
  | {
      readonly page: 'run';
      readonly testId: string;
      readonly runId: string;
      readonly tab: RunTab;
      readonly selectedSpan?: string;
      /** 0-based index of a spec of the test. */
      readonly selectedAssertion?: number;
    }
  | { readonly page: 'runs'; readonly filters: RunFilters }
  | { readonly page: 'not-found'; readonly path: string };

function isRunTab(text: string): text is RunTab {
  return (RUN_TABS as readonly string[]).includes(text);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The page of a URL path and query. A run page without a tab opens on the trace, as Tracetest's does.
 * @example parseRoute('/test/abc/run/3/test', '?selectedSpan=00f067aa0ba902b7') // { page: 'run', tab: 'test', … }
 */
export function parseRoute(pathname: string, search: string): Route {
  const segments = pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map(decodeSegment);
  const query = new URLSearchParams(search);
  const [first, testId, second, runId, tab, ...rest] = segments;
  if (first === undefined || (first === 'tests' && testId === undefined)) return { page: 'tests' };
  if (first === 'runs' && testId === undefined) {
    const state = query.get('state') ?? undefined;
    const filterTestId = query.get('testId') ?? undefined;
    return {
      page: 'runs',
      filters: { ...(state ? { state } : {}), ...(filterTestId ? { testId: filterTestId } : {}) },
    };
  }
  if (first === 'test' && testId !== undefined) {
    if (second === undefined) return { page: 'test', testId };
    if (second === 'run' && runId !== undefined && /^\d+$/.test(runId) && rest.length === 0) {
      if (tab !== undefined && !isRunTab(tab)) return { page: 'not-found', path: pathname };
      const selectedSpan = query.get('selectedSpan') ?? undefined;
      const assertionText = query.get('selectedAssertion');
      const selectedAssertion =
        assertionText !== null && /^\d+$/.test(assertionText) ? Number(assertionText) : undefined;
      return {
        page: 'run',
        testId,
        runId,
        tab: tab ?? 'trace',
        ...(selectedSpan ? { selectedSpan } : {}),
        ...(selectedAssertion === undefined ? {} : { selectedAssertion }),
      };
    }
  }
  return { page: 'not-found', path: pathname };
}

/** The URL (path and query) of a page; `parseRoute(hrefOf(r))` gives `r` back. */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'tests':
      return '/tests';
    case 'test':
      return `/test/${encodeURIComponent(route.testId)}`;
    case 'run': {
      const query = new URLSearchParams();
      if (route.selectedAssertion !== undefined)
        query.set('selectedAssertion', String(route.selectedAssertion));
      if (route.selectedSpan !== undefined) query.set('selectedSpan', route.selectedSpan);
      const search = query.toString();
      return `/test/${encodeURIComponent(route.testId)}/run/${encodeURIComponent(route.runId)}/${route.tab}${
        search === '' ? '' : `?${search}`
      }`;
    }
    case 'runs': {
      const query = new URLSearchParams();
      if (route.filters.state) query.set('state', route.filters.state);
      if (route.filters.testId) query.set('testId', route.filters.testId);
      const search = query.toString();
      return `/runs${search === '' ? '' : `?${search}`}`;
    }
    case 'not-found':
      return route.path;
  }
}
