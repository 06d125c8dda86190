import { TracecheckError } from '@tracecheck/core';
import { toApiErrorBody } from '@tracecheck/protocol';
import { type ApiRoute, defineRoute } from './api-route';
import { ApiErrorBodySchema, HealthSchema, OpenApiDocumentSchema, VersionSchema } from './api-schemas';
import type { OpenApiDocument } from './build-openapi-document';

interface SystemRoutesDeps {
  readonly version: string;
  readonly ready: () => boolean;
  /** The OpenAPI document of every route, this one included: built once the routes exist. */
  readonly openApiDocument: () => OpenApiDocument;
}

const TAGS = ['system'];

/** Health (for load balancers and the CLI's `start`), version, and the OpenAPI document. */
export function createSystemRoutes(deps: SystemRoutesDeps): ApiRoute[] {
  const versionBody = { version: deps.version, type: 'oss' as const };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/health',
      operationId: 'getHealth',
      permission: 'public',
      summary: 'Whether the process is ready to serve (200) or still starting (503)',
      tags: TAGS,
      responses: {
        200: { description: 'Ready', schema: HealthSchema },
        503: { description: 'Still starting', schema: ApiErrorBodySchema },
      },
      async handle() {
        if (deps.ready()) return { kind: 'json', status: 200, body: { status: 'ok', version: deps.version } };
        const error = new TracecheckError(
          'OVERLOADED',
          'the server is still starting (database migrations, connections): try again in a moment',
        );
        return { kind: 'json', status: error.httpStatus, body: toApiErrorBody(error) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/version',
      legacyUrls: ['/api/version.json'],
      operationId: 'getVersion',
      permission: 'public',
      summary: 'The server version',
      tags: TAGS,
      responses: { 200: { description: 'The version', schema: VersionSchema } },
      async handle() {
        return { kind: 'json', status: 200, body: versionBody };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      operationId: 'getOpenApiDocument',
      permission: 'public',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: TAGS,
      responses: { 200: { description: 'The OpenAPI document', schema: OpenApiDocumentSchema } },
      async handle() {
        return { kind: 'json', status: 200, body: deps.openApiDocument() };
      },
    }),
  ];
}
