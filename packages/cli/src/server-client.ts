import { TracecheckError } from '@tracecheck/core';
import { fromApiErrorBody } from '@tracecheck/protocol';
import { CLI_VERSION } from './version';

/** A final run state: the CLI stops waiting (SPEC §7.1, §7.4: STOPPED is final). */
const FINAL_STATES = new Set([
  'FINISHED',
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'STOPPED',
  'FAILED',
]);

export function isFinalRunState(state: string | undefined): boolean {
  return state !== undefined && FINAL_STATES.has(state);
}

/** The fields of a TestRun (SPEC §10) the CLI reads. */
export interface TestRunJson {
  readonly id: string;
  readonly testId: string;
  readonly traceId: string;
  readonly state: string;
  readonly lastErrorState: string | null;
  readonly executionTime: number;
  readonly createdAt?: string;
  readonly completedAt?: string | null;
  readonly result: { readonly allPassed: boolean; readonly results: readonly unknown[] } | null;
  readonly outputs: readonly { name: string; value: string; spanId?: string; error?: string }[];
  readonly requiredGatesResult: { required: string[]; failed: string[]; passed: boolean } | null;
  readonly passed: boolean | null;
}

export interface SuiteRunJson {
  readonly id: string;
  readonly state: string;
  readonly createdAt?: string;
  readonly completedAt?: string | null;
  readonly steps: readonly TestRunJson[];
  readonly lastErrorState?: string | null;
}

export type StartOutcome<T> =
  | { readonly ok: true; readonly run: T }
  | {
      readonly ok: false;
      readonly missingVariables: readonly { testId: string; variables: { key: string }[] }[];
    };

/** Scope headers and, for messages, where the URL and the token came from (see `config/`). */
export interface ServerClientOptions {
  readonly organizationId?: string;
  readonly environmentId?: string;
  /** The organization the token belongs to, when the CLI knows it (the admin token of `tracecheck start`). */
  readonly tokenOrganizationId?: string;
  /** e.g. "from TRACECHECK_SERVER_URL" */
  readonly urlSource?: string;
  /** e.g. "from ~/.tracecheck/config.yml" */
  readonly tokenSource?: string;
}

/** The control plane's API as the CLI uses it (SPEC Appendix A). */
export class ServerClient {
  readonly apiUrl: string;
  constructor(
    readonly serverUrl: string,
    private readonly token?: string,
    private readonly options: ServerClientOptions = {},
  ) {
    this.apiUrl = `${serverUrl.replace(/\/+$/, '')}/api`;
  }

