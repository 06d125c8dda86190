import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceSource } from './create-trace-source';
import type { TempoSettings } from './data-store-config';
import { startFakeTempoGrpc, startFakeTempoHttp, type TempoJsonStyle } from './testing/fake-tempo';
import { FIXTURE_SPANS, STORED_TRACE_ID } from './testing/fixture-trace';
import { startTestServer } from './testing/http-test-server';
import { TEST_TLS } from './testing/tls-certificate';
import {
  describeTraceSource,
  normalizeSpans,
  reserveClosedPort,
  startHangingServer,
} from './trace-source-contract';

const TOKEN = 'glc_tempo_token';
const AUTHORIZATION = `Bearer ${TOKEN}`;
const tempo = (settings: TempoSettings) =>
  createTraceSource({ type: 'tempo', tempo: settings }, { requestTimeoutMs: 5_000 });
const bearer = (token: string) => ({ type: 'bearer', bearer: { token } }) as const;

for (const json of [undefined, 'batches'] as const) {
  describeTraceSource(`tempo (HTTP, ${json ? 'JSON' : 'protobuf'})`, async () => {
    const server = await startFakeTempoHttp(FIXTURE_SPANS, {
      authorization: AUTHORIZATION,
      ...(json ? { json } : {}),
    });
    const hanging = await startHangingServer();
    const downPort = await reserveClosedPort();
    const http = (url: string, token = TOKEN) => tempo({ type: 'http', http: { url, auth: bearer(token) } });
    return {
      healthy: http(server.url),
      storedTraceId: STORED_TRACE_ID,
      expectedSpans: FIXTURE_SPANS,
      remote: {
        down: http(`http://127.0.0.1:${downPort}`),
        downAddress: `http://127.0.0.1:${downPort}/api/traces/`,
        hanging: http(`http://127.0.0.1:${hanging.port}`),
        badCredentials: http(server.url, 'expired'),
      },
      close: async () => {
        await server.close();
        await hanging.close();
      },
    };
  });
}

describeTraceSource('tempo (gRPC querier)', async () => {
  const server = await startFakeTempoGrpc(FIXTURE_SPANS, AUTHORIZATION);
  const hanging = await startHangingServer();
  const downPort = await reserveClosedPort();
  const grpc = (endpoint: string, token = TOKEN) =>
    tempo({ type: 'grpc', grpc: { endpoint, tls: { insecure: true }, auth: bearer(token) } });
  return {
    healthy: grpc(server.target),
    storedTraceId: STORED_TRACE_ID,
    expectedSpans: FIXTURE_SPANS,
    remote: {
      down: grpc(`127.0.0.1:${downPort}`),
      downAddress: `127.0.0.1:${downPort}`,
      hanging: grpc(`127.0.0.1:${hanging.port}`),
      badCredentials: grpc(server.target, 'expired'),
    },
    close: async () => {
      await server.close();
      await hanging.close();
    },
  };
});

