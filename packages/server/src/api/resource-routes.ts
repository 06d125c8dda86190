import type { FastifyRequest } from 'fastify';
import type { Action } from '../identity/permissions';
import type { Scope } from '../store/store';
import { type ApiRoute, defineRoute, type ResponseSpec } from './api-route';
import {
  ApiErrorBodySchema,
  RESOURCE_SCHEMAS,
  ResourceIdParamsSchema,
  ResourceListQuerySchema,
  ResourceSpecSchema,
  VersionListSchema,
  VersionParamsSchema,
} from './api-schemas';
import { negotiateResourceFormat, renderResource, renderResourceList } from './render-resource';
import { RESOURCE_KINDS, type ResourceKindInfo } from './resource-kinds';
import type { ResourceService } from './resource-service';

/** Definitions may be large (tests with many specs, provisioning streams). */
const DEFINITION_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

interface ResourceRoutesDeps {
  readonly resources: ResourceService;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
}

const YAML_TYPES = ['text/yaml'] as const;

function error(description: string): ResponseSpec {
  return { description, schema: ApiErrorBodySchema };
}

/** Settings kinds need `env.settings.write`; variable sets (which hold secrets) `env.secrets.write`. */
function writeActionOf(info: ResourceKindInfo): Action {
  switch (info.kind) {
    case 'Config':
    case 'PollingProfile':
    case 'DataStore':
    case 'Analyzer':
    case 'TestRunner':
    case 'Demo':
      return 'env.settings.write';
    case 'VariableSet':
      return 'env.secrets.write';
    case 'Test':
    case 'TestSuite':
    case 'Monitor':
      return 'env.resources.write';
  }
}

