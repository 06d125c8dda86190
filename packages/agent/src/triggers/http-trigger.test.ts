// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the expression language's interpolation, not JavaScript's
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fireTrigger } from './fire-trigger';
import { resolveTrigger } from './resolve-trigger';
import { responseAttributes } from './response-attributes';
import {
  createTestContext,
  type EchoedRequest,
  echoRequest,
  findClosedPort,
  type LocalServer,
  startLocalServer,
} from './testing/local-server';
import { createSelfSignedCertificate } from './testing/self-signed-certificate';
import type { HttpRequest, HttpResponse, TriggerResult } from './trigger';

/** All values of a header the server received, in order (names compared case-insensitively). */
function receivedValues(echoed: EchoedRequest, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < echoed.rawHeaders.length; i += 2) {
    if (echoed.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) values.push(echoed.rawHeaders[i + 1]!);
  }
  return values;
}

function responseOf(result: TriggerResult): HttpResponse {
  if (result.error) throw new Error(`expected a response, got the error: ${result.error.message}`);
  if (result.type !== 'http') throw new Error(`expected an http result, got ${result.type}`);
  return result.http;
}

function errorOf(result: TriggerResult) {
  if (!result.error) throw new Error(`expected an error, got a ${result.type} response`);
  return result.error;
}

