/**
 * Trace sources: where the agent fetches a trace by id (the polled DataStore kinds of SPEC §1.8, and
 * the spans it received over OTLP). One `TraceSource` interface; `describeTraceSource` in
 * `trace-source-contract.ts` is the contract every source passes (test support, not exported here).
 */
export { createCacheTraceSource } from './cache-trace-source';
export { createTraceSource } from './create-trace-source';
export type {
  GrpcClientSettings,
  HttpAuth as DataStoreHttpAuth,
  HttpClientSettings,
  SearchStoreSettings,
  TempoSettings,
  TlsSettings,
  TraceSourceConfig,
} from './data-store-config';
export type { DataStoreErrorDetails, DataStoreFailure } from './data-store-error';
export type { TraceSourceOptions } from './source-options';
export type {
  ConnectionTestResult,
  ConnectionTestStep,
  ConnectionTestStepName,
  FetchTraceOptions,
  FetchTraceResult,
  TraceSource,
} from './trace-source';
