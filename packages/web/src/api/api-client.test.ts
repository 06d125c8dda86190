import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, buildQueryString, createApiClient } from './api-client';

/** What a request looked like when it reached the server. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly accept: string;
  readonly source: string;
}

/** A loopback server answering as the real API does, for the routes the tests call. */
function answer(request: IncomingMessage): {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
} {
  const url = request.url ?? '';
  if (url === '/api/tests/order-api' && (request.headers.accept ?? '').includes('yaml')) {
    return { status: 200, type: 'text/yaml', body: 'type: Test\nspec:\n  id: order-api\n' };
  }
  if (url === '/api/tests/order-api/run?take=2') {
    return {
      status: 200,
      type: 'application/json',
      body: '[{"id":"9"},{"id":"8"}]',
      headers: { 'x-total-count': '12' },
    };
  }
  if (url === '/api/tests/order-api/run/9/trace' && request.headers.accept === 'application/x-protobuf')
    return { status: 200, type: 'application/x-protobuf', body: '\n\u0000' };
  if (url === '/api/tests/order-api/run/10/trace') {
    return {
      status: 404,
      type: 'application/json',
      body: '{"status":404,"code":"TRACE_NOT_FOUND","detail":"no span yet"}',
    };
  }
  if (url === '/api/auth/session')
    return { status: 200, type: 'application/json', body: '{"user":{"id":"u"},"csrfToken":"csrf-1"}' };
  if (url === '/api/variablesets' && request.method === 'PUT')
    return {
      status: 201,
      type: 'application/json',
      body: '{"type":"VariableSet","spec":{"id":"s1","name":"s"}}',
    };
  if (url === '/api/datastores/connection') {
    return {
      status: 400,
      type: 'application/json',
      body: '{"status":400,"code":"DEFINITION_INVALID","detail":"bad","details":{"problems":[{"path":"spec.name"}]}}',
    };
  }
  if (url.startsWith('/api/runs'))
    return { status: 200, type: 'application/json', body: '{"count":0,"items":[]}' };
  if (url === '/api/tests/nope') {
    return {
      status: 404,
      type: 'application/json',
      body: '{"status":404,"code":"NOT_FOUND","detail":"test \\"nope\\" not found in this environment","hint":"list tests"}',
    };
  }
  return { status: 502, type: 'text/html', body: '<h1>Bad gateway</h1>' };
}

describe('createApiClient', () => {
  let server: Server;
  let baseUrl = '';
  const seen: Seen[] = [];
  /** The `x-tracecheck-csrf` header of each request, by method and URL. */
  const csrfHeaders: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        accept: String(request.headers.accept ?? ''),
        source: String(request.headers['x-source'] ?? ''),
      });
      csrfHeaders.push(
        `${request.method} ${request.url} ${String(request.headers['x-tracecheck-csrf'] ?? '-')}`,
      );
      const { status, type, body, headers } = answer(request);
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads a test as YAML with Accept: text/yaml', async () => {
    const api = createApiClient({ baseUrl });
    expect(await api.getTestYaml('order-api')).toBe('type: Test\nspec:\n  id: order-api\n');
    expect(seen.at(-1)).toEqual({
      method: 'GET',
      url: '/api/tests/order-api',
      accept: 'text/yaml',
      source: 'web',
    });
  });

  it('reads the total of a test’s runs from X-Total-Count', async () => {
    const page = await createApiClient({ baseUrl }).listTestRuns('order-api', { take: 2 });
    expect(page.count).toBe(12);
    expect(page.items.map((run) => run.id)).toEqual(['9', '8']);
  });

  it('sends the run filters as query parameters', async () => {
    await createApiClient({ baseUrl }).listRuns({ states: ['FINISHED', 'STOPPED'], testId: 'a b', take: 5 });
    expect(seen.at(-1)?.url).toBe('/api/runs?take=5&testId=a+b&state=FINISHED%2CSTOPPED');
  });

  it('asks for the trace as OTLP/protobuf and returns its bytes, and null while the run has none', async () => {
    const api = createApiClient({ baseUrl });
    expect(await api.getRunTrace('order-api', '9')).toEqual(Uint8Array.from([0x0a, 0x00]));
    expect(await api.getRunTrace('order-api', '10')).toBeNull();
  });

  it('rejects with the server’s sentence', async () => {
    const error = await createApiClient({ baseUrl })
      .getTest('nope')
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'test "nope" not found in this environment',
      hint: 'list tests',
    });
  });

  it('describes an answer that is not the API’s', async () => {
    const error = await createApiClient({ baseUrl })
      .getTest('elsewhere')
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 502, code: 'HTTP_ERROR' });
    expect((error as ApiError).detail).toMatch(
      /^GET \/api\/tests\/elsewhere answered 502 Bad Gateway: is `tracecheck start` running\?$/,
    );
  });

  it('says when the server cannot be reached', async () => {
    const error = await createApiClient({ baseUrl: 'http://127.0.0.1:1' })
      .listTests({})
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 0, code: 'SERVER_UNREACHABLE' });
    expect((error as ApiError).detail).toContain('check that `tracecheck start` is running');
  });

  it('sends the session’s CSRF token with writes, never with reads', async () => {
    const api = createApiClient({ baseUrl });
    const stored = await api.applyResource('variablesets', { type: 'VariableSet', spec: { name: 's' } });
    expect(stored.spec).toEqual({ id: 's1', name: 's' });
    await api.getTestYaml('order-api');
    expect(csrfHeaders.slice(-3)).toEqual([
      'GET /api/auth/session -',
      'PUT /api/variablesets csrf-1',
      'GET /api/tests/order-api -',
    ]);
  });

  it('keeps the problems of a refused definition', async () => {
    const refused = await createApiClient({ baseUrl })
      .testDataStoreConnection({ type: 'DataStore', spec: {} })
      .catch((reason: unknown) => reason);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 400,
      code: 'DEFINITION_INVALID',
      details: { problems: [{ path: 'spec.name' }] },
    });
  });

  it('builds the event stream URL of a run', () => {
    expect(createApiClient({ baseUrl: 'http://x' }).runEventsUrl('12')).toBe(
      'http://x/api/events/stream?runId=12',
    );
  });
});