describe('http trigger: the request a real server receives', () => {
  let server: LocalServer;
  const fireEcho = async (request: HttpRequest): Promise<EchoedRequest> => {
    const url = request.url.replace('{server}', `localhost:${server.port}`);
    const result = await fireTrigger({ type: 'http', httpRequest: { ...request, url } }, createTestContext());
    return JSON.parse(responseOf(result).body) as EchoedRequest;
  };
  beforeAll(async () => {
    server = await startLocalServer(echoRequest);
  });
  afterAll(() => server.close());

  const cases: {
    name: string;
    request: HttpRequest;
    method?: string;
    url?: string;
    body?: string;
    headers?: Record<string, string[]>;
  }[] = [
    {
      name: 'H04: a URL without scheme is sent over http',
      request: { method: 'GET', url: '{server}/health' },
      method: 'GET',
      url: '/health',
      body: '',
      headers: { host: ['localhost:{port}'], 'content-length': [] },
    },
    {
      name: 'the method is upper-cased and the body sent verbatim with its length',
      request: { method: 'post', url: 'http://{server}/items', body: '{"sku":"é"}' },
      method: 'POST',
      body: '{"sku":"é"}',
      headers: { 'content-length': ['12'] },
    },
    {
      name: 'a POST without body says Content-Length: 0, as Go does',
      request: { method: 'POST', url: '{server}/empty' },
      headers: { 'content-length': ['0'] },
    },
    {
      name: 'headers are sent in order with duplicates; empty keys are dropped',
      request: {
        method: 'GET',
        url: '{server}/h',
        headers: [
          { key: 'X-Multi', value: '1' },
          { key: '', value: 'dropped' },
          { key: 'x-multi', value: '2' },
          { key: 'X-Text', value: 'grüße' },
        ],
      },
      headers: { 'x-multi': ['1', '2'], 'x-text': [Buffer.from('grüße', 'utf8').toString('latin1')] },
    },
    {
      name: 'H01: basic auth',
      request: {
        method: 'GET',
        url: '{server}/a',
        auth: { type: 'basic', basic: { username: 'u', password: 'p' } },
      },
      headers: { authorization: ['Basic dTpw'] },
    },
    {
      name: 'H02: a bearer token is sent verbatim, without a Bearer prefix (Q17)',
      request: { method: 'GET', url: '{server}/a', auth: { type: 'bearer', bearer: { token: 'abc' } } },
      headers: { authorization: ['abc'] },
    },
    {
      name: 'auth replaces an Authorization header of the request',
      request: {
        method: 'GET',
        url: '{server}/a',
        headers: [{ key: 'authorization', value: 'old' }],
        auth: { type: 'bearer', bearer: { token: 'Bearer new' } },
      },
      headers: { authorization: ['Bearer new'] },
    },
    {
      name: 'an apiKey in a header replaces headers of that name',
      request: {
        method: 'GET',
        url: '{server}/a',
        headers: [
          { key: 'X-Api-Key', value: 'one' },
          { key: 'x-api-key', value: 'two' },
        ],
        auth: { type: 'apiKey', apiKey: { key: 'X-Api-Key', value: 'secret', in: 'header' } },
      },
      headers: { 'x-api-key': ['secret'] },
    },
    {
      name: 'an apiKey in the query re-encodes the query as Go does (keys sorted)',
      request: {
        method: 'GET',
        url: 'http://{server}/p?x=1',
        auth: { type: 'apiKey', apiKey: { key: 'k', value: 'v', in: 'query' } },
      },
      url: '/p?k=v&x=1',
    },
    {
      name: 'apiKey query encoding: + is a space, values keep their order, reserved characters are escaped',
      request: {
        method: 'GET',
        url: 'http://{server}/p?z=%2F&a=1+2&a=0&bad=%zz',
        auth: { type: 'apiKey', apiKey: { key: 'key y', value: 'v&w=ü', in: 'query' } },
      },
      url: '/p?a=1+2&a=0&key+y=v%26w%3D%C3%BC&z=%2F',
    },
    {
      name: 'a Host header becomes the virtual host',
      request: { method: 'GET', url: '{server}/v', headers: [{ key: 'Host', value: 'shop.internal' }] },
      headers: { host: ['shop.internal'] },
    },
    {
      name: 'Content-Length and Transfer-Encoding of the request are computed, not copied',
      request: {
        method: 'PUT',
        url: '{server}/v',
        body: 'abc',
        headers: [
          { key: 'Content-Length', value: '999' },
          { key: 'Transfer-Encoding', value: 'chunked' },
        ],
      },
      body: 'abc',
      headers: { 'content-length': ['3'], 'transfer-encoding': [] },
    },
    {
      name: 'credentials in the URL become basic auth',
      request: { method: 'GET', url: 'http://u:p@{server}/c' },
      url: '/c',
      headers: { authorization: ['Basic dTpw'] },
    },
    {
      name: 'the trace context replaces propagation headers of the request',
      request: {
        method: 'GET',
        url: '{server}/t',
        headers: [{ key: 'Traceparent', value: '00-11111111111111111111111111111111-2222222222222222-00' }],
      },
      headers: { traceparent: ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'] },
    },
  ];

  test.each(cases)('$name', async ({ request, method, url, body, headers }) => {
    const echoed = await fireEcho(request);
    if (method !== undefined) expect(echoed.method).toBe(method);
    if (url !== undefined) expect(echoed.url).toBe(url);
    if (body !== undefined) expect(echoed.body).toBe(body);
    for (const [name, values] of Object.entries(headers ?? {})) {
      expect(receivedValues(echoed, name), name).toEqual(
        values.map((value) => value.replace('{port}', String(server.port))),
      );
    }
  });

  test('every propagation header of SPEC §2.10 arrives, once', async () => {
    const echoed = await fireEcho({ method: 'GET', url: '{server}/propagation' });
    const expected: Record<string, string> = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'tracetest=true',
      b3: '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
      'uber-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1',
      'ot-tracer-traceid': 'a3ce929d0e0e4736',
      'ot-tracer-spanid': '00f067aa0ba902b7',
      'ot-tracer-sampled': 'true',
      'x-amzn-trace-id': 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1',
    };
    for (const [name, value] of Object.entries(expected))
      expect(receivedValues(echoed, name), name).toEqual([value]);
  });

  test('H05: a resolved body is sent with the variable substituted', async () => {
    const trigger = resolveTrigger(
      {
        type: 'http',
        httpRequest: { method: 'POST', url: `localhost:${server.port}/b`, body: '{"id": ${var:NUM}}' },
      },
      (text) => text.replaceAll('${var:NUM}', '42'),
    );
    const echoed = JSON.parse(
      responseOf(await fireTrigger(trigger, createTestContext())).body,
    ) as EchoedRequest;
    expect(echoed.body).toBe('{"id": 42}');
  });
});

describe('http trigger: the response it records', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === '/created') {
        response.writeHead(201, 'Created', [
          ['content-type', 'application/json'],
          ['x-request-ID', 'r-1'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ]);
        response.end('{"ok":true}');
      } else {
        response.writeHead(404, 'Not Found');
        response.end('no such thing');
      }
    });
  });
  afterAll(() => server.close());

  test('H08: status, canonical headers (one per value) and body, and their span attributes', async () => {
    const context = createTestContext();
    const result = await fireTrigger(
      { type: 'http', httpRequest: { method: 'GET', url: `http://localhost:${server.port}/created` } },
      context,
    );
    const response = responseOf(result);
    expect(response.status).toBe('201 Created');
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe('{"ok":true}');
    expect(response.headers).toEqual(
      expect.arrayContaining([
        { key: 'Content-Type', value: 'application/json' },
        { key: 'X-Request-Id', value: 'r-1' },
        { key: 'Set-Cookie', value: 'a=1' },
        { key: 'Set-Cookie', value: 'b=2' },
      ]),
    );
    expect(result.startedAtMs).toBe(1_000);
    expect(result.completedAtMs).toBe(1_001);
    const attributes = responseAttributes(result);
    expect(attributes['tracetest.response.status']).toBe('201');
    expect(attributes['tracetest.response.body']).toBe('{"ok":true}');
    expect(JSON.parse(attributes['tracetest.response.headers']!)).toEqual(response.headers);
    expect(attributes['tracetest.response.headers']).toContain(
      '{"key":"Content-Type","value":"application/json"}',
    );
  });

  test('a 404 is a response, not a trigger failure', async () => {
    const result = await fireTrigger(
      { type: 'http', httpRequest: { method: 'GET', url: `localhost:${server.port}/missing` } },
      createTestContext(),
    );
    expect(responseOf(result)).toMatchObject({
      status: '404 Not Found',
      statusCode: 404,
      body: 'no such thing',
    });
  });
});

