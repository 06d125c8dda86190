/**
 * The dashboard's pages and their URLs. Paths follow Tracetest's, so links printed by the CLI
 * (`<ui>/test/<testId>/run/<runId>/test?selectedAssertion=0&selectedSpan=<spanId>`, SPEC §9.5) open
 * the right page.
 */

/** Tabs of a run page, in the order a run lives them. */
export const RUN_TABS = ['trigger', 'trace', 'test', 'analyzer', 'compare', 'automate', 'events'] as const;
export type RunTab = (typeof RUN_TABS)[number];

/** Filters of the runs page. */
export interface RunFilters {
  /** A run state, or `FAILED` for every error state; absent for all. */
  readonly state?: string;
  readonly testId?: string;
  /** Runs of the last `1h`, `24h`, `7d` or `30d` (see `RUN_TIME_RANGES`). */
  readonly since?: string;
  /** A custom time range: runs created after `from` and before `to` (ISO 8601 instants); it wins over `since`. */
  readonly from?: string;
  readonly to?: string;
  /** Where runs were started from: `cli`, `web`, `api`, `monitor`… */
  readonly source?: string;
  /** The git branch runs were started from. */
  readonly branch?: string;
}

/** Filters of the runs page that are plain text in the URL, in the order they are written. */
const RUN_FILTER_KEYS = ['state', 'testId', 'since', 'from', 'to', 'source', 'branch'] as const;

/**
 * Sections of the settings page: the environment's resources of SPEC §1, then the organization's
 * administration (members, invites, tokens, audit log), shown to the roles that may use them.
 */
export const SETTINGS_SECTIONS = [
  'datastore',
  'polling',
  'analyzer',
  'testrunner',
  'members',
  'invites',
  'tokens',
  'audit',
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

function isSettingsSection(text: string): text is SettingsSection {
  return (SETTINGS_SECTIONS as readonly string[]).includes(text);
}

export type Route =
  | { readonly page: 'tests' }
  /** Create a test (no id) or edit one. */
  | { readonly page: 'test-editor'; readonly testId?: string }
  | { readonly page: 'suites' }
  | { readonly page: 'suite'; readonly suiteId: string }
  | { readonly page: 'suite-editor'; readonly suiteId?: string }
  /** One run of a test suite, its steps in order (`/testsuite/<id>/run/<runId>`, as printed by the CLI). */
  | { readonly page: 'suite-run'; readonly suiteId: string; readonly runId: string }
  | { readonly page: 'variable-sets' }
  | { readonly page: 'variable-set-editor'; readonly variableSetId?: string }
  | { readonly page: 'monitors' }
  | { readonly page: 'monitor-editor'; readonly monitorId?: string }
  | { readonly page: 'settings'; readonly section: SettingsSection }
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
  /** A deep link that starts a run of a test with variables, after a confirmation (`/test/<id>/run?vars=`). */
  | {
      readonly page: 'start-run';
      readonly testId: string;
      readonly variables: Readonly<Record<string, string>>;
    }
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
  const resourceRoute = parseResourceRoute(segments);
  if (resourceRoute !== undefined) return resourceRoute;
  if (first === 'runs' && testId === undefined) {
    const filters: { -readonly [K in keyof RunFilters]: RunFilters[K] } = {};
    for (const key of RUN_FILTER_KEYS) {
      const value = query.get(key);
      if (value) filters[key] = value;
    }
    return { page: 'runs', filters };
  }
  if (first === 'testsuite' && testId !== undefined && second === 'run' && segments.length === 4) {
    return runId !== undefined && /^\d+$/.test(runId)
      ? { page: 'suite-run', suiteId: testId, runId }
      : { page: 'not-found', path: pathname };
  }
  if (first === 'test' && testId !== undefined) {
    if (second === undefined) return { page: 'test', testId };
    if (second === 'edit' && runId === undefined) return { page: 'test-editor', testId };
    if (second === 'run' && runId === undefined) {
      return { page: 'start-run', testId, variables: parseRunVariables(query.get('vars')) };
    }
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

/**
 * The variables of a start-run link: `vars` is a JSON object of names to values (`{"USER":"ann"}`);
 * values that are not text become their JSON text; anything else gives no variable.
 */
export function parseRunVariables(text: string | null): Record<string, string> {
  if (text === null || text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const variables: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key !== '') variables[key] = typeof item === 'string' ? item : JSON.stringify(item);
    }
    return variables;
  } catch {
    return {};
  }
}