function routesOf(info: ResourceKindInfo, deps: ResourceRoutesDeps): ApiRoute[] {
  const { resources, resolveScope } = deps;
  const schemas = RESOURCE_SCHEMAS[info.kind];
  const collection = `/api/${info.plural}`;
  const legacy = (suffix: string) => info.legacyPlurals.map((plural) => `/api/${plural}${suffix}`);
  const tags = [info.plural];
  const writeAction = writeActionOf(info);
  const answered: ResponseSpec = {
    description: `The ${info.kind}`,
    schema: schemas.resource,
    textTypes: YAML_TYPES,
  };
  const routes: ApiRoute[] = [
    defineRoute({
      method: 'PUT',
      url: collection,
      legacyUrls: legacy(''),
      operationId: `upsert${info.kind}`,
      permission: writeAction,
      summary: `Apply a ${info.kind}: create it, or update the one with the same id`,
      description:
        'The body is a definition as YAML (Content-Type: text/yaml) or JSON. Without an id the server generates one' +
        (info.singleton ? '; this kind is a singleton whose id is always `current`.' : '.') +
        ' The answer is YAML when Accept asks for text/yaml, else JSON.',
      tags,
      body: schemas.definition,
      yamlBody: true,
      bodyLimitBytes: DEFINITION_BODY_LIMIT_BYTES,
      responses: {
        200: { ...answered, description: `The ${info.kind} was updated (or was already identical)` },
        201: { ...answered, description: `The ${info.kind} was created` },
      },
      async handle({ body, request }) {
        const scope = await resolveScope(request);
        const outcome = await resources.apply(scope, info, body, { kind: 'upsert' });
        return renderResource(
          outcome.view,
          negotiateResourceFormat(request.headers.accept),
          outcome.created ? 201 : 200,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      url: collection,
      legacyUrls: legacy(''),
      operationId: `create${info.kind}`,
      permission: writeAction,
      summary: `Create a ${info.kind}`,
      tags,
      body: schemas.definition,
      yamlBody: true,
      bodyLimitBytes: DEFINITION_BODY_LIMIT_BYTES,
      responses: {
        201: { ...answered, description: `The ${info.kind} was created` },
        409: error('A resource with that id exists'),
      },
      async handle({ body, request }) {
        const scope = await resolveScope(request);
        const outcome = await resources.apply(scope, info, body, { kind: 'create' });
        return renderResource(outcome.view, negotiateResourceFormat(request.headers.accept), 201);
      },
    }),
    defineRoute({
      method: 'GET',
      url: collection,
      legacyUrls: legacy(''),
      operationId: `list${info.kind}s`,
      permission: 'env.resources.read',
      summary: `List ${info.kind} resources`,
      description:
        'JSON {count, items}; with Accept: text/yaml-stream, YAML documents each preceded by `---`.' +
        (info.singleton ? ' A singleton lists its one resource (its default while none was stored).' : ''),
      tags,
      query: ResourceListQuerySchema,
      responses: {
        200: {
          description: `A page of ${info.kind} resources`,
          schema: schemas.list,
          textTypes: ['text/yaml', 'text/yaml-stream'],
        },
      },
      async handle({ query, request }) {
        const scope = await resolveScope(request);
        const page = await resources.list(scope, info, query);
        return renderResourceList(page, negotiateResourceFormat(request.headers.accept));
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${collection}/:id`,
      legacyUrls: legacy('/:id'),
      operationId: `get${info.kind}`,
      permission: 'env.resources.read',
      summary: `Get a ${info.kind}`,
      tags,
      params: ResourceIdParamsSchema,
      responses: { 200: answered, 404: error(`No ${info.kind} with that id`) },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const view = await resources.get(scope, info, params.id);
        return renderResource(view, negotiateResourceFormat(request.headers.accept), 200);
      },
    }),
    defineRoute({
      method: 'PUT',
      url: `${collection}/:id`,
      legacyUrls: legacy('/:id'),
      operationId: `update${info.kind}`,
      permission: writeAction,
      summary: `Update a ${info.kind}`,
      description: 'The body’s id, when given, must be the id of the path.',
      tags,
      params: ResourceIdParamsSchema,
      body: schemas.definition,
      yamlBody: true,
      bodyLimitBytes: DEFINITION_BODY_LIMIT_BYTES,
      responses: {
        200: { ...answered, description: `The updated ${info.kind}` },
        404: error(`No ${info.kind} with that id`),
      },
      async handle({ params, body, request }) {
        const scope = await resolveScope(request);
        const outcome = await resources.apply(scope, info, body, { kind: 'update', id: params.id });
        return renderResource(outcome.view, negotiateResourceFormat(request.headers.accept), 200);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${collection}/:id`,
      legacyUrls: legacy('/:id'),
      operationId: `delete${info.kind}`,
      permission: writeAction,
      summary: `Delete a ${info.kind}`,
      description: info.singleton ? 'The singleton goes back to its default.' : undefined,
      tags,
      params: ResourceIdParamsSchema,
      responses: { 204: { description: 'Deleted' }, 404: error(`No ${info.kind} with that id`) },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        await resources.remove(scope, info, params.id);
        return { kind: 'empty', status: 204 };
      },
    }),
  ];
  if (!info.versioned) return routes;
  return [
    ...routes,
    defineRoute({
      method: 'GET',
      url: `${collection}/:id/version`,
      legacyUrls: legacy('/:id/version'),
      operationId: `list${info.kind}Versions`,
      permission: 'env.resources.read',
      summary: `List every version of a ${info.kind}`,
      tags,
      params: ResourceIdParamsSchema,
      responses: {
        200: { description: 'Every version, oldest first', schema: VersionListSchema },
        404: error('Not found'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const items = await resources.listVersions(scope, info, params.id);
        return { kind: 'json', status: 200, body: { count: items.length, items } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${collection}/:id/version/:version`,
      legacyUrls: legacy('/:id/version/:version'),
      operationId: `get${info.kind}Version`,
      permission: 'env.resources.read',
      summary: `Get one version of a ${info.kind}`,
      description: 'The spec of that version (not wrapped in {type, spec}), as Tracetest answers it.',
      tags,
      params: VersionParamsSchema,
      responses: {
        200: { description: 'The spec of that version', schema: ResourceSpecSchema },
        404: error('No such version'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        return {
          kind: 'json',
          status: 200,
          body: await resources.getVersion(scope, info, params.id, params.version),
        };
      },
    }),
  ];
}

/** The resource routes of Appendix A for every kind: apply, create, list, get, update, delete, versions. */
export function createResourceRoutes(deps: ResourceRoutesDeps): ApiRoute[] {
  return RESOURCE_KINDS.flatMap((info) => routesOf(info, deps));
}
