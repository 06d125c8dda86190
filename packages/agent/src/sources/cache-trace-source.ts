import type { SpanRecord, TraceId } from '@tracecheck/core';
import { describeError } from './data-store-error';
import { randomTraceId, sentence } from './test-source-connection';
import type { FetchTraceOptions, FetchTraceResult, TraceSource } from './trace-source';

/**
 * A source over spans the agent already holds (OTLP ingestion): `lookup` returns the spans cached for
 * a trace id, or `undefined` when none arrived. Its connection test has only the fetch step: there is
 * no network between the agent and its own cache.
 * @example const source = createCacheTraceSource((traceId) => cache.get(traceId));
 */
export function createCacheTraceSource(
  lookup: (traceId: TraceId) => readonly SpanRecord[] | undefined,
): TraceSource {
  const fetchTrace = async (traceId: TraceId, options?: FetchTraceOptions): Promise<FetchTraceResult> => {
    options?.signal?.throwIfAborted();
    const spans = lookup(traceId);
    return spans && spans.length > 0 ? { found: true, spans } : { found: false };
  };
  return {
    kind: 'otlp',
    fetchTrace,
    async testConnection() {
      try {
        await fetchTrace(randomTraceId());
        return {
          passed: true,
          steps: [
            {
              step: 'fetch',
              passed: true,
              message: 'The agent looked up a trace id in the spans it received over OTLP.',
            },
          ],
        };
      } catch (error) {
        const text = describeError(error);
        return {
          passed: false,
          steps: [
            {
              step: 'fetch',
              passed: false,
              message: sentence(`The agent could not look up a trace in its span cache: ${text}`),
              error: text,
            },
          ],
        };
      }
    },
  };
}
