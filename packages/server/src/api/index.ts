/**
 * The HTTP API of the control plane: `createApiServer` builds the Fastify instance; the route and
 * schema types describe what it answers (the same zod schemas generate `/api/openapi.json`).
 * `openVariableSetValues` opens the sealed secrets of a stored variable set for the run pipeline.
 */
export type {
  ApiRoute,
  DefinitionBody,
  HttpMethod,
  ResponseSpec,
  RouteContext,
  RouteDefinition,
  RouteResult,
} from './api-route';
export * from './api-schemas';
export type { OpenApiDocument } from './build-openapi-document';
export { type ApiServerDeps, createApiServer, createHeaderScopeResolver } from './create-api-server';
export {
  DEFAULT_SOCKET_HEARTBEAT_MS,
  EVENT_SOCKET_PATH,
  type EventSocketRouteOptions,
  registerEventSocketRoute,
} from './event-socket-route';
export { RESOURCE_KINDS, type ResourceKindInfo, SINGLETON_ID } from './resource-kinds';
export type { ResourcePage, ResourceView } from './resource-service';
export { type RunGroupView, toRunGroupView } from './run-group-views';
export type { RunEventView, TestRunSummaryView, TestRunView, TestSuiteRunView, TraceView } from './run-views';
export { createServerLogger, redactUrl, serializeRequest } from './server-logger';
export { openVariableSetValues } from './variable-set-secrets';
