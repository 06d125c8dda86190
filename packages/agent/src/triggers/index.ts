/**
 * Triggers (SPEC §2): resolve a test's trigger, fire it with the run's trace context, and read the
 * trigger span's `tracetest.response.*` attributes from the result.
 */

export { detectRunningOnContainer } from './detect-running-on-container';
export { fireTrigger } from './fire-trigger';
export { type ResolveText, resolveTrigger } from './resolve-trigger';
export { RESPONSE_ATTRIBUTES, responseAttributes } from './response-attributes';
export { traceContextHeaders } from './trace-context-headers';
export type {
  GraphqlBody,
  GraphqlRequest,
  GrpcRequest,
  GrpcResponse,
  HttpAuth,
  HttpRequest,
  HttpResponse,
  IntegrationTriggerType,
  KafkaAuthentication,
  KafkaRequest,
  KafkaResponse,
  KeyValue,
  ProtoImportFile,
  TraceIdRequest,
  TraceIdResponse,
  Trigger,
  TriggerContext,
  TriggerError,
  TriggerOutcome,
  TriggerRequest,
  TriggerResponse,
  TriggerResult,
  TriggerType,
} from './trigger';
