// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the expression language's interpolation, not JavaScript's
import { buildSchema, graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fireTrigger } from './fire-trigger';
import { encodeGraphqlBody } from './graphql-trigger';
import { resolveTrigger } from './resolve-trigger';
import { responseAttributes } from './response-attributes';
import { createTestContext, type LocalServer, startLocalServer } from './testing/local-server';
import type { GraphqlRequest, HttpResponse, TriggerResult } from './trigger';

const schema = buildSchema(`
  type Order { id: ID!, total: Float! }
  type Query {
    order(id: ID!): Order
    whoami: String
    traceparent: String
  }
`);

interface RequestHeaders {
  readonly authorization?: string;
  readonly traceparent?: string;
}

const rootValue = {
  order: ({ id }: { id: string }) => ({ id, total: 9.5 }),
  whoami: (_: unknown, context: RequestHeaders) => context.authorization ?? null,
  traceparent: (_: unknown, context: RequestHeaders) => context.traceparent ?? null,
};

/** A GraphQL endpoint over node:http: POST JSON in, the execution result out, plus what it received. */
async function startGraphqlServer(): Promise<LocalServer> {
  return startLocalServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    request.on('end', async () => {
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/json') {
        response.writeHead(415, { 'Content-Type': 'text/plain' });
        response.end(
          `expected POST application/json, got ${request.method} ${request.headers['content-type']}`,
        );
        return;
      }
      const body = JSON.parse(text) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const result = await graphql({
        schema,
        rootValue,
        source: body.query,
        variableValues: body.variables ?? null,
        operationName: body.operationName ?? null,
        contextValue: {
          authorization: request.headers.authorization,
          traceparent: request.headers.traceparent,
        },
      });
      response.writeHead(200, { 'Content-Type': 'application/json', 'X-Graphql-Server': 'test' });
      response.end(JSON.stringify({ ...result, extensions: { receivedKeys: Object.keys(body) } }));
    });
  });
}

function responseOf(result: TriggerResult): HttpResponse {
  if (result.error) throw new Error(`expected a response, got the error: ${result.error.message}`);
  if (result.type !== 'graphql') throw new Error(`expected a graphql result, got ${result.type}`);
  return result.graphql;
}

describe('graphql trigger against a graphql-js endpoint', () => {
  let server: LocalServer;
  const fire = (request: Omit<GraphqlRequest, 'url'>) =>
    fireTrigger(
      { type: 'graphql', graphql: { url: `localhost:${server.port}/graphql`, ...request } },
      createTestContext(),
    );
  beforeAll(async () => {
    server = await startGraphqlServer();
  });
  afterAll(() => server.close());

  test('Q19: auth is applied and the response is exposed as tracetest.response.*', async () => {
    const result = await fire({
      auth: { type: 'basic', basic: { username: 'u', password: 'p' } },
      body: {
        query:
          'query Order($id: ID!) { order(id: $id) { id total } whoami traceparent } query Other { whoami }',
        variables: { id: '7' },
        operationName: 'Order',
      },
    });
    const response = responseOf(result);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      data: {
        order: { id: '7', total: 9.5 },
        whoami: 'Basic dTpw',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      extensions: { receivedKeys: ['query', 'variables', 'operationName'] },
    });
    const attributes = responseAttributes(result);
    expect(attributes['tracetest.response.status']).toBe('200');
    expect(attributes['tracetest.response.body']).toBe(response.body);
    expect(attributes['tracetest.response.headers']).toContain('{"key":"X-Graphql-Server","value":"test"}');
  });

  test('empty variables and operation name are not sent; a bearer token goes verbatim', async () => {
    const result = await fire({
      headers: [{ key: 'Content-Type', value: 'application/json' }],
      auth: { type: 'bearer', bearer: { token: 'tok' } },
      body: { query: '{ whoami }', variables: {}, operationName: '' },
    });
    expect(JSON.parse(responseOf(result).body)).toEqual({
      data: { whoami: 'tok' },
      extensions: { receivedKeys: ['query'] },
    });
  });

  test('resolved fields are sent resolved (query, variables, auth)', async () => {
    const trigger = resolveTrigger(
      {
        type: 'graphql',
        graphql: {
          url: '${var:GRAPHQL_URL}',
          auth: { type: 'bearer', bearer: { token: '${var:TOKEN}' } },
          body: {
            query: 'query Q($id: ID!) { order(id: $id) { id } whoami }',
            variables: { id: '${var:ID}' },
          },
        },
      },
      (text) =>
        text
          .replaceAll('${var:GRAPHQL_URL}', `http://localhost:${server.port}/graphql`)
          .replaceAll('${var:TOKEN}', 'Bearer resolved')
          .replaceAll('${var:ID}', '42'),
    );
    const result = await fireTrigger(trigger, createTestContext());
    expect(JSON.parse(responseOf(result).body).data).toEqual({
      order: { id: '42' },
      whoami: 'Bearer resolved',
    });
  });

  test('a GraphQL error is a response, not a trigger failure', async () => {
    const result = await fire({ body: { query: '{ nope }' } });
    const response = responseOf(result);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).errors[0].message).toContain('Cannot query field "nope"');
  });
});

describe('encodeGraphqlBody', () => {
  test.each([
    { body: { query: '{ a }' }, json: '{"query":"{ a }"}' },
    {
      body: { query: 'query Q { a }', variables: { n: 1, s: 'x' }, operationName: 'Q' },
      json: '{"query":"query Q { a }","variables":{"n":1,"s":"x"},"operationName":"Q"}',
    },
    { body: { query: '', variables: {}, operationName: '' }, json: '{}' },
    { body: {}, json: '{}' },
  ])('$json', ({ body, json }) => {
    expect(encodeGraphqlBody(body)).toBe(json);
  });
});
