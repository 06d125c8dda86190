import { TracecheckError } from '@tracecheck/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod/v4';
import type { Permission } from '../identity/permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler answers; the route runner writes it. */
export type RouteResult =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'text'; readonly status: number; readonly body: string; readonly contentType: string }
  | {
      readonly kind: 'bytes';
      readonly status: number;
      readonly body: Uint8Array;
      readonly contentType: string;
    }
  | { readonly kind: 'empty'; readonly status: number }
  /** The handler wrote the raw response itself (Server-Sent Events). */
  | { readonly kind: 'hijacked' };

/** A documented answer of a route. */
export interface ResponseSpec {
  readonly description: string;
  /** The JSON body; absent for an empty body or a non-JSON one. */
  readonly schema?: z.ZodType;
  /** Other media types of the body (`text/yaml`, `application/xml`, `text/event-stream`), as text. */
  readonly textTypes?: readonly string[];
  /** A Server-Sent Events stream whose `data:` lines each hold one JSON value of this schema. */
  readonly streamSchema?: z.ZodType;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request body as the handler of a definition route receives it. */
export type DefinitionBody<Json> =
  | { readonly format: 'yaml'; readonly text: string }
  | { readonly format: 'json'; readonly value: Json };

type BodyOf<B extends z.ZodType, Yaml extends boolean> = Yaml extends true
  ? DefinitionBody<z.output<B>>
  : z.output<B>;

export interface RouteContext<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteDefinition<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  Yaml extends boolean,
> {
  readonly method: HttpMethod;
  /** Fastify syntax: `/api/tests/:id`. */
  readonly url: string;
  /** Older spellings answered by the same handler, documented as deprecated. */
  readonly legacyUrls?: readonly string[];
  readonly operationId: string;
  /**
   * The action of the permission table this route needs (`env.resources.read`…), or `public`.
   * With identity enabled, a request is allowed only when its principal holds it (default deny).
   */
  readonly permission: Permission;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The body may also be a YAML document (`Content-Type: text/yaml`), handed over as text. */
  readonly yamlBody?: Yaml;
  /** The body may be left out; the handler then gets what the schema makes of `{}`. */
  readonly bodyOptional?: boolean;
  readonly bodyLimitBytes?: number;
  /** Success and error answers; 400 (when the route validates input) and 500 are added. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handle(context: RouteContext<z.output<P>, z.output<Q>, BodyOf<B, Yaml>>): Promise<RouteResult>;
}

/** A route with its types erased, as registered in Fastify and described in the OpenAPI document. */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly url: string;
  readonly legacyUrls: readonly string[];
  readonly operationId: string;
  readonly permission: Permission;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly yamlBody: boolean;
  readonly bodyOptional: boolean;
  readonly bodyLimitBytes?: number;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Validates the request with the schemas and runs the handler. */
  run(request: FastifyRequest, reply: FastifyReply): Promise<RouteResult>;
}

type Location = 'path parameter' | 'query parameter' | 'body field';

/** Quotes the invalid fields of a request, with what was expected, in one `REQUEST_INVALID` error. */
function requestInvalid(error: z.ZodError, location: Location, input: unknown): TracecheckError {
  const issues = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const given = valueAt(input, issue.path);
    return {
      location,
      field: path,
      message: issue.message.replace(/^Invalid input: /, ''),
      ...(given === undefined ? {} : { given }),
    };
  });
  const sentences = issues.map((issue) => {
    const subject = issue.field === '' ? 'the body' : `${issue.location} "${issue.field}"`;
    const given =
      issue.given === undefined
        ? ''
        : ` (got ${truncate(JSON.stringify(issue.given) ?? String(issue.given))})`;
    return `${subject}: ${issue.message}${given}`;
  });
  return new TracecheckError(
    'REQUEST_INVALID',
    `invalid request: ${sentences.join('; ')}; see /api/openapi.json for the expected shape`,
    { issues },
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return typeof value === 'object' && value !== null ? undefined : value;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function validate<S extends z.ZodType>(schema: S, input: unknown, location: Location): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw requestInvalid(result.error, location, input);
  return result.data;
}

/** An empty query parameter (`sortBy=`) counts as absent: the Tracetest CLI sends unset flags so. */
function dropEmptyQueryValues(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query)) if (value !== '') out[key] = value;
  return out;
}

function readBody<B extends z.ZodType>(
  schema: B,
  request: FastifyRequest,
  options: { readonly yaml: boolean; readonly optional: boolean },
): unknown {
  const body = request.body;
  if (options.yaml && typeof body === 'string') return { format: 'yaml', text: body };
  if (body === undefined || body === null) {
    if (options.optional) return validate(schema, {}, 'body field');
    throw new TracecheckError(
      'REQUEST_INVALID',
      options.yaml
        ? `${request.method} ${request.url} needs a body: a definition as YAML (Content-Type: text/yaml) or JSON ({"type": …, "spec": {…}})`
        : `${request.method} ${request.url} needs a JSON body (Content-Type: application/json); see /api/openapi.json for its shape`,
    );
  }
  const value = validate(schema, body, 'body field');
  return options.yaml ? { format: 'json', value } : value;
}

/**
 * Defines a route: its schemas validate the request (every invalid field quoted in one 400
 * `REQUEST_INVALID`), type the handler's input and document the route in the OpenAPI document.
 * @example defineRoute({ method: 'GET', url: '/api/version', operationId: 'getVersion', permission: 'public', summary: 'Version',
 *   tags: ['system'], responses: { 200: { description: 'ok', schema: VersionSchema } },
 *   handle: async () => ({ kind: 'json', status: 200, body: { version, type: 'oss' } }) })
 */
export function defineRoute<
  P extends z.ZodType = z.ZodType<unknown>,
  Q extends z.ZodType = z.ZodType<unknown>,
  B extends z.ZodType = z.ZodType<unknown>,
  Yaml extends boolean = false,
>(definition: RouteDefinition<P, Q, B, Yaml>): ApiRoute {
  const yaml = definition.yamlBody === true;
  const bodyOptional = definition.bodyOptional === true;
  return {
    method: definition.method,
    url: definition.url,
    legacyUrls: definition.legacyUrls ?? [],
    operationId: definition.operationId,
    permission: definition.permission,
    summary: definition.summary,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    tags: definition.tags,
    ...(definition.params === undefined ? {} : { params: definition.params }),
    ...(definition.query === undefined ? {} : { query: definition.query }),
    ...(definition.body === undefined ? {} : { body: definition.body }),
    yamlBody: yaml,
    bodyOptional,
    ...(definition.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: definition.bodyLimitBytes }),
    responses: definition.responses,
    async run(request, reply) {
      const params = definition.params
        ? validate(definition.params, request.params, 'path parameter')
        : undefined;
      const query = definition.query
        ? validate(definition.query, dropEmptyQueryValues(request.query), 'query parameter')
        : undefined;
      const body = definition.body
        ? readBody(definition.body, request, { yaml, optional: bodyOptional })
        : undefined;
      return definition.handle({
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as BodyOf<B, Yaml>,
        request,
        reply,
      });
    },
  };
}