describe('tempo source', () => {
  it.each<TempoJsonStyle>(['batches-instrumentation-library', 'batches', 'resource-spans'])(
    'reads Tempo JSON written as %s',
    async (style) => {
      const server = await startFakeTempoHttp(FIXTURE_SPANS, { json: style });
      try {
        const result = await tempo({ http: { url: server.url } }).fetchTrace(STORED_TRACE_ID);
        expect(result.found && normalizeSpans(result.spans)).toEqual(normalizeSpans(FIXTURE_SPANS));
      } finally {
        await server.close();
      }
    },
  );

  it('asks for protobuf under the base path of the URL, with the configured headers', async () => {
    const server = await startTestServer(() => ({ status: 404, body: 'trace not found' }));
    try {
      const source = tempo({
        http: { url: `${server.url}/tempo/`, headers: { 'X-Scope-OrgID': 'team-a', '': '' } },
      });
      await expect(source.fetchTrace(STORED_TRACE_ID)).resolves.toEqual({ found: false });
      expect(server.requests[0]?.url).toBe(`/tempo/api/traces/${STORED_TRACE_ID}`);
      expect(server.requests[0]?.headers).toMatchObject({
        accept: 'application/protobuf',
        'x-scope-orgid': 'team-a',
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a query parameter', 'query', (url: string) => expect(url).toContain('?api_key=k3y'), {}],
    ['a header', 'header', (url: string) => expect(url).not.toContain('?'), { api_key: 'k3y' }],
  ] as const)('sends an API key as %s', async (_, where, checkUrl, headers) => {
    const server = await startTestServer(() => ({ status: 404, body: 'trace not found' }));
    try {
      const auth = { type: 'apiKey', apiKey: { key: 'api_key', value: 'k3y', in: where } } as const;
      await tempo({ http: { url: server.url, auth } }).fetchTrace(STORED_TRACE_ID);
      checkUrl(server.requests[0]?.url ?? '');
      expect(server.requests[0]?.headers).toMatchObject(headers);
    } finally {
      await server.close();
    }
  });

  it('keeps an API key sent as query parameter out of error messages', async () => {
    const server = await startTestServer(() => ({ status: 500, body: 'boom' }));
    try {
      const auth = { type: 'apiKey', apiKey: { key: 'api_key', value: 'k3y', in: 'query' } } as const;
      const error = await tempo({ http: { url: server.url, auth } })
        .fetchTrace(STORED_TRACE_ID)
        .catch((e: Error) => e);
      expect((error as Error).message).toContain(`${server.url}/api/traces/${STORED_TRACE_ID}`);
      expect((error as Error).message).not.toContain('k3y');
    } finally {
      await server.close();
    }
  });

  it('trusts a server whose certificate authority is in tls.settings.cAFile', async () => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'tracecheck-ca-')), 'ca.pem');
    writeFileSync(caFile, TEST_TLS.cert);
    const server = await startFakeTempoHttp(FIXTURE_SPANS, { tls: TEST_TLS });
    try {
      const trusted = tempo({
        http: { url: server.url, tls: { settings: { cAFile: caFile, minVersion: '1.2' } } },
      });
      await expect(trusted.fetchTrace(STORED_TRACE_ID)).resolves.toMatchObject({ found: true });
      const untrusted = tempo({ http: { url: server.url } });
      await expect(untrusted.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        message: expect.stringContaining(
          'The TLS handshake failed: set tempo.http.tls.insecureSkipVerify: true',
        ),
      });
    } finally {
      await server.close();
    }
  });

  it('asks the querier for every block of ingesters and backend', async () => {
    const server = await startFakeTempoGrpc(FIXTURE_SPANS);
    try {
      await tempo({ grpc: { endpoint: server.target, tls: { insecure: true } } }).fetchTrace(STORED_TRACE_ID);
      expect(server.requests).toEqual([
        {
          traceID: STORED_TRACE_ID,
          blockStart: '00000000-0000-0000-0000-000000000000',
          blockEnd: 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
          queryMode: 'all',
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['protobuf that is not OTLP', 'application/protobuf', Buffer.from([0x0a, 0xff, 0xff])],
    [
      'JSON that is not a trace',
      'application/json',
      '{"batches": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
    ],
    ['text that is not JSON', 'text/html', '<html>login</html>'],
  ])('rejects %s with DATASTORE_UNREACHABLE', async (_, contentType, body) => {
    const server = await startTestServer(() => ({
      status: 200,
      headers: { 'content-type': contentType },
      body,
    }));
    try {
      await expect(tempo({ http: { url: server.url } }).fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message: expect.stringMatching(
          /answered something that is not an OTLP trace .*check that tempo\.http\.url is the base URL/,
        ),
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['http:// when tls.insecure is set', { insecure: true }, 'http'],
    ['https:// otherwise', {}, 'https'],
  ])('completes a URL written without scheme with %s', async (_, tls, scheme) => {
    const port = await reserveClosedPort();
    const source = tempo({ http: { url: `127.0.0.1:${port}`, tls } });
    await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
      message: expect.stringContaining(
        `could not reach Tempo at ${scheme}://127.0.0.1:${port}/api/traces/${STORED_TRACE_ID}`,
      ),
    });
  });

  it.each([
    [
      'grpc without its settings',
      { type: 'grpc' } as const,
      /tempo\.type is grpc but tempo\.grpc is missing/,
    ],
    ['an empty HTTP URL', { type: 'http', http: { url: '' } } as const, /tempo\.http\.url is empty/],
    [
      'an unreadable CA file',
      { http: { url: 'https://tempo', tls: { settings: { cAFile: '/nonexistent/ca.pem' } } } },
      /tempo\.http\.tls\.settings\.cAFile: cannot read "\/nonexistent\/ca\.pem"/,
    ],
    [
      'an unknown TLS version',
      { http: { url: 'https://tempo', tls: { settings: { minVersion: '1.4' } } } },
      /tempo\.http\.tls\.settings\.minVersion: "1\.4" is not a TLS version/,
    ],
  ])('rejects %s with CONFIG_INVALID', (_, settings: TempoSettings, message) => {
    expect(() => createTraceSource({ type: 'tempo', tempo: settings })).toThrow(message);
  });
});