  /** The organization and environment the connection names (they go out as `x-organization-id` / `x-environment-id`). */
  get scope(): {
    readonly organizationId?: string;
    readonly environmentId?: string;
    readonly tokenOrganizationId?: string;
  } {
    const { organizationId, environmentId, tokenOrganizationId } = this.options;
    return {
      ...(organizationId ? { organizationId } : {}),
      ...(environmentId ? { environmentId } : {}),
      ...(tokenOrganizationId ? { tokenOrganizationId } : {}),
    };
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-source': 'cli',
      'x-client-id': `tracecheck-cli/${CLI_VERSION}`,
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...(this.options.organizationId ? { 'x-organization-id': this.options.organizationId } : {}),
      ...(this.options.environmentId ? { 'x-environment-id': this.options.environmentId } : {}),
      ...extra,
    };
  }

  /** The error of a failed answer, with what to do for 401 (token) and 403 (permission). */
  apiError(body: unknown, status: number): TracecheckError {
    const error = fromApiErrorBody(body, status);
    if (status === 401) {
      // The server's first sentence (what was refused); how to fix it is the CLI's to say.
      const detail =
        error.code === 'AUTH_REQUIRED' || error.code === 'AUTH_INVALID_TOKEN'
          ? (error.message.split(': ')[0] ?? '')
          : '';
      const which = this.token
        ? `the token (${this.options.tokenSource ?? 'given'}) was refused: it may be expired or revoked`
        : 'no token was given';
      return new TracecheckError(
        error.code === 'AUTH_INVALID_TOKEN' ? 'AUTH_INVALID_TOKEN' : 'AUTH_REQUIRED',
        `${detail ? `${detail}: ` : ''}the server at ${this.serverUrl} needs a valid token and ${which}; give one with --token TOKEN, TRACECHECK_TOKEN, or save it with \`tracecheck configure --token TOKEN\` (create tokens in the dashboard, or use .tracecheck/admin-token written by \`tracecheck start\`)`,
        error.details,
      );
    }
    if (status === 403 && !/permission/i.test(error.message)) {
      return new TracecheckError(
        'AUTH_FORBIDDEN',
        `${error.message}: your token is valid but lacks this permission; ask an admin of the organization for a role that grants it, or use another token`,
        error.details,
      );
    }
    return error;
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: this.headers({
          accept,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        }),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const source = this.options.urlSource ? `, ${this.options.urlSource}` : '';
      throw new TracecheckError(
        'SERVER_UNREACHABLE',
        `cannot reach the Tracecheck server at ${this.serverUrl}${source} (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}): start it with \`tracecheck start\`, or give its URL with --server-url`,
      );
    }
    return response;
  }

  /** A JSON request to `/api{path}`; a failed answer throws the server's error (see `apiError`). */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    const data = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) throw this.apiError(data, response.status);
    return data as T;
  }

  /** A request answered as text (`Accept: text/yaml`, `text/yaml-stream`); a failed answer throws. */
  async text(method: string, path: string, accept: string, body?: unknown): Promise<string> {
    const response = await this.request(method, path, body, accept);
    const text = await response.text();
    if (!response.ok) {
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {}
      throw this.apiError(data, response.status);
    }
    return text;
  }

  /** Upserts a resource; returns its stored spec (with the id). */
  async apply(
    type: string,
    plural: string,
    spec: unknown,
  ): Promise<{ id: string } & Record<string, unknown>> {
    const stored = await this.json<{ spec: { id: string } & Record<string, unknown> }>('PUT', `/${plural}`, {
      type,
      spec,
    });
    return stored.spec;
  }

  async startTestRun(testId: string, info: unknown): Promise<StartOutcome<TestRunJson>> {
    return this.start<TestRunJson>(`/tests/${encodeURIComponent(testId)}/run`, info);
  }

  async startSuiteRun(suiteId: string, info: unknown): Promise<StartOutcome<SuiteRunJson>> {
    return this.start<SuiteRunJson>(`/testsuites/${encodeURIComponent(suiteId)}/run`, info);
  }

  private async start<T>(path: string, info: unknown): Promise<StartOutcome<T>> {
    const response = await this.request('POST', path, info);
    const data = (await response.json().catch(() => undefined)) as unknown;
    if (response.status === 422 && data && typeof data === 'object' && 'missingVariables' in data) {
      return { ok: false, missingVariables: (data as { missingVariables: never }).missingVariables };
    }
    if (!response.ok) throw this.apiError(data, response.status);
    return { ok: true, run: data as T };
  }

  getTestRun(testId: string, runId: string): Promise<TestRunJson> {
    return this.json('GET', `/tests/${encodeURIComponent(testId)}/run/${runId}`);
  }

  getSuiteRun(suiteId: string, runId: string): Promise<SuiteRunJson> {
    return this.json('GET', `/testsuites/${encodeURIComponent(suiteId)}/run/${runId}`);
  }

  async junit(testId: string, runId: string): Promise<string> {
    const response = await this.request(
      'GET',
      `/tests/${encodeURIComponent(testId)}/run/${runId}/junit.xml`,
      undefined,
      'application/xml',
    );
    const text = await response.text();
    if (!response.ok) throw this.apiError(JSON.parse(text || '{}'), response.status);
    return text;
  }

  /** A stored Test or TestSuite (`plural` = tests | testsuites): its latest spec. */
  async getResource(plural: string, id: string): Promise<{ id: string; name?: string; version?: number }> {
    const stored = await this.json<{ spec: { id: string; name?: string; version?: number } }>(
      'GET',
      `/${plural}/${encodeURIComponent(id)}`,
    );
    return stored.spec;
  }

  /** One stored version of a Test or TestSuite. */
  getResourceVersion(plural: string, id: string, version: number): Promise<{ id: string; version?: number }> {
    return this.json('GET', `/${plural}/${encodeURIComponent(id)}/version/${version}`);
  }

  /** The run's event log (SPEC §7: every decision of the pipeline). */
  getRunEvents(
    testId: string,
    runId: string,
  ): Promise<{ type: string; title: string; description: string }[]> {
    return this.json('GET', `/tests/${encodeURIComponent(testId)}/run/${runId}/events`);
  }

  /**
   * Creates a stored run group; `undefined` when the server has no run-group API (the CLI then groups
   * the runs itself under a generated id).
   */
  async createRunGroup(body: Record<string, unknown>): Promise<{ id: string } | undefined> {
    const response = await this.request('POST', '/rungroups', body);
    const data = (await response.json().catch(() => undefined)) as unknown;
    if (response.status === 404 || response.status === 405) return undefined;
    if (!response.ok) throw this.apiError(data, response.status);
    return data as { id: string };
  }

  /**
   * Waits on the live event stream until the run (or suite run) reaches a final state; no timers, no
   * polling. The stream sends the current state first, so a run that already ended returns at once.
   */
  async waitForFinalState(
    kind: 'runId' | 'suiteRunId',
    id: string,
    onState?: (state: string, event: { type?: string; payload?: unknown }) => void,
  ): Promise<void> {
    const response = await fetch(`${this.apiUrl}/events/stream?${kind}=${encodeURIComponent(id)}`, {
      headers: this.headers({ accept: 'text/event-stream' }),
    }).catch((error: Error) => {
      throw new TracecheckError(
        'SERVER_UNREACHABLE',
        `lost the server at ${this.serverUrl}: ${error.message}`,
      );
    });
    if (!response.ok || !response.body) {
      throw this.apiError(await response.json().catch(() => undefined), response.status);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as { state?: string; type?: string; payload?: unknown };
          if (event.state) onState?.(event.state, event);
          if (
            (kind === 'runId' ? event.type === 'run' : event.type === 'suite-run') &&
            isFinalRunState(event.state)
          ) {
            return;
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}
