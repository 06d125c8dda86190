/**
 * @tracecheck/agent — runs beside the system under test: OTLP receivers, span cache with watches,
 * metrics, logging, configuration, triggers and trace sources.
 */

export * from './cache/span-cache';
export * from './config/agent-config';
export * from './create-agent';
export * from './link/index';
export * from './logging/create-logger';
export * from './metrics/agent-metrics';
export * from './metrics/metrics-registry';
export type { ListeningAddress } from './receivers/listening-address';
export { OTLP_GRPC_EXPORT_PATH } from './receivers/otlp-grpc-receiver';
export { OTLP_TRACES_PATH } from './receivers/otlp-http-receiver';
export * from './run-agent-process';
export * from './sources/index';
export * from './triggers/index';
