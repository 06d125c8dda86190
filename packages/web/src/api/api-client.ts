/**
 * The dashboard's only way to the server: typed calls over `fetch`. Every failed call rejects with an
 * `ApiError` that carries the server's sentence (`detail`), so screens can show it as it is.
 */
import type { ApiErrorBody, PageView, RunEventView, TestResourceView, TestRunView } from './api-types';

/** A failed API call: the HTTP status, the server's error code and its explanation. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(detail);
  }
}

/** Sort fields of the tests list (`last_run`: the newest run first or last). */
export type TestSortField = 'name' | 'createdAt' | 'last_run';
export type SortDirection = 'asc' | 'desc';

export interface TestListQuery {
  /** Case-insensitive substring of the name or id. */
  readonly query?: string;
  readonly sortBy?: TestSortField;
  readonly sortDirection?: SortDirection;
  readonly take?: number;
  readonly skip?: number;
}

export interface RunListQuery {
  /** Run states; `FAILED` stands for every error state. */
  readonly states?: readonly string[];
  readonly testId?: string;
  readonly take?: number;
  readonly skip?: number;
}

export interface ApiClient {
  listTests(query: TestListQuery): Promise<PageView<TestResourceView>>;
  getTest(testId: string): Promise<TestResourceView>;
  /** The test as the YAML file `tracecheck apply` reads back. */
  getTestYaml(testId: string): Promise<string>;
  listTestRuns(testId: string, query: Omit<RunListQuery, 'testId'>): Promise<PageView<TestRunView>>;
  listRuns(query: RunListQuery): Promise<PageView<TestRunView>>;
  getRun(testId: string, runId: string): Promise<TestRunView>;
  getRunEvents(testId: string, runId: string): Promise<readonly RunEventView[]>;
  /**
   * The run's trace as OTLP/JSON text, or `null` while the run has none. Text, not a parsed value:
   * `decodeOtlpJson` keeps unquoted int64 values beyond 2^53 exact only when it parses the text itself.
   */
  getRunTrace(testId: string, runId: string): Promise<string | null>;
  runTest(testId: string): Promise<TestRunView>;
  rerunRun(testId: string, runId: string): Promise<TestRunView>;
  stopRun(testId: string, runId: string): Promise<TestRunView>;
  /** URL of the Server-Sent Events of one run (`EventSource`). */
  runEventsUrl(runId: string): string;
}

export interface ApiClientOptions {
  /** Prefix of every path, default `""` (same origin). */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).detail === 'string';
}

/** Builds `?a=1&b=x` from the defined values; arrays repeat the key. */
export function buildQueryString(
  params: Readonly<Record<string, string | number | readonly string[] | undefined>>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'object') {
      for (const item of value) search.append(key, item);
    } else {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Turns a failed answer into an `ApiError`, keeping the server's sentence when it sent one. */
async function toApiError(response: Response, method: string, path: string): Promise<ApiError> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (isErrorBody(body)) return new ApiError(response.status, body.code, body.detail, body.hint);
  } catch {
    // Not JSON (a proxy's error page, an empty body): describe the answer below.
  }
  const reason = response.status === 502 || response.status === 503 ? ': is `tracecheck start` running?' : '';
  return new ApiError(
    response.status,
    'HTTP_ERROR',
    `${method} ${path} answered ${response.status} ${response.statusText}${reason}`.trim(),
  );
}

/**
 * Creates the API client.
 * @example const api = createApiClient(); const page = await api.listTests({ sortBy: 'last_run' });
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send(method: string, path: string, accept: string): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: { accept, 'x-source': 'web' },
      });
    } catch (error) {
      throw new ApiError(
        0,
        'SERVER_UNREACHABLE',
        `cannot reach the Tracecheck server (${error instanceof Error ? error.message : String(error)}): ` +
          'check that `tracecheck start` is running and the page was opened from its address',
      );
    }
    if (!response.ok) throw await toApiError(response, method, path);
    return response;
  }

  async function json<T>(method: string, path: string): Promise<T> {
    const response = await send(method, path, 'application/json');
    return (await response.json()) as T;
  }

  const runPath = (testId: string, runId: string) =>
    `/api/tests/${encodeURIComponent(testId)}/run/${encodeURIComponent(runId)}`;

  async function listTestRuns(
    testId: string,
    query: Omit<RunListQuery, 'testId'>,
  ): Promise<PageView<TestRunView>> {
    const path = `/api/tests/${encodeURIComponent(testId)}/run${buildQueryString({
      take: query.take,
      skip: query.skip,
      state: query.states?.join(','),
    })}`;
    const response = await send('GET', path, 'application/json');
    const items = (await response.json()) as TestRunView[];
    const total = Number(response.headers.get('x-total-count'));
    return { count: Number.isFinite(total) && total >= items.length ? total : items.length, items };
  }

  return {
    listTests: (query) => json('GET', `/api/tests${buildQueryString({ ...query })}`),
    getTest: (testId) => json('GET', `/api/tests/${encodeURIComponent(testId)}`),
    async getTestYaml(testId) {
      const response = await send('GET', `/api/tests/${encodeURIComponent(testId)}`, 'text/yaml');
      return response.text();
    },
    listTestRuns,
    listRuns: (query) =>
      json(
        'GET',
        `/api/runs${buildQueryString({
          take: query.take,
          skip: query.skip,
          testId: query.testId,
          state: query.states?.join(','),
        })}`,
      ),
    getRun: (testId, runId) => json('GET', runPath(testId, runId)),
    getRunEvents: (testId, runId) => json('GET', `${runPath(testId, runId)}/events`),
    async getRunTrace(testId, runId) {
      try {
        const response = await send('GET', `${runPath(testId, runId)}/trace`, 'application/json');
        return await response.text();
      } catch (error) {
        // The run exists (its page read it first), so a 404 here means no span has arrived yet.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    runTest: (testId) => json('POST', `/api/tests/${encodeURIComponent(testId)}/run`),
    rerunRun: (testId, runId) => json('POST', `${runPath(testId, runId)}/rerun`),
    stopRun: (testId, runId) => json('POST', `${runPath(testId, runId)}/stop`),
    runEventsUrl: (runId) => `${baseUrl}/api/events/stream${buildQueryString({ runId })}`,
  };
}