/** Pages of the resources and settings (`/tests/new`, `/testsuites`, `/variableset/<id>`, `/settings/…`). */
function parseResourceRoute(segments: readonly string[]): Route | undefined {
  const [first, second, third] = segments;
  if (segments.length > 3) return undefined;
  const only = (route: Route, length: number) => (segments.length === length ? route : undefined);
  switch (first) {
    case 'tests':
      return second === 'new' ? only({ page: 'test-editor' }, 2) : undefined;
    case 'testsuites':
      if (second === undefined) return { page: 'suites' };
      return second === 'new' ? only({ page: 'suite-editor' }, 2) : undefined;
    case 'testsuite':
      if (second === undefined) return undefined;
      if (third === undefined) return { page: 'suite', suiteId: second };
      return third === 'edit' ? { page: 'suite-editor', suiteId: second } : undefined;
    case 'variablesets':
      if (second === undefined) return { page: 'variable-sets' };
      return second === 'new' ? only({ page: 'variable-set-editor' }, 2) : undefined;
    case 'variableset':
      return second === undefined
        ? undefined
        : only({ page: 'variable-set-editor', variableSetId: second }, 2);
    case 'monitors':
      if (second === undefined) return { page: 'monitors' };
      return second === 'new' ? only({ page: 'monitor-editor' }, 2) : undefined;
    case 'monitor':
      return second === undefined ? undefined : only({ page: 'monitor-editor', monitorId: second }, 2);
    case 'settings':
      if (second === undefined) return { page: 'settings', section: 'datastore' };
      return isSettingsSection(second) ? only({ page: 'settings', section: second }, 2) : undefined;
    default:
      return undefined;
  }
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
    case 'start-run': {
      const base = `/test/${encodeURIComponent(route.testId)}/run`;
      return Object.keys(route.variables).length === 0
        ? base
        : `${base}?${new URLSearchParams({ vars: JSON.stringify(route.variables) }).toString()}`;
    }
    case 'runs': {
      const query = new URLSearchParams();
      for (const key of RUN_FILTER_KEYS) {
        const value = route.filters[key];
        if (value) query.set(key, value);
      }
      const search = query.toString();
      return `/runs${search === '' ? '' : `?${search}`}`;
    }
    case 'test-editor':
      return route.testId === undefined ? '/tests/new' : `/test/${encodeURIComponent(route.testId)}/edit`;
    case 'suites':
      return '/testsuites';
    case 'suite':
      return `/testsuite/${encodeURIComponent(route.suiteId)}`;
    case 'suite-run':
      return `/testsuite/${encodeURIComponent(route.suiteId)}/run/${encodeURIComponent(route.runId)}`;
    case 'suite-editor':
      return route.suiteId === undefined
        ? '/testsuites/new'
        : `/testsuite/${encodeURIComponent(route.suiteId)}/edit`;
    case 'variable-sets':
      return '/variablesets';
    case 'variable-set-editor':
      return route.variableSetId === undefined
        ? '/variablesets/new'
        : `/variableset/${encodeURIComponent(route.variableSetId)}`;
    case 'monitors':
      return '/monitors';
    case 'monitor-editor':
      return route.monitorId === undefined
        ? '/monitors/new'
        : `/monitor/${encodeURIComponent(route.monitorId)}`;
    case 'settings':
      return `/settings/${route.section}`;
    case 'not-found':
      return route.path;
  }
}