describe('http trigger: redirects', () => {
  let server: LocalServer;
  let port: number;
  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const hops = Number(url.searchParams.get('hops') ?? 0);
      const redirect = (status: number, location: string) => {
        response.writeHead(status, { Location: location });
        response.end();
      };
      if (url.pathname === '/chain') {
        if (hops > 0) redirect(302, `/chain?hops=${hops - 1}`);
        else echoRequest(request, response);
      } else if (url.pathname === '/found') redirect(302, '/echo');
      else if (url.pathname === '/temporary') redirect(307, '/echo');
      else if (url.pathname === '/elsewhere') redirect(302, `http://127.0.0.1:${port}/echo`);
      else echoRequest(request, response);
    });
    port = server.port;
  });
  afterAll(() => server.close());

  const fire = (request: Omit<HttpRequest, 'url'>, path: string) =>
    fireTrigger(
      { type: 'http', httpRequest: { ...request, url: `localhost:${port}${path}` } },
      createTestContext(),
    );
  const echoedBy = async (request: Omit<HttpRequest, 'url'>, path: string) =>
    JSON.parse(responseOf(await fire(request, path)).body) as EchoedRequest;

  test.each([
    { name: '302 turns a POST into a GET without body', path: '/found', method: 'GET', body: '' },
    { name: '307 replays the method and the body', path: '/temporary', method: 'POST', body: 'payload' },
  ])('$name', async ({ path, method, body }) => {
    const echoed = await echoedBy({ method: 'POST', body: 'payload' }, path);
    expect(echoed).toMatchObject({ method, url: '/echo', body });
  });

  test('10 redirects are followed; the 11th fails the trigger', async () => {
    expect((await echoedBy({ method: 'GET' }, '/chain?hops=10')).url).toBe('/chain?hops=0');
    const error = errorOf(await fire({ method: 'GET' }, '/chain?hops=11'));
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain('stopped after 10 redirects');
  });

  test('a custom Host survives a relative redirect; the trace context and headers are kept', async () => {
    const echoed = await echoedBy(
      {
        method: 'GET',
        headers: [
          { key: 'Host', value: 'shop.internal' },
          { key: 'X-Keep', value: 'yes' },
        ],
      },
      '/found',
    );
    expect(receivedValues(echoed, 'host')).toEqual(['shop.internal']);
    expect(receivedValues(echoed, 'x-keep')).toEqual(['yes']);
    expect(receivedValues(echoed, 'traceparent')).toHaveLength(1);
  });

  test('credentials are dropped when a redirect leaves the host, other headers are kept', async () => {
    const echoed = await echoedBy(
      {
        method: 'GET',
        headers: [
          { key: 'Cookie', value: 'session=1' },
          { key: 'X-Keep', value: 'yes' },
        ],
        auth: { type: 'bearer', bearer: { token: 'secret' } },
      },
      '/elsewhere',
    );
    expect(receivedValues(echoed, 'authorization')).toEqual([]);
    expect(receivedValues(echoed, 'cookie')).toEqual([]);
    expect(receivedValues(echoed, 'x-keep')).toEqual(['yes']);
    expect(receivedValues(echoed, 'host')).toEqual([`127.0.0.1:${port}`]);
  });
});

