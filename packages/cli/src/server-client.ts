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
  readonly result: { readonly allPassed: boolean; readonly results: readonly unknown[] } | null;
  readonly outputs: readonly { name: string; value: string; spanId?: string; error?: string }[];
  readonly requiredGatesResult: { required: string[]; failed: string[]; passed: boolean } | null;
  readonly passed: boolean | null;
}

export interface SuiteRunJson {
  readonly id: string;
  readonly state: string;
  readonly steps: readonly TestRunJson[];
  readonly lastErrorState?: string | null;
}

export type StartOutcome<T> =
  | { readonly ok: true; readonly run: T }
  | {
      readonly ok: false;
      readonly missingVariables: readonly { testId: string; variables: { key: string }[] }[];
    };

/** The control plane's API as the CLI uses it (SPEC Appendix A). */
export class ServerClient {
  readonly apiUrl: string;
  constructor(
    readonly serverUrl: string,
    private readonly token?: string,
  ) {
    this.apiUrl = `${serverUrl.replace(/\/+$/, '')}/api`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-source': 'cli',
      'x-client-id': `tracecheck-cli/${CLI_VERSION}`,
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...extra,
    };
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
      throw new TracecheckError(
        'SERVER_UNREACHABLE',
        `cannot reach the Tracecheck server at ${this.serverUrl} (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}): start it with \`tracecheck start\`, or give its URL with --server-url`,
      );
    }
    return response;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    const data = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) throw fromApiErrorBody(data, response.status);
    return data as T;
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
    if (!response.ok) throw fromApiErrorBody(data, response.status);
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
    if (!response.ok) throw fromApiErrorBody(JSON.parse(text || '{}'), response.status);
    return text;
  }

  /**
   * Waits on the live event stream until the run (or suite run) reaches a final state; no timers, no
   * polling. The stream sends the current state first, so a run that already ended returns at once.
   */
  async waitForFinalState(
    kind: 'runId' | 'suiteRunId',
    id: string,
    onState?: (state: string) => void,
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
      throw fromApiErrorBody(await response.json().catch(() => undefined), response.status);
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
          const event = JSON.parse(data) as { state?: string; type?: string };
          if (event.state) onState?.(event.state);
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