describe('buildQueryString', () => {
  it.each([
    { params: {}, text: '' },
    { params: { a: undefined, b: '' }, text: '' },
    { params: { take: 10, query: 'a&b' }, text: '?take=10&query=a%26b' },
    { params: { state: ['A', 'B'] }, text: '?state=A&state=B' },
  ])('builds $text', ({ params, text }) => {
    expect(buildQueryString(params)).toBe(text);
  });
});

describe('createApiClient: runs, dry runs, scope and sign-in', () => {
  let server: Server;
  let baseUrl = '';
  let signedIn = true;
  const requests: { method: string; url: string; body: string; headers: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        requests.push({
          method: request.method ?? '',
          url: request.url ?? '',
          body,
          headers: request.headers,
        });
        const send = (status: number, value: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(value));
        };
        if (!signedIn) {
          send(401, { status: 401, code: 'AUTH_REQUIRED', detail: 'not signed in: sign in' });
        } else if (request.url === '/api/auth/session') {
          send(200, { user: { id: 'u1', email: 'a@b.c', name: 'Ann' }, session: {}, csrfToken: 'csrf-2' });
        } else if (request.url?.endsWith('/dry-run')) {
          send(200, { allPassed: true, results: [] });
        } else {
          send(200, { id: '9', testId: 'order-api' });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('starts a run with ad-hoc variables, and dry-runs specs on a stored trace', async () => {
    const api = createApiClient({ baseUrl });
    await api.runTest('order-api', { USER: 'ann' });
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/tests/order-api/run',
      body: '{"variables":[{"key":"USER","value":"ann"}]}',
    });
    expect(requests.at(-1)?.headers['x-tracecheck-csrf']).toBe('csrf-2');
    const result = await api.dryRun('order-api', '7', [{ selector: 'span', assertions: ['attr:a = 1'] }]);
    expect(result).toEqual({ allPassed: true, results: [] });
    expect(requests.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/api/tests/order-api/run/7/dry-run',
      body: '{"specs":[{"selector":"span","assertions":["attr:a = 1"]}]}',
    });
  });

  it('sends the chosen organization and environment with every call', async () => {
    const api = createApiClient({ baseUrl });
    api.setScope({ organizationId: 'org-1', environmentId: 'env-2' });
    await api.getRun('order-api', '7');
    expect(requests.at(-1)?.headers).toMatchObject({
      'x-organization-id': 'org-1',
      'x-environment-id': 'env-2',
    });
    api.setScope({});
    await api.getRun('order-api', '7');
    expect(requests.at(-1)?.headers['x-organization-id']).toBeUndefined();
  });

  it('tells listeners about 401s, and reads no session as null', async () => {
    const api = createApiClient({ baseUrl });
    expect((await api.getSession())?.user.name).toBe('Ann');
    const refused: string[] = [];
    const stop = api.onUnauthorized((error) => refused.push(error.code));
    signedIn = false;
    try {
      expect(await api.getSession()).toBeNull();
      await expect(api.getRun('order-api', '7')).rejects.toMatchObject({ status: 401 });
      stop();
      await expect(api.getRun('order-api', '7')).rejects.toMatchObject({ status: 401 });
    } finally {
      signedIn = true;
    }
    expect(refused).toEqual(['AUTH_REQUIRED']);
  });
});
