import { request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { decodeOtlpJson, encodeOtlpProtobuf, type SpanRecord } from '@tracecheck/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOptions } from '../config/agent-config';
import {
  bytesToStore,
  decodeExportResponse,
  decodeRpcStatus,
  postJson,
  postProtobuf,
  type RawResponse,
  sendRaw,
  spanRecordOf,
  startTestAgent,
  stringAttribute,
  type TestAgent,
  traceIdOf,
} from '../testing/agent-test-helpers';

let running: TestAgent[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.agent.stop()));
  running = [];
});

async function agentWith(options: AgentOptions = {}): Promise<TestAgent> {
  const started = await startTestAgent(options);
  running.push(started);
  return started;
}

/** An OTLP/JSON body with one span of trace `trace`, the way exporters write it (hex ids). */
function jsonBody(trace: number, spanId: number): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'web' } }] },
        scopeSpans: [
          {
            scope: { name: 'manual' },
            spans: [
              {
                traceId: traceIdOf(trace),
                spanId: spanId.toString(16).padStart(16, '0'),
                name: 'GET /',
                kind: 2,
                startTimeUnixNano: '1700000000000000001',
                endTimeUnixNano: '1700000000000000002',
                attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
              },
            ],
          },
        ],
      },
    ],
  });
}

const protobufBody = (records: readonly SpanRecord[]) => encodeOtlpProtobuf(records);
const text = (response: RawResponse) => response.body.toString('utf8');