describe('http trigger: failures', () => {
  test('a closed port on localhost is a connection error with a container hint', async () => {
    const port = await findClosedPort();
    const error = errorOf(
      await fireTrigger(
        { type: 'http', httpRequest: { method: 'GET', url: `localhost:${port}/x` } },
        createTestContext(),
      ),
    );
    expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true, runningOnContainer: false });
    expect(error.message).toContain(
      `GET http://localhost:${port}/x failed: connection refused (connect ECONNREFUSED`,
    );
    expect(error.hint).toContain('is the service running');
    expect(error.hint).toContain('host.docker.internal');
  });

  test('inside a container the hint says that localhost is the container itself', async () => {
    const port = await findClosedPort();
    const error = errorOf(
      await fireTrigger(
        { type: 'http', httpRequest: { method: 'GET', url: `127.0.0.1:${port}` } },
        createTestContext({ runningOnContainer: true }),
      ),
    );
    expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true, runningOnContainer: true });
    expect(error.hint).toContain('the agent runs in a container, where 127.0.0.1 is the container itself');
  });

  describe('a server that never answers', () => {
    let server: LocalServer;
    const pending: http.ServerResponse[] = [];
    beforeAll(async () => {
      server = await startLocalServer((_, response) => {
        pending.push(response);
      });
    });
    afterAll(() => server.close());

    test('the total timeout of the context is a connection error', async () => {
      const error = errorOf(
        await fireTrigger(
          { type: 'http', httpRequest: { method: 'GET', url: `localhost:${server.port}/slow` } },
          createTestContext({ timeoutMs: 300 }),
        ),
      );
      expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true });
      expect(error.message).toContain('no complete response within 300 ms');
    });

    test('aborting the signal stops the request', async () => {
      const controller = new AbortController();
      const result = fireTrigger(
        { type: 'http', httpRequest: { method: 'GET', url: `localhost:${server.port}/slow` } },
        createTestContext({ signal: controller.signal }),
      );
      setTimeout(() => controller.abort(), 50);
      const error = errorOf(await result);
      expect(error.connectionError).toBe(false);
      expect(error.message).toContain('was aborted: the run was stopped');
    });
  });

  test.each([
    { url: 'http://exa mple.com/', message: 'invalid URL "http://exa mple.com/"' },
    { url: 'ftp://files.local/x', message: 'unsupported URL scheme "ftp:"' },
  ])('an unusable URL is a request error: $url', async ({ url, message }) => {
    const error = errorOf(
      await fireTrigger({ type: 'http', httpRequest: { method: 'GET', url } }, createTestContext()),
    );
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain(message);
  });

  test.each([
    {
      name: 'a header name that is not a token',
      request: { method: 'GET', url: 'localhost:1/x', headers: [{ key: 'Bad Name', value: 'v' }] },
      message: 'header "Bad Name" is not a valid HTTP header name',
    },
    {
      name: 'a header value with a line break',
      request: {
        method: 'GET',
        url: 'localhost:1/x',
        headers: [{ key: 'X-A', value: 'v\r\nX-Injected: 1' }],
      },
      message: 'the value of header "X-A" contains a line break',
    },
    {
      name: 'an apiKey placed neither in a header nor in the query',
      request: {
        method: 'GET',
        url: 'localhost:1/x',
        auth: { type: 'apiKey' as const, apiKey: { key: 'k', value: 'v', in: 'cookie' } },
      },
      message: 'apiKey auth has in: "cookie", expected "header" or "query"',
    },
    {
      name: 'a method that is not a token',
      request: { method: 'GE T', url: 'localhost:1/x' },
      message: 'invalid HTTP method',
    },
  ])('$name fails before anything is sent', async ({ request, message }) => {
    const error = errorOf(await fireTrigger({ type: 'http', httpRequest: request }, createTestContext()));
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain(message);
    expect(error.hint).toBeTruthy();
  });
});

describe('https trigger against a server with a self-signed certificate', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(echoRequest, createSelfSignedCertificate());
  });
  afterAll(() => server.close());

  test('sslVerification: true rejects the certificate with a clear error', async () => {
    const error = errorOf(
      await fireTrigger(
        {
          type: 'http',
          httpRequest: { method: 'GET', url: `https://localhost:${server.port}/`, sslVerification: true },
        },
        createTestContext(),
      ),
    );
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain('TLS certificate verification failed');
    expect(error.message).toContain('self-signed certificate');
    expect(error.hint).toContain('sslVerification: false');
  });

  test.each([
    { name: 'sslVerification: false', sslVerification: false },
    { name: 'sslVerification absent (default false, SPEC §2.3)', sslVerification: undefined },
  ])('$name accepts the certificate', async ({ sslVerification }) => {
    const result = await fireTrigger(
      {
        type: 'http',
        httpRequest: {
          method: 'GET',
          url: `https://localhost:${server.port}/secure`,
          ...(sslVerification !== undefined && { sslVerification }),
        },
      },
      createTestContext(),
    );
    expect(responseOf(result).statusCode).toBe(200);
    expect((JSON.parse(responseOf(result).body) as EchoedRequest).url).toBe('/secure');
  });

  test('plain http to the TLS port is a response-level failure, not a hang', async () => {
    const error = errorOf(
      await fireTrigger(
        { type: 'http', httpRequest: { method: 'GET', url: `http://localhost:${server.port}/` } },
        createTestContext(),
      ),
    );
    expect(error.message).toContain(`GET http://localhost:${server.port}/ failed`);
  });
});
