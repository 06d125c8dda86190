import { TracecheckError } from '@tracecheck/core';
import type { DataStoreJson, TestConnectionJobResult } from '@tracecheck/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import type { Scope } from '../store/store';
import { type ApiRoute, defineRoute } from './api-route';
import { ApiErrorBodySchema, RESOURCE_SCHEMAS } from './api-schemas';
import { readDefinitionBody } from './read-definition-body';

/** Tests a data store through an agent of the environment (the control plane never dials it itself). */
export type TestDataStoreConnection = (
  scope: Scope,
  dataStore: DataStoreJson,
) => Promise<Omit<TestConnectionJobResult, 'kind'>>;

interface DataStoreConnectionDeps {
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  readonly testConnection: TestDataStoreConnection;
}

const ConnectionResultSchema = z.object({
  passed: z.boolean(),
  steps: z.array(
    z.object({
      step: z.string(),
      passed: z.boolean(),
      message: z.string(),
      error: z.string().optional(),
    }),
  ),
});

/**
 * `POST /api/datastores/connection` (Tracetest: `POST /api/config/connection`): sends the data store of
 * the body to an agent of the environment, which tries it the way runs will use it, and answers each
 * step (connectivity, authentication, trace lookup) with its result. Nothing is stored.
 */
export function createDataStoreConnectionRoute(deps: DataStoreConnectionDeps): ApiRoute {
  return defineRoute({
    method: 'POST',
    url: '/api/datastores/connection',
    legacyUrls: ['/api/config/connection'],
    operationId: 'testDataStoreConnection',
    // The agent dials the address with the credentials given: only those who may change settings may ask.
    permission: 'env.settings.write',
    summary: 'Test the connection to a data store through an agent',
    description:
      'The body is a DataStore definition (YAML or JSON); it is not stored. The answer lists the steps the agent tried.',
    tags: ['datastores'],
    body: RESOURCE_SCHEMAS.DataStore.definition,
    yamlBody: true,
    responses: {
      200: { description: 'The result of each step', schema: ConnectionResultSchema },
      424: { description: 'No agent is connected to the environment', schema: ApiErrorBodySchema },
    },
    async handle({ body, request }) {
      const scope = await deps.resolveScope(request);
      const resource = readDefinitionBody(body);
      if (resource.type !== 'DataStore') {
        throw new TracecheckError(
          'REQUEST_INVALID',
          `cannot test the connection of a ${resource.type}: send a definition with type: DataStore`,
        );
      }
      const result = await deps.testConnection(scope, resource.spec as unknown as DataStoreJson);
      return { kind: 'json', status: 200, body: { passed: result.passed, steps: result.steps } };
    },
  });
}
