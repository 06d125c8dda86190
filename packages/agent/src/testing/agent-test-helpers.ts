/**
 * Helpers for the agent's own tests: an agent on free loopback ports with a silent logger, and a raw
 * HTTP client that reports status, headers and body whatever they are.
 */
import { request } from 'node:http';
import type { KeyValue, ResourceRecord, SpanId, SpanRecord, TraceId } from '@tracecheck/core';
import { pino } from 'pino';
import protobuf from 'protobufjs';
import { createSpanCache } from '../cache/span-cache';
import type { AgentOptions } from '../config/agent-config';
import { type Agent, type AgentAddresses, createAgent } from '../create-agent';

export interface TestAgent {
  readonly agent: Agent;
  readonly addresses: AgentAddresses;
  /** `http://127.0.0.1:<port>/v1/traces` */
  readonly tracesUrl: string;
  /** `127.0.0.1:<port>` */
  readonly grpcEndpoint: string;
}

/** Deep-merges `overrides` into loopback, free-port options; the logger stays silent. */
export async function startTestAgent(overrides: AgentOptions = {}): Promise<TestAgent> {
  const agent = createAgent(
    {
      ...overrides,
      otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0, ...overrides.otlpServer },
      spanCache: { ...overrides.spanCache },
    },
    { logger: pino({ level: 'silent' }) },
  );
  const addresses = await agent.start();
  return {
    agent,
    addresses,
    tracesUrl: `${addresses.otlpHttp?.endpoint}/v1/traces`,
    grpcEndpoint: addresses.otlpGrpc?.endpoint ?? '',
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Sends one request on a fresh connection and collects the whole answer. */
export function sendRaw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'POST', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Posts an OTLP protobuf body to `/v1/traces`. */
export function postProtobuf(url: string, body: Uint8Array, headers: Record<string, string> = {}) {
  return sendRaw(url, { body, headers: { 'Content-Type': 'application/x-protobuf', ...headers } });
}

/** Posts an OTLP/JSON body to `/v1/traces`. */
export function postJson(url: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return sendRaw(url, { body, headers: { 'Content-Type': 'application/json', ...headers } });
}

/**
 * Watches a trace and resolves with its spans once `count` have arrived (spans cached before the call
 * included).
 */
export function waitForSpans(agent: Agent, traceId: TraceId, count: number): Promise<SpanRecord[]> {
  return new Promise((resolve) => {
    const seen: SpanRecord[] = [];
    let stop: (() => void) | undefined;
    let done = false;
    stop = agent.cache.watch(traceId, (spans) => {
      seen.push(...spans);
      if (!done && seen.length >= count) {
        done = true;
        stop?.();
        resolve(seen);
      }
    });
    if (done) stop();
  });
}

const TEST_RESOURCE: ResourceRecord = {
  attributes: [{ key: 'service.name', value: { type: 'string', value: 'orders' } }],
  droppedAttributesCount: 0,
  schemaUrl: '',
};

/** Trace id `n` written as 32 hex digits. */
export function traceIdOf(n: number): TraceId {
  return n.toString(16).padStart(32, '0') as TraceId;
}

/** A string attribute. */
export function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

/** A root span record of trace `trace` with span id `id`; `overrides` replace any field. */
export function spanRecordOf(trace: number, id: number, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: traceIdOf(trace),
    spanId: id.toString(16).padStart(16, '0') as SpanId,
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: `span ${id}`,
    kind: 'internal',
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(id),
    endTimeUnixNano: 1_700_000_000_000_000_100n + BigInt(id),
    attributes: [{ key: 'n', value: { type: 'int', value: BigInt(id) } }],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource: TEST_RESOURCE,
    scope: null,
    ...overrides,
  };
}

// The answers' schemas, to read what the agent wrote with an independent protobuf implementation.
const RESPONSES = protobuf.parse(`
  syntax = "proto3";
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message RetryInfo { Duration retry_delay = 1; }
`).root;

const toPlain = (type: string, bytes: Uint8Array) => {
  const message = RESPONSES.lookupType(type);
  return message.toObject(message.decode(bytes), { longs: Number, defaults: false });
};

/** Reads a protobuf `ExportTraceServiceResponse`. */
export function decodeExportResponse(bytes: Uint8Array): {
  partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
} {
  return toPlain('ExportTraceServiceResponse', bytes);
}

/** Reads a protobuf `google.rpc.Status`, with the retry delay of a `RetryInfo` detail when present. */
export function decodeRpcStatus(bytes: Uint8Array): {
  code: number;
  message: string;
  retryDelaySeconds?: number;
} {
  const status = toPlain('Status', bytes) as {
    code: number;
    message: string;
    details?: { typeUrl: string; value: Uint8Array }[];
  };
  const retryInfo = status.details?.find((d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  const delay = retryInfo
    ? (toPlain('RetryInfo', retryInfo.value) as { retryDelay: { seconds: number } })
    : undefined;
  return {
    code: status.code,
    message: status.message,
    ...(delay ? { retryDelaySeconds: delay.retryDelay.seconds } : {}),
  };
}

/** Bytes a fresh span cache holds after storing this batch (to size `spanCache.maxBytes` in tests). */
export function bytesToStore(records: readonly SpanRecord[], encoded?: Uint8Array): number {
  const cache = createSpanCache({
    ttlMs: 60_000,
    maxBytes: 1 << 30,
    nowMs: () => 0,
    onListenerError: () => {},
  });
  cache.add(records, encoded);
  return cache.stats().bytes;
}
