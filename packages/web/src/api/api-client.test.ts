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
  if (url === '/api/tests/order-api/run/9/trace')
    return { status: 200, type: 'application/json', body: '{"resourceSpans":[]}' };
  if (url === '/api/tests/order-api/run/10/trace') {
    return {
      status: 404,
      type: 'application/json',
      body: '{"status":404,"code":"TRACE_NOT_FOUND","detail":"no span yet"}',
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

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        accept: String(request.headers.accept ?? ''),
        source: String(request.headers['x-source'] ?? ''),
      });
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

  it('returns the trace as text, and null while the run has none', async () => {
    const api = createApiClient({ baseUrl });
    expect(await api.getRunTrace('order-api', '9')).toBe('{"resourceSpans":[]}');
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
