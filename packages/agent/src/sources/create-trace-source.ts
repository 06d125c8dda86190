import type { TraceSourceConfig } from './data-store-config';
import { createElasticApmSource } from './elastic-apm-source';
import { createJaegerSource } from './jaeger-source';
import { createOpenSearchSource } from './opensearch-source';
import { resolveTraceSourceOptions, type TraceSourceOptions } from './source-options';
import { createTempoSource } from './tempo-source';
import type { TraceSource } from './trace-source';

/**
 * Creates the source of a polled DataStore (SPEC §1.8) from its settings. Settings that cannot work
 * (no endpoint, unreadable certificate file) throw `CONFIG_INVALID` naming the field.
 * @example
 * const source = createTraceSource({ type: 'tempo', tempo: { type: 'grpc', grpc: { endpoint: 'tempo:9095', tls: { insecure: true } } } });
 */
export function createTraceSource(config: TraceSourceConfig, options?: TraceSourceOptions): TraceSource {
  const resolved = resolveTraceSourceOptions(options);
  switch (config.type) {
    case 'jaeger':
      return createJaegerSource(config.jaeger, resolved);
    case 'tempo':
      return createTempoSource(config.tempo, resolved);
    case 'opensearch':
      return createOpenSearchSource(config.opensearch, resolved);
    case 'elasticapm':
      return createElasticApmSource(config.elasticapm, resolved);
  }
}