describe('OTLP/HTTP receiver', () => {
  describe('accepted bodies', () => {
    it.each([
      ['protobuf', 'application/x-protobuf', {}],
      ['protobuf, gzip', 'application/x-protobuf', { 'Content-Encoding': 'gzip' }],
      ['protobuf (application/protobuf)', 'application/protobuf', {}],
    ])('stores %s spans and answers an empty protobuf response', async (_name, contentType, headers) => {
      const { agent, tracesUrl } = await agentWith();
      const raw = protobufBody([spanRecordOf(1, 1), spanRecordOf(1, 2), spanRecordOf(2, 3)]);
      const body = 'Content-Encoding' in headers ? gzipSync(raw) : raw;
      const response = await postProtobuf(tracesUrl, body, { 'Content-Type': contentType, ...headers });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/x-protobuf');
      expect(response.body.length).toBe(0);
      expect(agent.cache.getTrace(traceIdOf(1))).toEqual([spanRecordOf(1, 1), spanRecordOf(1, 2)]);
      expect(agent.cache.getTrace(traceIdOf(2))).toEqual([spanRecordOf(2, 3)]);
    });

    it.each([
      ['JSON', {}, (b: string) => b],
      ['JSON with a charset', { 'Content-Type': 'application/json; charset=utf-8' }, (b: string) => b],
      ['JSON, gzip', { 'Content-Encoding': 'gzip' }, (b: string) => gzipSync(b)],
    ])('stores %s spans and answers {}', async (_name, headers, encode) => {
      const { agent, tracesUrl } = await agentWith();
      const response = await postJson(tracesUrl, encode(jsonBody(7, 1)), headers);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(JSON.parse(text(response))).toEqual({});
      expect(agent.cache.getTrace(traceIdOf(7))).toMatchObject([
        {
          name: 'GET /',
          kind: 'server',
          startTimeUnixNano: 1_700_000_000_000_000_001n,
          attributes: [{ key: 'http.response.status_code', value: { type: 'int', value: 200n } }],
        },
      ]);
    });

    it('accepts a message far above gRPC-style 4 MiB defaults (an 8 MiB attribute)', async () => {
      const { agent, tracesUrl } = await agentWith();
      const big = spanRecordOf(3, 1, {
        attributes: [stringAttribute('payload', 'x'.repeat(8 * 1024 * 1024))],
      });
      const response = await postProtobuf(tracesUrl, protobufBody([big]));
      expect(response.status).toBe(200);
      expect(agent.cache.getTrace(traceIdOf(3))?.[0]?.attributes[0]?.value).toEqual({
        type: 'string',
        value: 'x'.repeat(8 * 1024 * 1024),
      });
    });
  });

  describe('rejected bodies', () => {
    it('answers 400 with a google.rpc.Status in protobuf for a malformed protobuf body', async () => {
      const { agent, tracesUrl } = await agentWith();
      const response = await postProtobuf(
        tracesUrl,
        Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      );
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/x-protobuf');
      const status = decodeRpcStatus(response.body);
      expect(status.code).toBe(3); // INVALID_ARGUMENT
      expect(status.message).not.toBe('');
      expect(agent.cache.stats().spans).toBe(0);
    });

    it.each([
      ['text that is not JSON', '{"resourceSpans": ['],
      ['JSON of the wrong shape', '{"resourceSpans": "nope"}'],
      ['an empty body', ''],
    ])('answers 400 with a google.rpc.Status in JSON for %s', async (_name, body) => {
      const { tracesUrl } = await agentWith();
      const response = await postJson(tracesUrl, body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/json');
      const status = JSON.parse(text(response));
      expect(status.code).toBe(3);
      expect(status.message).toEqual(expect.any(String));
    });

    it('answers 400 for a body that says gzip but is not', async () => {
      const { tracesUrl } = await agentWith();
      const response = await postProtobuf(tracesUrl, Uint8Array.from([1, 2, 3, 4]), {
        'Content-Encoding': 'gzip',
      });
      expect(response.status).toBe(400);
      expect(decodeRpcStatus(response.body).message).toContain('not valid gzip');
    });

    it.each([
      ['an unknown Content-Type', { 'Content-Type': 'text/plain' }, 'unsupported Content-Type "text/plain"'],
      ['no Content-Type', {}, 'unsupported Content-Type ""'],
      [
        'an unknown Content-Encoding',
        { 'Content-Type': 'application/json', 'Content-Encoding': 'br' },
        'unsupported Content-Encoding "br"',
      ],
    ])('answers 415 for %s', async (_name, headers: Record<string, string>, message) => {
      const { tracesUrl } = await agentWith();
      const response = await sendRaw(tracesUrl, { headers, body: '{}' });
      expect(response.status).toBe(415);
      expect(JSON.parse(text(response)).message).toContain(message);
    });

    it('answers 413 when Content-Length is over the limit, before reading the body', async () => {
      const { tracesUrl } = await agentWith({ otlpServer: { maxMessageBytes: 1024 } });
      const response = await postProtobuf(tracesUrl, new Uint8Array(4096));
      expect(response.status).toBe(413);
      const status = decodeRpcStatus(response.body);
      expect(status.code).toBe(8); // RESOURCE_EXHAUSTED
      expect(status.message).toContain('the limit is 1024 bytes');
    });

    it('answers 413 when a chunked body grows over the limit', async () => {
      const { tracesUrl } = await agentWith({ otlpServer: { maxMessageBytes: 1024 } });
      const response = await new Promise<number>((resolve, reject) => {
        const req = request(
          tracesUrl,
          { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, agent: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write(new Uint8Array(800));
        req.write(new Uint8Array(800));
      });
      expect(response).toBe(413);
    });

    it('answers 413 to a gzip bomb (small on the wire, over the limit once inflated)', async () => {
      const { agent, tracesUrl } = await agentWith({ otlpServer: { maxMessageBytes: 1024 * 1024 } });
      const bomb = gzipSync(new Uint8Array(16 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const response = await postProtobuf(tracesUrl, bomb, { 'Content-Encoding': 'gzip' });
      expect(response.status).toBe(413);
      expect(decodeRpcStatus(response.body).message).toContain('once inflated');
      expect(agent.metrics.render()).toContain(
        'tracecheck_agent_export_requests_total{transport="http",outcome="too_large"} 1',
      );
    });
  });

  describe('hostile clients', () => {
    /** Writes raw bytes on a TCP connection and collects what comes back until the agent closes it. */
    function rawExchange(port: number, sendText: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(sendText));
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString('latin1');
        });
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
    }

    it.each([
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
      ['a header without a colon', 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
      ['a negative Content-Length', 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'],
    ])('answers 400 to %s and keeps serving', async (_name, raw) => {
      const { addresses, tracesUrl } = await agentWith();
      expect(await rawExchange(addresses.otlpHttp!.port, raw)).toMatch(/^HTTP\/1\.1 400 /);
      expect((await postProtobuf(tracesUrl, protobufBody([spanRecordOf(1, 1)]))).status).toBe(200);
    });

    it('closes a request whose body stalls past the request timeout, and frees its slot', async () => {
      const { tracesUrl, addresses } = await agentWith({
        otlpServer: { requestTimeoutMs: 300, maxConcurrentExports: 1 },
      });
      const answer = await rawExchange(
        addresses.otlpHttp!.port,
        'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\nabc',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect((await postProtobuf(tracesUrl, protobufBody([spanRecordOf(1, 1)]))).status).toBe(200);
    });
  });

  describe('load shedding', () => {
    it('answers 429 with Retry-After while too many exports are in flight', async () => {
      const { tracesUrl } = await agentWith({
        otlpServer: { maxConcurrentExports: 1, retryAfterSeconds: 7 },
      });
      const body = protobufBody([spanRecordOf(1, 1)]);
      // The first request sends its headers and half its body, and holds its slot.
      let finishFirst: () => void = () => {};
      const first = new Promise<number>((resolve, reject) => {
        const req = request(
          tracesUrl,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
            agent: false,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.flushHeaders();
        req.write(body.subarray(0, 10));
        finishFirst = () => req.end(body.subarray(10));
      });
      // Wait until the agent has taken the first request in (its slot is then held).
      let second: RawResponse;
      do {
        second = await postProtobuf(tracesUrl, body);
      } while (second.status === 200);
      expect(second.status).toBe(429);
      expect(second.headers['retry-after']).toBe('7');
      expect(decodeRpcStatus(second.body)).toMatchObject({ code: 14, retryDelaySeconds: 7 });
      finishFirst();
      expect(await first).toBe(200);
      expect((await postProtobuf(tracesUrl, body)).status).toBe(200);
    });

    const watchedBatch = [1, 2, 3].map((i) => spanRecordOf(1, i));

    it('answers 503 with Retry-After when the span cache is full of watched traces', async () => {
      const body = protobufBody(watchedBatch);
      const { agent, tracesUrl } = await agentWith({
        spanCache: { maxBytes: bytesToStore(watchedBatch, body) },
      });
      agent.cache.watch(traceIdOf(1), () => {});
      expect((await postProtobuf(tracesUrl, body)).status).toBe(200);
      const response = await postProtobuf(tracesUrl, protobufBody([spanRecordOf(2, 9)]));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(decodeRpcStatus(response.body)).toMatchObject({ code: 14, retryDelaySeconds: 1 });
      expect(decodeRpcStatus(response.body).message).toContain('span cache is full');
      expect(agent.metrics.render()).toContain('tracecheck_agent_spans_rejected_total{transport="http"} 1');

      agent.cache.watch(traceIdOf(7), () => {});
      const json = await postJson(tracesUrl, jsonBody(7, 1));
      expect(json.status).toBe(503);
      expect(JSON.parse(text(json))).toMatchObject({
        code: 14,
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
      });
    });

    it('answers a partial success when only the spans of watched traces fit', async () => {
      const { agent, tracesUrl } = await agentWith({ spanCache: { maxBytes: bytesToStore(watchedBatch) } });
      agent.cache.watch(traceIdOf(1), () => {});
      const response = await postProtobuf(tracesUrl, protobufBody([...watchedBatch, spanRecordOf(2, 4)]));
      expect(response.status).toBe(200);
      expect(decodeExportResponse(response.body).partialSuccess).toMatchObject({
        rejectedSpans: 1,
        errorMessage: expect.stringContaining('1 spans refused: the span cache is full'),
      });
      expect(agent.cache.getTrace(traceIdOf(1))).toHaveLength(3);
      expect(agent.cache.getTrace(traceIdOf(2))).toBeUndefined();
    });

    it('answers a partial success in JSON too', async () => {
      const twoTraces = JSON.parse(jsonBody(1, 1));
      const spanOfTrace2 = JSON.parse(jsonBody(2, 1)).resourceSpans[0].scopeSpans[0].spans[0];
      twoTraces.resourceSpans[0].scopeSpans[0].spans.push(spanOfTrace2);
      const maxBytes = bytesToStore(decodeOtlpJson(jsonBody(1, 1)));
      const { agent, tracesUrl } = await agentWith({ spanCache: { maxBytes } });
      agent.cache.watch(traceIdOf(1), () => {});
      const response = await postJson(tracesUrl, JSON.stringify(twoTraces));
      expect(response.status).toBe(200);
      expect(JSON.parse(text(response))).toEqual({
        partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('1 spans refused') },
      });
    });
  });

  describe('other paths and methods', () => {
    it.each([
      ['GET', '/v1/traces', 405, 'POST, OPTIONS'],
      ['PUT', '/v1/traces', 405, 'POST, OPTIONS'],
      ['POST', '/metrics', 405, 'GET'],
      ['POST', '/v1/logs', 404, undefined],
      ['GET', '/', 404, undefined],
    ])('answers %s %s with %i', async (method, path, status, allow) => {
      const { addresses } = await agentWith();
      const response = await sendRaw(`${addresses.otlpHttp!.endpoint}${path}`, { method });
      expect(response.status).toBe(status);
      expect(response.headers.allow).toBe(allow);
    });

    it('serves /healthz and Prometheus /metrics with the counts of what happened', async () => {
      const { agent, addresses, tracesUrl } = await agentWith();
      await postProtobuf(tracesUrl, protobufBody([spanRecordOf(1, 1), spanRecordOf(1, 2)]));
      agent.cache.watch(traceIdOf(1), () => {});
      await postProtobuf(tracesUrl, protobufBody([spanRecordOf(1, 2), spanRecordOf(1, 3)]));
      await postJson(tracesUrl, 'not json');
      const base = addresses.otlpHttp!.endpoint;

      const health = await sendRaw(`${base}/healthz`, { method: 'GET' });
      expect([health.status, JSON.parse(text(health))]).toEqual([200, { status: 'ok' }]);

      const metrics = await sendRaw(`${base}/metrics?x=1`, { method: 'GET' });
      expect(metrics.status).toBe(200);
      expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const lines = text(metrics).split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          'tracecheck_agent_spans_received_total{transport="http",encoding="protobuf"} 3',
          'tracecheck_agent_spans_duplicate_total{transport="http"} 1',
          'tracecheck_agent_export_requests_total{transport="http",outcome="ok"} 2',
          'tracecheck_agent_export_requests_total{transport="http",outcome="invalid"} 1',
          'tracecheck_agent_cache_traces 1',
          'tracecheck_agent_cache_spans 3',
          'tracecheck_agent_cache_watched_traces 1',
        ]),
      );
    });
  });

  describe('CORS', () => {
    it('answers a preflight and the POST for an allowed origin, and nothing CORS for others', async () => {
      const { tracesUrl } = await agentWith({ otlpServer: { corsAllowedOrigins: ['https://app.example'] } });
      const preflight = await sendRaw(tracesUrl, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
      });

      const allowed = await postJson(tracesUrl, jsonBody(1, 1), { Origin: 'https://app.example' });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');

      const other = await postJson(tracesUrl, jsonBody(1, 2), { Origin: 'https://evil.example' });
      expect(other.status).toBe(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('allows any origin with "*"', async () => {
      const { tracesUrl } = await agentWith({ otlpServer: { corsAllowedOrigins: ['*'] } });
      const response = await postJson(tracesUrl, jsonBody(1, 1), { Origin: 'https://any.example' });
      expect(response.headers['access-control-allow-origin']).toBe('*');
    });
  });
});
