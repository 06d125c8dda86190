import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema, HealthSchema, VersionSchema } from './api-schemas';
import { type ApiHarness, createApiHarness } from './api-test-harness';
import type { OpenApiDocument } from './build-openapi-document';

type Operation = OpenApiDocument['paths'][string][string];

const PLURALS = [
  'tests',
  'testsuites',
  'transactions',
  'variablesets',
  'environments',
  'pollingprofiles',
  'datastores',
  'analyzers',
  'configs',
  'demos',
  'testrunners',
  'monitors',
];

/** Every route of SPEC Appendix A and of the run, event and system parts of the API. */
const EXPECTED_ROUTES: readonly (readonly [string, string])[] = [
  ...PLURALS.flatMap(
    (plural) =>
      [
        ['PUT', `/api/${plural}`],
        ['POST', `/api/${plural}`],
        ['GET', `/api/${plural}`],
        ['GET', `/api/${plural}/{id}`],
        ['PUT', `/api/${plural}/{id}`],
        ['DELETE', `/api/${plural}/{id}`],
      ] as const,
  ),
  ['GET', '/api/tests/{id}/version'],
  ['GET', '/api/tests/{id}/version/{version}'],
  ['GET', '/api/testsuites/{id}/version/{version}'],
  ['POST', '/api/tests/{id}/run'],
  ['GET', '/api/tests/{id}/run'],
  ['GET', '/api/runs'],
  ['GET', '/api/tests/{id}/run/{runId}'],
  ['DELETE', '/api/tests/{id}/run/{runId}'],
  ['POST', '/api/tests/{id}/run/{runId}/rerun'],
  ['POST', '/api/tests/{id}/run/{runId}/stop'],
  ['POST', '/api/tests/{id}/run/{runId}/skipPolling'],
  ['POST', '/api/tests/{id}/run/{runId}/skip-trace-collection'],
  ['PUT', '/api/tests/{id}/run/{runId}/dry-run'],
  ['GET', '/api/tests/{id}/run/{runId}/junit.xml'],
  ['GET', '/api/tests/{id}/run/{runId}/events'],
  ['POST', '/api/testsuites/{id}/run'],
  ['GET', '/api/testsuites/{id}/run'],
  ['GET', '/api/testsuites/{id}/run/{runId}'],
  ['POST', '/api/testsuites/{id}/run/{runId}/stop'],
  ['POST', '/api/transactions/{id}/run'],
  ['GET', '/api/events/stream'],
  ['POST', '/api/expressions/resolve'],
  ['GET', '/api/health'],
  ['GET', '/api/version'],
  ['GET', '/api/version.json'],
  ['GET', '/api/openapi.json'],
];

function fastifyUrl(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function collectRefs(value: unknown, refs: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, refs);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') refs.add(item);
      else collectRefs(item, refs);
    }
  }
  return refs;
}

let h: ApiHarness;
let document: OpenApiDocument;
let operations: { method: string; path: string; operation: Operation }[];

beforeAll(async () => {
  h = await createApiHarness();
  const response = await h.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('application/json');
  document = JSON.parse(response.body) as OpenApiDocument;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/health', () => {
  it('answers 503 with an error body until the process is ready, then 200 with the version', async () => {
    h.setReady(false);
    const starting = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(starting.statusCode).toBe(503);
    expect(ApiErrorBodySchema.parse(starting.json())).toMatchObject({ status: 503, code: 'OVERLOADED' });
    h.setReady(true);
    const ready = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(ready.statusCode).toBe(200);
    expect(HealthSchema.parse(ready.json())).toEqual({ status: 'ok', version: '1.2.3' });
  });
});

describe('GET /api/version', () => {
  it.each(['/api/version', '/api/version.json'])('answers the version at %s', async (url) => {
    const response = await h.app.inject({ method: 'GET', url });
    expect(VersionSchema.parse(response.json())).toEqual({ version: '1.2.3', type: 'oss' });
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document of this version', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Tracecheck API', version: '1.2.3' } });
  });

  it.each(EXPECTED_ROUTES)('describes %s %s, which the server serves', (method, path) => {
    expect(document.paths[path]?.[method.toLowerCase()]).toBeDefined();
    expect(h.app.hasRoute({ method: method as HTTPMethods, url: fastifyUrl(path) })).toBe(true);
  });

  it('describes only routes the server serves, each with a unique operation id', () => {
    for (const { method, path } of operations) {
      expect(
        h.app.hasRoute({ method: method as HTTPMethods, url: fastifyUrl(path) }),
        `${method} ${path}`,
      ).toBe(true);
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.length).toBeGreaterThanOrEqual(EXPECTED_ROUTES.length);
  });

  it('resolves every $ref to a component, and components carry no dialect of their own', () => {
    const refs = collectRefs(document, new Set());
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(document.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
    for (const schema of Object.values(document.components.schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });

  it('gives every operation its error bodies: 500 always, 400 when it validates input', () => {
    for (const { method, path, operation } of operations) {
      const responses = operation.responses as Record<
        string,
        { content?: Record<string, { schema: unknown }> }
      >;
      expect(responses['500']?.content?.['application/json']?.schema, `${method} ${path}`).toEqual({
        $ref: '#/components/schemas/ApiError',
      });
      if (operation.parameters.length > 0 || operation.requestBody !== undefined) {
        expect(responses['400'], `${method} ${path}`).toBeDefined();
      }
    }
  });

  it.each([
    ['GET', '/api/tests', ['take', 'skip', 'sortBy', 'sortDirection', 'query', 'all'], []],
    ['GET', '/api/tests/{id}/run/{runId}', [], ['id', 'runId']],
    [
      'GET',
      '/api/tests/{id}/run',
      [
        'take',
        'skip',
        'sortDirection',
        'state',
        'createdAfter',
        'createdBefore',
        'source',
        'branch',
        'runGroupId',
      ],
      ['id'],
    ],
    ['GET', '/api/events/stream', ['runId', 'suiteRunId', 'runGroupId'], []],
  ])('lists the parameters of %s %s', (method, path, query, pathParameters) => {
    const parameters = document.paths[path]?.[method.toLowerCase()]?.parameters ?? [];
    expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(query);
    expect(parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParameters);
    for (const parameter of parameters.filter((p) => p.in === 'path')) expect(parameter.required).toBe(true);
  });

  it('documents definition bodies as JSON and YAML, and runs with their 422', () => {
    const apply = document.paths['/api/tests']?.put;
    expect(Object.keys(apply?.requestBody?.content ?? {})).toEqual(['application/json', 'text/yaml']);
    expect(apply?.responses['201']).toBeDefined();
    const run = document.paths['/api/tests/{id}/run']?.post;
    expect(run?.responses['422']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/MissingVariablesError' } } },
    });
    expect(document.components.schemas.TestRun).toMatchObject({ type: 'object' });
    expect(document.paths['/api/tests/{id}/run/{runId}/skipPolling']?.post?.deprecated).toBe(true);
  });
});
