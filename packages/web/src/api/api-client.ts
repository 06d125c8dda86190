/**
 * The dashboard's only way to the server: typed calls over `fetch`. Every failed call rejects with an
 * `ApiError` that carries the server's sentence (`detail`), so screens can show it as it is.
 */
import type {
  AccessRequestView,
  ApiErrorBody,
  AuditEntryView,
  AuditQuery,
  ConnectionResultView,
  CreatedInviteView,
  CreatedTokenView,
  DryRunResultView,
  EnvironmentRoleView,
  EnvironmentView,
  InviteView,
  MemberView,
  MeView,
  MonitorRunView,
  NewInviteInput,
  OrganizationRoleView,
  OrganizationView,
  PageView,
  ResourceView,
  RunEventView,
  RunGroupDetailView,
  RunGroupView,
  ScopeChoice,
  SessionView,
  SignInProviderView,
  SpecDraftView,
  SuiteRunView,
  TestResourceView,
  TestRunView,
  TestView,
  TokenView,
} from './api-types';

/** A failed API call: the HTTP status, the server's error code and its explanation. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly hint?: string,
    /** The server's structured details (`problems` of an invalid definition, …). */
    readonly details?: unknown,
  ) {
    super(detail);
  }
}

/** A failed call as the user reads it: the server's explanation, or the error itself when no answer came. */
export function describeFailure(reason: unknown): string {
  return reason instanceof ApiError ? reason.detail : String(reason);
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
  /** Runs created at or after / before these instants (ISO 8601). */
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  /** Where the run was started from (`cli`, `web`, `monitor`…). */
  readonly source?: string;
  /** The git branch the run was started from. */
  readonly branch?: string;
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
   * The run's trace as OTLP/protobuf bytes (`decodeOtlpProtobuf`), or `null` while the run has none.
   * Protobuf, not OTLP/JSON: a 100k-span trace is 2.5 times smaller and decodes several times faster.
   */
  getRunTrace(testId: string, runId: string): Promise<Uint8Array | null>;
  /** Starts a run; `variables` are ad-hoc variables above the variable set. */
  runTest(testId: string, variables?: Readonly<Record<string, string>>): Promise<TestRunView>;
  /** Evaluates specs on a run's stored trace without saving anything. */
  dryRun(testId: string, runId: string, specs: readonly SpecDraftView[]): Promise<DryRunResultView>;
  rerunRun(testId: string, runId: string): Promise<TestRunView>;
  stopRun(testId: string, runId: string): Promise<TestRunView>;
  /** URL of the Server-Sent Events of one run (`EventSource`). */
  runEventsUrl(runId: string): string;
  /** Every version of a test, oldest first (each the spec of that version). */
  listTestVersions(testId: string): Promise<readonly TestView[]>;
  /** Resources of any kind by their plural (`testsuites`, `variablesets`, `datastores`…). */
  listResources<S>(plural: string, query?: ResourceListQuery): Promise<PageView<ResourceView<S>>>;
  getResource<S>(plural: string, id: string): Promise<ResourceView<S>>;
  /**
   * Stores a definition `{type, spec}`: `PUT /api/<plural>/<id>` when `id` is given (update), else
   * `PUT /api/<plural>` (create, or update the one with the spec's id).
   */
  applyResource<S>(plural: string, definition: ResourceView<S>, id?: string): Promise<ResourceView<S>>;
  /** Stores a YAML definition as the CLI's `apply` does. */
  applyYaml<S>(plural: string, yaml: string): Promise<ResourceView<S>>;
  deleteResource(plural: string, id: string): Promise<void>;
  listSuiteRuns(suiteId: string, query: { take?: number }): Promise<PageView<SuiteRunView>>;
  runSuite(suiteId: string): Promise<SuiteRunView>;
  /** One run of a suite with the runs of its steps so far. */
  getSuiteRun(suiteId: string, runId: string): Promise<SuiteRunView>;
  /** Stops a suite run and its running step. */
  stopSuiteRun(suiteId: string, runId: string): Promise<SuiteRunView>;
  /** URL of the Server-Sent Events of one suite run (`EventSource`): its state, then each change until it ends. */
  suiteRunEventsUrl(suiteRunId: string): string;
  /** The runs of a monitor, newest first. */
  listMonitorRuns(monitorId: string, query: { take?: number }): Promise<PageView<MonitorRunView>>;
  /** Runs a monitor now (`POST /api/monitors/:id/run`). */
  runMonitor(monitorId: string): Promise<MonitorRunView>;
  /** Run groups, newest first. */
  listRunGroups(query: { take?: number; skip?: number }): Promise<PageView<RunGroupView>>;
  getRunGroup(runGroupId: string): Promise<RunGroupDetailView>;
  /** Asks an agent to try a data store definition (nothing is stored). */
  testDataStoreConnection(definition: ResourceView<unknown>): Promise<ConnectionResultView>;
  /** The signed-in user and session; `null` when nobody is signed in (401). */
  getSession(): Promise<SessionView | null>;
  listSignInProviders(): Promise<readonly SignInProviderView[]>;
  signOut(): Promise<void>;
  /** The signed-in user with their organizations. */
  getMe(): Promise<MeView>;
  listEnvironments(organizationId: string): Promise<readonly EnvironmentView[]>;
  /** The members of an organization with their roles. */
  listMembers(organizationId: string): Promise<readonly MemberView[]>;
  setMemberRole(organizationId: string, userId: string, role: OrganizationRoleView): Promise<void>;
  /** Removes a member: their environment roles go and the tokens they created are revoked. */
  removeMember(organizationId: string, userId: string): Promise<void>;
  /** Grants (`role`) or takes away (`null`) a member's role in one environment. */
  setEnvironmentRole(
    organizationId: string,
    environmentId: string,
    userId: string,
    role: EnvironmentRoleView | null,
  ): Promise<MemberView>;
  listInvites(organizationId: string): Promise<readonly InviteView[]>;
  /** Creates an invite; the answer holds its code, shown this once. */
  createInvite(organizationId: string, input: NewInviteInput): Promise<CreatedInviteView>;
  /** A new code replaces the old one (shown once). */
  resendInvite(organizationId: string, inviteId: string): Promise<CreatedInviteView>;
  revokeInvite(organizationId: string, inviteId: string): Promise<InviteView>;
  /** Joins the organization of an invite with its code. */
  acceptInvite(code: string): Promise<OrganizationView>;
  /** Every token of the organization (organization, environment and agent keys), without secrets. */
  listTokens(organizationId: string): Promise<readonly TokenView[]>;
  listEnvironmentTokens(organizationId: string, environmentId: string): Promise<readonly TokenView[]>;
  createOrganizationToken(
    organizationId: string,
    input: { readonly name: string; readonly role: 'admin' | 'agent'; readonly expiresAt?: string },
  ): Promise<CreatedTokenView>;
  createEnvironmentToken(
    organizationId: string,
    environmentId: string,
    input: { readonly name: string; readonly role: EnvironmentRoleView; readonly expiresAt?: string },
  ): Promise<CreatedTokenView>;
  createAgentKey(
    organizationId: string,
    environmentId: string,
    input: { readonly name: string; readonly expiresAt?: string },
  ): Promise<CreatedTokenView>;
  /** Revokes any token of the organization (needs `org.tokens.manage`). */
  revokeToken(organizationId: string, tokenId: string): Promise<TokenView>;
  /** Revokes a token or agent key of one environment (needs `env.tokens.manage` there). */
  revokeEnvironmentToken(organizationId: string, environmentId: string, tokenId: string): Promise<TokenView>;
  /** The audit log, newest first. */
  listAuditLog(organizationId: string, query: AuditQuery): Promise<PageView<AuditEntryView>>;
  listAccessRequests(organizationId: string, environmentId: string): Promise<readonly AccessRequestView[]>;
  decideAccessRequest(
    organizationId: string,
    environmentId: string,
    requestId: string,
    decision: 'approve' | 'deny',
  ): Promise<AccessRequestView>;
  /** Sends `x-organization-id` / `x-environment-id` with every later call. */
  setScope(scope: ScopeChoice): void;
  /** Calls `listener` whenever a call is refused with 401 (not signed in); returns the unsubscribe. */
  onUnauthorized(listener: (error: ApiError) => void): () => void;
}

