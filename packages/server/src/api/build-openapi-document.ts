import { z } from 'zod/v4';
import type { ApiRoute, ResponseSpec } from './api-route';
import { API_COMPONENTS, ApiErrorBodySchema, type ComponentMeta } from './api-schemas';

type JsonSchema = Record<string, unknown>;

interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly deprecated?: boolean;
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: Record<string, { schema: JsonSchema }>;
  };
  readonly responses: Record<string, unknown>;
  /** The action of the permission table the route needs (`public`: none). */
  readonly 'x-permission': string;
}

/** An OpenAPI 3.1 document (its schemas are JSON Schema 2020-12, as zod writes them). */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { readonly schemas: Record<string, JsonSchema> };
}

const REF_PREFIX = '#/components/schemas/';

function ref(id: string): JsonSchema {
  return { $ref: `${REF_PREFIX}${id}` };
}

function errorResponse(description: string): ResponseSpec {
  return { description, schema: ApiErrorBodySchema };
}

/** Answers every route may give besides its own: invalid input, body limits, internal errors. */
function standardResponses(route: ApiRoute): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined) {
    responses[400] = errorResponse('The request is invalid: every invalid field is quoted');
  }
  if (route.body !== undefined) {
    responses[413] = errorResponse('The body is larger than the limit of the route');
    responses[415] = errorResponse('The body has a content type the route does not read');
  }
  responses[500] = errorResponse('An unexpected error; it was logged with the request id');
  return responses;
}

function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/**
 * The OpenAPI document of the routes, generated from the zod schemas that validate their requests:
 * named schemas become components, parameters come from the params and query schemas, and every
 * error answer is an `ApiError`.
 * @example buildOpenApiDocument(routes, { version: '0.1.0' }).paths['/api/tests'].put.operationId // 'upsertTest'
 */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[],
  options: { version: string },
): OpenApiDocument {
  const registry = z.registry<ComponentMeta>();
  for (const { schema, meta } of API_COMPONENTS) registry.add(schema, meta);
  const idOf = new Map<z.ZodType, string>();
  const parameterIds = new Set<string>();
  const register = (schema: z.ZodType | undefined, id: string, parameters = false): void => {
    if (schema === undefined || idOf.has(schema)) return;
    const existing = registry.get(schema)?.id;
    if (existing !== undefined && registry.has(schema)) {
      idOf.set(schema, existing);
      return;
    }
    registry.add(schema, { id });
    idOf.set(schema, id);
    if (parameters) parameterIds.add(id);
  };
  for (const route of routes) {
    register(route.params, `${route.operationId}Params`, true);
    register(route.query, `${route.operationId}Query`, true);
    register(route.body, `${route.operationId}Body`);
    for (const [status, response] of Object.entries(route.responses)) {
      register(response.schema, `${route.operationId}Response${status}`);
      register(response.streamSchema, `${route.operationId}Event${status}`);
    }
  }

  const generated = z.toJSONSchema(registry, {
    uri: (id) => `${REF_PREFIX}${id}`,
    unrepresentable: 'any',
    io: 'input',
  }).schemas;
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    schemas[id] = rest;
  }

  const parametersOf = (schema: z.ZodType | undefined, location: 'path' | 'query'): OpenApiParameter[] => {
    const id = schema === undefined ? undefined : idOf.get(schema);
    const object = id === undefined ? undefined : schemas[id];
    if (object === undefined) return [];
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((object.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return {
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: propertySchema,
      };
    });
  };

  const schemaRef = (schema: z.ZodType): JsonSchema => {
    const id = idOf.get(schema);
    if (id === undefined) throw new RangeError('a route schema was not registered');
    return ref(id);
  };

  const responseOf = (response: ResponseSpec): Record<string, unknown> => {
    const content: Record<string, { schema: JsonSchema }> = {};
    if (response.schema !== undefined) content['application/json'] = { schema: schemaRef(response.schema) };
    for (const type of response.textTypes ?? []) content[type] = { schema: { type: 'string' } };
    if (response.streamSchema !== undefined) {
      content['text/event-stream'] = { schema: schemaRef(response.streamSchema) };
    }
    const headers =
      response.headers === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(response.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'integer' } },
            ]),
          );
    return {
      description: response.description,
      ...(headers === undefined ? {} : { headers }),
      ...(Object.keys(content).length === 0 ? {} : { content }),
    };
  };

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    const responses = Object.fromEntries(
      Object.entries({ ...standardResponses(route), ...route.responses }).map(([status, response]) => [
        status,
        responseOf(response),
      ]),
    );
    const requestBody =
      route.body === undefined
        ? undefined
        : {
            required: !route.bodyOptional,
            content: {
              'application/json': { schema: schemaRef(route.body) },
              ...(route.yamlBody
                ? { 'text/yaml': { schema: { type: 'string', description: 'The same document as YAML' } } }
                : {}),
            },
          };
    const urls = [route.url, ...route.legacyUrls];
    urls.forEach((url, index) => {
      const operation: OpenApiOperation = {
        operationId: index === 0 ? route.operationId : `${route.operationId}Legacy${index}`,
        summary: route.summary,
        ...(route.description === undefined ? {} : { description: route.description }),
        tags: route.tags,
        ...(index === 0 ? {} : { deprecated: true }),
        parameters,
        ...(requestBody === undefined ? {} : { requestBody }),
        responses,
        'x-permission': route.permission,
      };
      const path = openApiPath(url);
      paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
    });
  }

  for (const id of parameterIds) delete schemas[id];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tracecheck API',
      version: options.version,
      description:
        'The control plane of Tracecheck. Tracetest clients work unchanged: resources as YAML or JSON, runs, JUnit. ' +
        'Every error answer is an ApiError with a stable code.',
    },
    paths,
    components: { schemas },
  };
}
