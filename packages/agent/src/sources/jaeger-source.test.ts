import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceSource } from './create-trace-source';
import { startFakeJaegerGrpc, startFakeJaegerHttp } from './testing/fake-jaeger';
import { FIXTURE_SPANS, STORED_TRACE_ID } from './testing/fixture-trace';
import { basicCredentials, jsonResponse, startTestServer } from './testing/http-test-server';
import { TEST_TLS } from './testing/tls-certificate';
import { describeTraceSource, reserveClosedPort, startHangingServer } from './trace-source-contract';

const AUTH = { type: 'basic', basic: { username: 'jaeger', password: 's3cret' } } as const;
const WRONG_AUTH = { type: 'basic', basic: { username: 'jaeger', password: 'wrong' } } as const;
const AUTHORIZATION = basicCredentials('jaeger', 's3cret');

describeTraceSource('jaeger (HTTP query API)', async () => {
  const server = await startFakeJaegerHttp(FIXTURE_SPANS, AUTHORIZATION);
  const hanging = await startHangingServer();
  const downPort = await reserveClosedPort();
  const jaeger = (endpoint: string, auth: typeof AUTH | typeof WRONG_AUTH = AUTH) =>
    createTraceSource({ type: 'jaeger', jaeger: { endpoint, auth } }, { requestTimeoutMs: 5_000 });
  return {
    healthy: jaeger(server.url),
    storedTraceId: STORED_TRACE_ID,
    expectedSpans: FIXTURE_SPANS,
    remote: {
      down: jaeger(`http://127.0.0.1:${downPort}`),
      downAddress: `http://127.0.0.1:${downPort}/api/traces/`,
      hanging: jaeger(`http://127.0.0.1:${hanging.port}`),
      badCredentials: jaeger(server.url, WRONG_AUTH),
    },
    close: async () => {
      await server.close();
      await hanging.close();
    },
  };
});

describeTraceSource('jaeger (gRPC query service)', async () => {
  const server = await startFakeJaegerGrpc(FIXTURE_SPANS, AUTHORIZATION);
  const hanging = await startHangingServer();
  const downPort = await reserveClosedPort();
  const jaeger = (endpoint: string, auth: typeof AUTH | typeof WRONG_AUTH = AUTH) =>
    createTraceSource(
      { type: 'jaeger', jaeger: { endpoint, auth, tls: { insecure: true } } },
      { requestTimeoutMs: 5_000 },
    );
  return {
    healthy: jaeger(server.target),
    storedTraceId: STORED_TRACE_ID,
    expectedSpans: FIXTURE_SPANS,
    remote: {
      down: jaeger(`127.0.0.1:${downPort}`),
      downAddress: `127.0.0.1:${downPort}`,
      hanging: jaeger(`127.0.0.1:${hanging.port}`),
      badCredentials: jaeger(server.target, WRONG_AUTH),
    },
    close: async () => {
      await server.close();
      await hanging.close();
    },
  };
});

