import type { SpanRecord, TraceId } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { createCacheTraceSource } from './cache-trace-source';
import { FIXTURE_SPANS, STORED_TRACE_ID } from './testing/fixture-trace';
import { describeTraceSource } from './trace-source-contract';

describeTraceSource(
  'OTLP ingestion (span cache)',
  async () => {
    const cache = new Map<TraceId, readonly SpanRecord[]>([[STORED_TRACE_ID, FIXTURE_SPANS]]);
    return {
      healthy: createCacheTraceSource((traceId) => cache.get(traceId)),
      storedTraceId: STORED_TRACE_ID,
      expectedSpans: FIXTURE_SPANS,
      close: async () => undefined,
    };
  },
  { network: false },
);

describe('cache trace source', () => {
  it('answers found:false for a trace whose entry holds no span', async () => {
    const source = createCacheTraceSource(() => []);
    await expect(source.fetchTrace(STORED_TRACE_ID)).resolves.toEqual({ found: false });
  });

  it('fails the fetch step when the lookup throws', async () => {
    const source = createCacheTraceSource(() => {
      throw new Error('cache closed');
    });
    await expect(source.testConnection()).resolves.toEqual({
      passed: false,
      steps: [
        {
          step: 'fetch',
          passed: false,
          message: 'The agent could not look up a trace in its span cache: cache closed.',
          error: 'cache closed',
        },
      ],
    });
  });
});
