import type { Counter, MetricsRegistry } from './metrics-registry';

/** How spans reached the agent. */
export type OtlpTransport = 'http' | 'grpc';
/** The body encoding of an OTLP request. */
export type OtlpEncoding = 'protobuf' | 'json';

/**
 * How an export request ended: `ok` (every span kept), `partial` (some spans rejected),
 * `invalid` (400 / INVALID_ARGUMENT), `too_large` (413), `unsupported` (415), `overloaded`
 * (429 / 503 / UNAVAILABLE, retried by the client).
 */
export type ExportOutcome = 'ok' | 'partial' | 'invalid' | 'too_large' | 'unsupported' | 'overloaded';

/** Why a trace left the cache early or on time. */
export type EvictionReason = 'ttl' | 'memory';

/** The agent's own metrics, registered on a registry passed in. */
export interface AgentMetrics {
  readonly spansReceived: Counter<'transport' | 'encoding'>;
  readonly spansRejected: Counter<'transport'>;
  readonly spansDuplicate: Counter<'transport'>;
  readonly exportRequests: Counter<'transport' | 'outcome'>;
  readonly tracesEvicted: Counter<'reason'>;
  readonly spansEvicted: Counter<'reason'>;
  readonly jobsStarted: Counter<'kind'>;
  readonly jobFailures: Counter<'kind'>;
}

/**
 * Registers the agent's metrics. Triggers run as jobs of kind `trigger`, so "triggers fired" is
 * `tracecheck_agent_jobs_total{kind="trigger"}` and their failures
 * `tracecheck_agent_job_failures_total{kind="trigger"}`.
 */
export function registerAgentMetrics(registry: MetricsRegistry): AgentMetrics {
  return {
    spansReceived: registry.counter({
      name: 'tracecheck_agent_spans_received_total',
      help: 'Spans received over OTLP and kept in the span cache.',
      labelNames: ['transport', 'encoding'],
    }),
    spansRejected: registry.counter({
      name: 'tracecheck_agent_spans_rejected_total',
      help: 'Spans of well-formed requests refused for lack of room in the span cache (a request that cannot be decoded counts in tracecheck_agent_export_requests_total{outcome="invalid"}).',
      labelNames: ['transport'],
    }),
    spansDuplicate: registry.counter({
      name: 'tracecheck_agent_spans_duplicate_total',
      help: 'Spans of watched traces received again with a span id already pushed (exporter retries); dropped.',
      labelNames: ['transport'],
    }),
    exportRequests: registry.counter({
      name: 'tracecheck_agent_export_requests_total',
      help: 'OTLP export requests by outcome (ok, partial, invalid, too_large, unsupported, overloaded).',
      labelNames: ['transport', 'outcome'],
    }),
    tracesEvicted: registry.counter({
      name: 'tracecheck_agent_traces_evicted_total',
      help: 'Traces removed from the span cache: ttl (not updated for the time to live) or memory (oldest first, to stay under the memory cap).',
      labelNames: ['reason'],
    }),
    spansEvicted: registry.counter({
      name: 'tracecheck_agent_spans_evicted_total',
      help: 'Spans removed from the span cache with their trace.',
      labelNames: ['reason'],
    }),
    jobsStarted: registry.counter({
      name: 'tracecheck_agent_jobs_total',
      help: 'Jobs started by kind (kind="trigger" counts triggers fired).',
      labelNames: ['kind'],
    }),
    jobFailures: registry.counter({
      name: 'tracecheck_agent_job_failures_total',
      help: 'Jobs that ended with an error, by kind.',
      labelNames: ['kind'],
    }),
  };
}
