import type { SpanRecord, TraceId } from '@tracecheck/core';

/** What a fetch found. "Not found" is an answer, not an error: polling fetches again (SPEC §7.2). */
export type FetchTraceResult =
  | { readonly found: true; readonly spans: readonly SpanRecord[] }
  | { readonly found: false };

export interface FetchTraceOptions {
  /** Aborts the fetch; the returned promise then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** The steps of a connection test, in the order they run. */
export type ConnectionTestStepName = 'port' | 'connectivity' | 'authentication' | 'fetch';

export interface ConnectionTestStep {
  readonly step: ConnectionTestStepName;
  readonly passed: boolean;
  /** A sentence a user can act on. */
  readonly message: string;
  /** The underlying error text, when the step failed. */
  readonly error?: string;
}

/**
 * The outcome of `testConnection()`. Steps run in order and stop at the first failure, so a failed
 * result ends with the failed step.
 */
export interface ConnectionTestResult {
  readonly passed: boolean;
  readonly steps: readonly ConnectionTestStep[];
}

/**
 * A place the agent fetches traces from (one DataStore kind of SPEC §1.8).
 *
 * `fetchTrace` resolves `{ found: false }` when the backend answers that it has no such trace, and
 * rejects with a `TracecheckError` when it cannot answer: `DATASTORE_UNREACHABLE` for network,
 * timeout, authentication and malformed-answer problems, with a message that names the URL and what
 * to check.
 * @example
 * const source = createTraceSource({ type: 'jaeger', jaeger: { endpoint: 'http://jaeger:16686' } });
 * const result = await source.fetchTrace(parseTraceId('0af7651916cd43dd8448eb211c80319c'));
 * if (result.found) console.log(result.spans.length);
 */
export interface TraceSource {
  /** The DataStore type this source reads, e.g. `jaeger`. */
  readonly kind: string;
  fetchTrace(traceId: TraceId, options?: FetchTraceOptions): Promise<FetchTraceResult>;
  testConnection(): Promise<ConnectionTestResult>;
}
