import type { DataStoreSpec } from '@tracecheck/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTraceSource } from './create-trace-source';
import type { TraceSourceConfig } from './data-store-config';

describe('createTraceSource', () => {
  it('takes the spec of a parsed DataStore definition of a polled kind as it is', () => {
    expectTypeOf<Extract<DataStoreSpec, { type: TraceSourceConfig['type'] }>>().toExtend<TraceSourceConfig>();
  });

  it.each([
    ['jaeger', { type: 'jaeger', jaeger: { endpoint: 'jaeger:16685', tls: { insecure: true } } }],
    ['jaeger', { type: 'jaeger', jaeger: { endpoint: 'http://jaeger:16686' } }],
    ['tempo', { type: 'tempo', tempo: { type: 'grpc', grpc: { endpoint: 'tempo:9095' } } }],
    ['tempo', { type: 'tempo', tempo: { http: { url: 'https://tempo-us-central1.grafana.net/tempo' } } }],
    [
      'opensearch',
      { type: 'opensearch', opensearch: { addresses: ['http://opensearch:9200'], index: 'traces' } },
    ],
    [
      'elasticapm',
      { type: 'elasticapm', elasticapm: { addresses: ['https://es01:9200'], index: 'traces-apm-default' } },
    ],
  ] satisfies [string, TraceSourceConfig][])('creates a %s source without connecting', (kind, config) => {
    expect(createTraceSource(config).kind).toBe(kind);
  });
});