export interface ResourceListQuery {
  readonly take?: number;
  readonly skip?: number;
  readonly sortBy?: string;
  readonly sortDirection?: SortDirection;
  readonly query?: string;
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
    if (isErrorBody(body))
      return new ApiError(response.status, body.code, body.detail, body.hint, body.details);
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
  /**
   * The CSRF token of the browser session (`GET /api/auth/session`), sent with every write in
   * `x-tracecheck-csrf`; null when the server has no session (no sign-in, or a token instead).
   */
  let csrfToken: Promise<string | null> | undefined;
  let scope: ScopeChoice = {};
  const unauthorizedListeners = new Set<(error: ApiError) => void>();
  const scopeHeaders = (): Record<string, string> => ({
    ...(scope.organizationId ? { 'x-organization-id': scope.organizationId } : {}),
    ...(scope.environmentId ? { 'x-environment-id': scope.environmentId } : {}),
  });
  const readCsrfToken = (): Promise<string | null> => {
    csrfToken ??= doFetch(`${baseUrl}/api/auth/session`, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    }).then(
      async (response) =>
        response.ok ? (((await response.json()) as { csrfToken?: string | null }).csrfToken ?? null) : null,
      () => null,
    );
    return csrfToken;
  };

  async function send(
    method: string,
    path: string,
    accept: string,
    body?: { readonly type: string; readonly text: string },
  ): Promise<Response> {
    let response: Response;
    const csrf = method === 'GET' ? null : await readCsrfToken();
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        credentials: 'same-origin',
        headers: {
          accept,
          'x-source': 'web',
          ...scopeHeaders(),
          ...(body === undefined ? {} : { 'content-type': body.type }),
          ...(csrf ? { 'x-tracecheck-csrf': csrf } : {}),
        },
        ...(body === undefined ? {} : { body: body.text }),
      });
    } catch (error) {
      throw new ApiError(
        0,
        'SERVER_UNREACHABLE',
        `cannot reach the Tracecheck server (${error instanceof Error ? error.message : String(error)}): ` +
          'check that `tracecheck start` is running and the page was opened from its address',
      );
    }
    if (!response.ok) {
      // A session renewed since the token was read has another one: read it again next time.
      if (response.status === 401 || response.status === 403) csrfToken = undefined;
      const error = await toApiError(response, method, path);
      // The session call answers 401 for "nobody signed in": the sign-in page asks it on purpose.
      if (response.status === 401 && path !== '/api/auth/session') {
        for (const listener of unauthorizedListeners) listener(error);
      }
      throw error;
    }
    return response;
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(
      method,
      path,
      'application/json',
      body === undefined ? undefined : { type: 'application/json', text: JSON.stringify(body) },
    );
    return (await response.json()) as T;
  }

  const collectionPath = (plural: string) => `/api/${encodeURIComponent(plural)}`;
  const resourcePath = (plural: string, id: string) => `${collectionPath(plural)}/${encodeURIComponent(id)}`;

  const organizationPath = (organizationId: string) =>
    `/api/organizations/${encodeURIComponent(organizationId)}`;
  const environmentPath = (organizationId: string, environmentId: string) =>
    `${organizationPath(organizationId)}/environments/${encodeURIComponent(environmentId)}`;

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
          createdAfter: query.createdAfter,
          createdBefore: query.createdBefore,
          source: query.source,
          branch: query.branch,
        })}`,
      ),
    getRun: (testId, runId) => json('GET', runPath(testId, runId)),
    getRunEvents: (testId, runId) => json('GET', `${runPath(testId, runId)}/events`),
    async getRunTrace(testId, runId) {
      try {
        const response = await send('GET', `${runPath(testId, runId)}/trace`, 'application/x-protobuf');
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        // The run exists (its page read it first), so a 404 here means no span has arrived yet.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    runTest: (testId, variables) =>
      json(
        'POST',
        `/api/tests/${encodeURIComponent(testId)}/run`,
        variables === undefined || Object.keys(variables).length === 0
          ? undefined
          : { variables: Object.entries(variables).map(([key, value]) => ({ key, value })) },
      ),
    dryRun: (testId, runId, specs) => json('PUT', `${runPath(testId, runId)}/dry-run`, { specs }),
    rerunRun: (testId, runId) => json('POST', `${runPath(testId, runId)}/rerun`),
    stopRun: (testId, runId) => json('POST', `${runPath(testId, runId)}/stop`),
    runEventsUrl: (runId) => `${baseUrl}/api/events/stream${buildQueryString({ runId })}`,
    async listTestVersions(testId) {
      const page = await json<PageView<TestView>>('GET', `${resourcePath('tests', testId)}/version`);
      return page.items;
    },
    listResources: (plural, query = {}) =>
      json('GET', `${collectionPath(plural)}${buildQueryString({ ...query })}`),
    getResource: (plural, id) => json('GET', resourcePath(plural, id)),
    applyResource: (plural, definition, id) =>
      json('PUT', id === undefined ? collectionPath(plural) : resourcePath(plural, id), definition),
    async applyYaml(plural, yaml) {
      const response = await send('PUT', collectionPath(plural), 'application/json', {
        type: 'text/yaml',
        text: yaml,
      });
      return await response.json();
    },
    async deleteResource(plural, id) {
      await send('DELETE', resourcePath(plural, id), 'application/json');
    },
    async listSuiteRuns(suiteId, query) {
      const response = await send(
        'GET',
        `${resourcePath('testsuites', suiteId)}/run${buildQueryString({ take: query.take })}`,
        'application/json',
      );
      const items = (await response.json()) as SuiteRunView[];
      const total = Number(response.headers.get('x-total-count'));
      return { count: Number.isFinite(total) && total >= items.length ? total : items.length, items };
    },
    runSuite: (suiteId) => json('POST', `${resourcePath('testsuites', suiteId)}/run`, {}),
    getSuiteRun: (suiteId, runId) =>
      json('GET', `${resourcePath('testsuites', suiteId)}/run/${encodeURIComponent(runId)}`),
    stopSuiteRun: (suiteId, runId) =>
      json('POST', `${resourcePath('testsuites', suiteId)}/run/${encodeURIComponent(runId)}/stop`),
    suiteRunEventsUrl: (suiteRunId) => `${baseUrl}/api/events/stream${buildQueryString({ suiteRunId })}`,
    async listMonitorRuns(monitorId, query) {
      const response = await send(
        'GET',
        `${resourcePath('monitors', monitorId)}/runs${buildQueryString({ take: query.take })}`,
        'application/json',
      );
      const items = (await response.json()) as MonitorRunView[];
      const total = Number(response.headers.get('x-total-count'));
      return { count: Number.isFinite(total) && total >= items.length ? total : items.length, items };
    },
    runMonitor: (monitorId) => json('POST', `${resourcePath('monitors', monitorId)}/run`),
    listRunGroups: (query) => json('GET', `/api/rungroups${buildQueryString({ ...query })}`),
    getRunGroup: (runGroupId) => json('GET', resourcePath('rungroups', runGroupId)),
    testDataStoreConnection: (definition) => json('POST', '/api/datastores/connection', definition),
    async getSession() {
      try {
        const session = await json<SessionView>('GET', '/api/auth/session');
        csrfToken = Promise.resolve(session.csrfToken ?? null);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    async listSignInProviders() {
      return (await json<{ providers: SignInProviderView[] }>('GET', '/api/auth/providers')).providers;
    },
    async signOut() {
      await send('POST', '/api/auth/logout', 'application/json');
      csrfToken = undefined;
    },
    getMe: () => json('GET', '/api/me'),
    listEnvironments: (organizationId) =>
      json('GET', `/api/organizations/${encodeURIComponent(organizationId)}/environments`),
    listMembers: (organizationId) => json('GET', `${organizationPath(organizationId)}/members`),
    async setMemberRole(organizationId, userId, role) {
      await json('PUT', `${organizationPath(organizationId)}/members/${encodeURIComponent(userId)}`, {
        role,
      });
    },
    async removeMember(organizationId, userId) {
      await send(
        'DELETE',
        `${organizationPath(organizationId)}/members/${encodeURIComponent(userId)}`,
        'application/json',
      );
    },
    setEnvironmentRole: (organizationId, environmentId, userId, role) =>
      json('PUT', `${environmentPath(organizationId, environmentId)}/members/${encodeURIComponent(userId)}`, {
        role,
      }),
    listInvites: (organizationId) => json('GET', `${organizationPath(organizationId)}/invites`),
    createInvite: (organizationId, input) =>
      json('POST', `${organizationPath(organizationId)}/invites`, input),
    resendInvite: (organizationId, inviteId) =>
      json('POST', `${organizationPath(organizationId)}/invites/${encodeURIComponent(inviteId)}/resend`),
    revokeInvite: (organizationId, inviteId) =>
      json('DELETE', `${organizationPath(organizationId)}/invites/${encodeURIComponent(inviteId)}`),
    acceptInvite: (code) => json('POST', '/api/invites/accept', { code }),
    listTokens: (organizationId) => json('GET', `${organizationPath(organizationId)}/tokens`),
    listEnvironmentTokens: (organizationId, environmentId) =>
      json('GET', `${environmentPath(organizationId, environmentId)}/tokens`),
    createOrganizationToken: (organizationId, input) =>
      json('POST', `${organizationPath(organizationId)}/tokens`, input),
    createEnvironmentToken: (organizationId, environmentId, input) =>
      json('POST', `${environmentPath(organizationId, environmentId)}/tokens`, input),
    createAgentKey: (organizationId, environmentId, input) =>
      json('POST', `${environmentPath(organizationId, environmentId)}/agent-keys`, input),
    revokeToken: (organizationId, tokenId) =>
      json('DELETE', `${organizationPath(organizationId)}/tokens/${encodeURIComponent(tokenId)}`),
    revokeEnvironmentToken: (organizationId, environmentId, tokenId) =>
      json(
        'DELETE',
        `${environmentPath(organizationId, environmentId)}/tokens/${encodeURIComponent(tokenId)}`,
      ),
    listAuditLog: (organizationId, query) =>
      json('GET', `${organizationPath(organizationId)}/audit${buildQueryString({ ...query })}`),
    listAccessRequests: (organizationId, environmentId) =>
      json('GET', `${environmentPath(organizationId, environmentId)}/access-requests`),
    decideAccessRequest: (organizationId, environmentId, requestId, decision) =>
      json(
        'POST',
        `${environmentPath(organizationId, environmentId)}/access-requests/${encodeURIComponent(requestId)}/${decision}`,
      ),
    setScope(next) {
      scope = { ...next };
    },
    onUnauthorized(listener) {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },
  };
}