describe('jaeger source', () => {
  it('reads a query API answer as Jaeger documents it', async () => {
    // An answer of the Jaeger query service for a span written by an OpenTelemetry SDK (abridged).
    const answer = {
      data: [
        {
          traceID: '9bfe8376688e9116d9cbae28c0aa2db6',
          spans: [
            {
              traceID: '9bfe8376688e9116d9cbae28c0aa2db6',
              spanID: '9b321d76f92134d2',
              operationName: '/api/services/{service}/operations',
              references: [
                {
                  refType: 'CHILD_OF',
                  traceID: '9bfe8376688e9116d9cbae28c0aa2db6',
                  spanID: '00f067aa0ba902b7',
                },
              ],
              startTime: 1729181197748657,
              duration: 1503,
              tags: [
                { key: 'http.method', type: 'string', value: 'GET' },
                { key: 'http.status_code', type: 'int64', value: 200 },
                { key: 'span.kind', type: 'string', value: 'server' },
                { key: 'internal.span.format', type: 'string', value: 'otlp' },
              ],
              logs: [],
              processID: 'p1',
              warnings: null,
            },
          ],
          processes: {
            p1: {
              serviceName: 'jaeger-all-in-one',
              tags: [{ key: 'telemetry.sdk.language', type: 'string', value: 'go' }],
            },
          },
          warnings: null,
        },
      ],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    };
    const server = await startTestServer(() => jsonResponse(200, answer));
    try {
      const source = createTraceSource({ type: 'jaeger', jaeger: { endpoint: server.url } });
      const result = await source.fetchTrace(STORED_TRACE_ID);
      expect(result).toEqual({
        found: true,
        spans: [
          {
            traceId: '9bfe8376688e9116d9cbae28c0aa2db6',
            spanId: '9b321d76f92134d2',
            parentSpanId: '00f067aa0ba902b7',
            traceState: '',
            flags: 0,
            name: '/api/services/{service}/operations',
            kind: 'server',
            startTimeUnixNano: 1729181197748657000n,
            endTimeUnixNano: 1729181197750160000n,
            attributes: [
              { key: 'http.method', value: { type: 'string', value: 'GET' } },
              { key: 'http.status_code', value: { type: 'int', value: 200n } },
              { key: 'internal.span.format', value: { type: 'string', value: 'otlp' } },
            ],
            droppedAttributesCount: 0,
            events: [],
            droppedEventsCount: 0,
            links: [],
            droppedLinksCount: 0,
            status: null,
            resource: {
              attributes: [
                { key: 'service.name', value: { type: 'string', value: 'jaeger-all-in-one' } },
                { key: 'telemetry.sdk.language', value: { type: 'string', value: 'go' } },
              ],
              droppedAttributesCount: 0,
              schemaUrl: '',
            },
            scope: null,
          },
        ],
      });
      expect(server.requests[0]?.url).toBe(`/api/traces/${STORED_TRACE_ID}`);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['64-bit trace ids, padded to 32 hex digits', '1a2b3c4d5e6f7081', '00000000000000001a2b3c4d5e6f7081'],
    ['128-bit trace ids', 'b7ad6b7169203331f4a8e1a64c7f4e2b', 'b7ad6b7169203331f4a8e1a64c7f4e2b'],
  ])('reads %s', async (_, written, expected) => {
    const answer = {
      data: [
        {
          traceID: written,
          spans: [
            { traceID: written, spanID: '1', operationName: 'x', startTime: 1, duration: 2, processID: 'p1' },
          ],
          processes: { p1: { serviceName: 's' } },
        },
      ],
    };
    const server = await startTestServer(() => jsonResponse(200, answer));
    try {
      const result = await createTraceSource({ type: 'jaeger', jaeger: { endpoint: server.url } }).fetchTrace(
        STORED_TRACE_ID,
      );
      expect(result.found && result.spans.map((span) => [span.traceId, span.spanId])).toEqual([
        [expected, '0000000000000001'],
      ]);
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'a 404 that is not a Jaeger answer (wrong base URL)',
      404,
      '404 page not found',
      /answered HTTP 404 "404 page not found": check that jaeger.endpoint is the base URL/,
    ],
    ['a server error', 500, 'storage unavailable', /answered HTTP 500 "storage unavailable"/],
    [
      'JSON that is not a trace',
      200,
      '{"data": [{"spans": [{"traceID": "xyz"}]}]}',
      /answered JSON that is not a Jaeger trace \(data\[0\]\.spans\[0\] has traceID "xyz"/,
    ],
  ])('rejects %s with DATASTORE_UNREACHABLE', async (_, status, body, message) => {
    const server = await startTestServer(() => ({ status, body }));
    try {
      const source = createTraceSource({ type: 'jaeger', jaeger: { endpoint: `${server.url}/` } });
      await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message,
      });
    } finally {
      await server.close();
    }
  });

  it('fails the fetch step of the connection test when the URL points elsewhere', async () => {
    const server = await startTestServer(() => ({ status: 404, body: 'not here' }));
    try {
      const result = await createTraceSource({
        type: 'jaeger',
        jaeger: { endpoint: server.url },
      }).testConnection();
      expect(result.steps.map((step) => [step.step, step.passed])).toEqual([
        ['port', true],
        ['connectivity', true],
        ['authentication', true],
        ['fetch', false],
      ]);
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'an HTTP endpoint on a gRPC port',
      (target: string) => ({ endpoint: `http://${target}` }),
      /does not speak HTTP: check the port/,
    ],
    [
      'TLS towards a plain-text gRPC server',
      (target: string) => ({ endpoint: target }),
      /TLS handshake failed: set jaeger\.tls\.insecure: true for a plain-text server/,
    ],
  ])('explains %s', async (_, settings, message) => {
    const server = await startFakeJaegerGrpc(FIXTURE_SPANS);
    try {
      const source = createTraceSource({ type: 'jaeger', jaeger: settings(server.target) });
      await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message,
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['accepts any certificate with insecureSkipVerify', () => ({ insecureSkipVerify: true }), true],
    [
      'trusts the certificate authority of cAFile',
      (caFile: string) => ({ settings: { cAFile: caFile } }),
      true,
    ],
    ['rejects an unknown certificate', () => ({}), false],
  ])('over gRPC with TLS, %s', async (_, tls, passes) => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'tracecheck-ca-')), 'ca.pem');
    writeFileSync(caFile, TEST_TLS.cert);
    const server = await startFakeJaegerGrpc(FIXTURE_SPANS, undefined, TEST_TLS);
    try {
      const source = createTraceSource({
        type: 'jaeger',
        // waitForReady would wait out the deadline on a handshake that never succeeds.
        jaeger: {
          endpoint: server.target,
          tls: tls(caFile),
          balancerName: 'round_robin',
          waitForReady: passes,
        },
      });
      const fetching = source.fetchTrace(STORED_TRACE_ID);
      if (passes) await expect(fetching).resolves.toMatchObject({ found: true });
      else
        await expect(fetching).rejects.toMatchObject({
          message: expect.stringContaining('the TLS handshake failed'),
        });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['the HTTP API', (port: number) => `http://127.0.0.1:${port}`],
    ['the gRPC service', (port: number) => `127.0.0.1:${port}`],
  ])('gives up on a silent server after the request timeout, over %s', async (_, endpoint) => {
    const hanging = await startHangingServer();
    try {
      const source = createTraceSource(
        { type: 'jaeger', jaeger: { endpoint: endpoint(hanging.port), tls: { insecure: true } } },
        { requestTimeoutMs: 300 },
      );
      await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message: expect.stringMatching(/did not answer within 300 ms/),
      });
      const test = await source.testConnection();
      expect(test.steps.map((step) => [step.step, step.passed])).toEqual([
        ['port', true],
        ['connectivity', false],
      ]);
    } finally {
      await hanging.close();
    }
  });

  it.each([
    ['an empty endpoint', '', /jaeger\.endpoint is empty/],
    [
      'an endpoint without port',
      'jaeger',
      /jaeger\.endpoint "jaeger" is not host:port: write it like jaeger:16685/,
    ],
  ])('rejects %s with CONFIG_INVALID', (_, endpoint, message) => {
    expect(() => createTraceSource({ type: 'jaeger', jaeger: { endpoint } })).toThrow(message);
  });
});
