/**
 * Fake Jaeger query services (test support): the HTTP query API (`GET /api/traces/{id}`, JSON of
 * jaeger model/json) and the gRPC QueryService (api_v2), serving spans written the way OpenTelemetry's
 * Jaeger exporter writes them (kind, status, scope and trace state as tags; events as logs; parent and
 * links as references).
 */
import * as grpc from '@grpc/grpc-js';
import type { AnyValue, KeyValue, SpanRecord } from '@tracecheck/core';
import protobuf from 'protobufjs';
import { serviceNameOf } from './fixture-trace';
import { jsonResponse, startTestServer, type TestServer } from './http-test-server';

interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | boolean | number;
}

function jsonTag(key: string, value: AnyValue): JaegerTag {
  switch (value.type) {
    case 'bool':
      return { key, type: 'bool', value: value.value };
    case 'int':
      // jaeger model/json writes int64 values outside ±(2^53-1) as strings.
      return {
        key,
        type: 'int64',
        value:
          value.value > 9_007_199_254_740_991n || value.value < -9_007_199_254_740_991n
            ? value.value.toString()
            : Number(value.value),
      };
    case 'double':
      return { key, type: 'float64', value: value.value };
    case 'bytes':
      return { key, type: 'binary', value: Buffer.from(value.value).toString('base64') };
    case 'string':
      return { key, type: 'string', value: value.value };
    default:
      return { key, type: 'string', value: JSON.stringify(String(value.type)) };
  }
}

/** The tags OpenTelemetry's exporter adds for fields Jaeger has no place for. */
function spanTags(span: SpanRecord): KeyValue[] {
  const tags: KeyValue[] = [...span.attributes];
  const str = (value: string): AnyValue => ({ type: 'string', value });
  if (span.kind !== 'unespecified') tags.push({ key: 'span.kind', value: str(span.kind) });
  if (span.status?.code === 'STATUS_CODE_OK') tags.push({ key: 'otel.status_code', value: str('OK') });
  if (span.status?.code === 'STATUS_CODE_ERROR') {
    tags.push(
      { key: 'otel.status_code', value: str('ERROR') },
      { key: 'error', value: { type: 'bool', value: true } },
    );
    if (span.status.message) tags.push({ key: 'otel.status_description', value: str(span.status.message) });
  }
  if (span.scope) {
    tags.push({ key: 'otel.scope.name', value: str(span.scope.name) });
    if (span.scope.version) tags.push({ key: 'otel.scope.version', value: str(span.scope.version) });
  }
  if (span.traceState) tags.push({ key: 'w3c.tracestate', value: str(span.traceState) });
  return tags;
}

function processTags(span: SpanRecord): KeyValue[] {
  return span.resource.attributes.filter((attribute) => attribute.key !== 'service.name');
}

function references(
  span: SpanRecord,
): { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceId: string; spanId: string }[] {
  return [
    ...(span.parentSpanId
      ? [{ refType: 'CHILD_OF' as const, traceId: span.traceId, spanId: span.parentSpanId }]
      : []),
    ...span.links.map((link) => ({
      refType: 'FOLLOWS_FROM' as const,
      traceId: link.traceId,
      spanId: link.spanId,
    })),
  ];
}

/** A trace in the query API's JSON: `{traceID, spans, processes}`, times in microseconds. */
function toJaegerJsonTrace(spans: readonly SpanRecord[]): unknown {
  const processIds = new Map<string, string>();
  const processes: Record<string, unknown> = {};
  for (const span of spans) {
    const service = serviceNameOf(span.resource);
    if (!processIds.has(service)) {
      const id = `p${processIds.size + 1}`;
      processIds.set(service, id);
      processes[id] = {
        serviceName: service,
        tags: processTags(span).map((tag) => jsonTag(tag.key, tag.value)),
      };
    }
  }
  return {
    traceID: spans[0]?.traceId,
    spans: spans.map((span) => ({
      traceID: span.traceId,
      spanID: span.spanId,
      flags: span.flags,
      operationName: span.name,
      references: references(span).map((ref) => ({
        refType: ref.refType,
        traceID: ref.traceId,
        spanID: ref.spanId,
      })),
      startTime: Number(span.startTimeUnixNano / 1000n),
      duration: Number((span.endTimeUnixNano - span.startTimeUnixNano) / 1000n),
      tags: spanTags(span).map((tag) => jsonTag(tag.key, tag.value)),
      logs: span.events.map((event) => ({
        timestamp: Number(event.timeUnixNano / 1000n),
        fields: [
          { key: 'event', type: 'string', value: event.name },
          ...event.attributes.map((a) => jsonTag(a.key, a.value)),
        ],
      })),
      processID: processIds.get(serviceNameOf(span.resource)),
      warnings: null,
    })),
    processes,
    warnings: null,
  };
}

/** The query API's answer for a trace id that it does not have. */
const JAEGER_NOT_FOUND = {
  data: null,
  total: 0,
  limit: 0,
  offset: 0,
  errors: [{ code: 404, msg: 'trace not found' }],
};

/** Serves `GET /api/traces/{id}`; requests without `authorization` (when given) get 401. */
export function startFakeJaegerHttp(
  spans: readonly SpanRecord[],
  authorization?: string,
): Promise<TestServer> {
  return startTestServer((request) => {
    if (authorization && request.headers.authorization !== authorization)
      return { status: 401, body: 'Unauthorized' };
    const match = /^\/api\/traces\/([0-9a-f]+)$/.exec(request.url);
    if (!match) return { status: 404, body: '404 page not found' };
    const traceSpans = spans.filter((span) => span.traceId === match[1]);
    if (traceSpans.length === 0) return jsonResponse(404, JAEGER_NOT_FOUND);
    return jsonResponse(200, {
      data: [toJaegerJsonTrace(traceSpans)],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    });
  });
}

// jaeger-idl api_v2 model.proto / query.proto, as the real service declares them.
const QUERY_PROTO = `
syntax = "proto3";
package jaeger.api_v2;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
enum ValueType { STRING = 0; BOOL = 1; INT64 = 2; FLOAT64 = 3; BINARY = 4; }
message KeyValue { string key = 1; ValueType v_type = 2; string v_str = 3; bool v_bool = 4; int64 v_int64 = 5; double v_float64 = 6; bytes v_binary = 7; }
message Log { Timestamp timestamp = 1; repeated KeyValue fields = 2; }
enum SpanRefType { CHILD_OF = 0; FOLLOWS_FROM = 1; }
message SpanRef { bytes trace_id = 1; bytes span_id = 2; SpanRefType ref_type = 3; }
message Process { string service_name = 1; repeated KeyValue tags = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string operation_name = 3; repeated SpanRef references = 4; uint32 flags = 5;
  Timestamp start_time = 6; Duration duration = 7; repeated KeyValue tags = 8; repeated Log logs = 9;
  Process process = 10; string process_id = 11; repeated string warnings = 12;
}
message GetTraceRequest { bytes trace_id = 1; Timestamp start_time = 2; Timestamp end_time = 3; bool raw_traces = 4; }
message SpansResponseChunk { repeated Span spans = 1; }
`;
const queryRoot = protobuf.parse(QUERY_PROTO, { keepCase: true }).root;
const GetTraceRequest = queryRoot.lookupType('jaeger.api_v2.GetTraceRequest');
const SpansResponseChunk = queryRoot.lookupType('jaeger.api_v2.SpansResponseChunk');

function protoKeyValue(tag: KeyValue): Record<string, unknown> {
  const { key, value } = tag;
  switch (value.type) {
    case 'bool':
      return { key, v_type: 1, v_bool: value.value };
    case 'int':
      return { key, v_type: 2, v_int64: value.value.toString() };
    case 'double':
      return { key, v_type: 3, v_float64: value.value };
    case 'bytes':
      return { key, v_type: 4, v_binary: Buffer.from(value.value) };
    case 'string':
      return { key, v_type: 0, v_str: value.value };
    default:
      return { key, v_type: 0, v_str: value.type };
  }
}

function protoTime(ns: bigint): { seconds: string; nanos: number } {
  return { seconds: (ns / 1_000_000_000n).toString(), nanos: Number(ns % 1_000_000_000n) };
}

/** A `SpansResponseChunk` with `spans`, each carrying its process. */
function encodeJaegerChunk(spans: readonly SpanRecord[]): Uint8Array {
  const message = SpansResponseChunk.fromObject({
    spans: spans.map((span) => ({
      trace_id: Buffer.from(span.traceId, 'hex'),
      span_id: Buffer.from(span.spanId, 'hex'),
      operation_name: span.name,
      references: references(span).map((ref) => ({
        trace_id: Buffer.from(ref.traceId, 'hex'),
        span_id: Buffer.from(ref.spanId, 'hex'),
        ref_type: ref.refType === 'CHILD_OF' ? 0 : 1,
      })),
      flags: span.flags,
      start_time: protoTime(span.startTimeUnixNano),
      duration: protoTime(span.endTimeUnixNano - span.startTimeUnixNano),
      tags: spanTags(span).map(protoKeyValue),
      logs: span.events.map((event) => ({
        timestamp: protoTime(event.timeUnixNano),
        fields: [{ key: 'event', v_type: 0, v_str: event.name }, ...event.attributes.map(protoKeyValue)],
      })),
      process: { service_name: serviceNameOf(span.resource), tags: processTags(span).map(protoKeyValue) },
    })),
  });
  return SpansResponseChunk.encode(message).finish();
}

export interface FakeGrpcServer {
  /** `127.0.0.1:<port>`. */
  readonly target: string;
  close(): Promise<void>;
}

/** Starts a grpc-js server with the handlers of `service`, plain text unless `tls` is given. */
export async function startGrpcServer(
  service: grpc.ServiceDefinition,
  handlers: grpc.UntypedServiceImplementation,
  tls?: { readonly key: string; readonly cert: string },
): Promise<FakeGrpcServer> {
  const server = new grpc.Server();
  server.addService(service, handlers);
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(tls.key), cert_chain: Buffer.from(tls.cert) },
      ])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

const raw = {
  serialize: (value: Uint8Array) => Buffer.from(value),
  deserialize: (value: Buffer) => value,
};

/**
 * Serves `jaeger.api_v2.QueryService/GetTrace`, streaming the trace in chunks of two spans; a missing
 * trace ends with NOT_FOUND and calls without `authorization` metadata (when given) with UNAUTHENTICATED.
 */
export function startFakeJaegerGrpc(
  spans: readonly SpanRecord[],
  authorization?: string,
  tls?: { readonly key: string; readonly cert: string },
): Promise<FakeGrpcServer> {
  const service: grpc.ServiceDefinition = {
    GetTrace: {
      path: '/jaeger.api_v2.QueryService/GetTrace',
      requestStream: false,
      responseStream: true,
      requestSerialize: raw.serialize,
      requestDeserialize: raw.deserialize,
      responseSerialize: raw.serialize,
      responseDeserialize: raw.deserialize,
    },
  };
  const getTrace = (call: grpc.ServerWritableStream<Buffer, Uint8Array>): void => {
    if (authorization && call.metadata.get('authorization')[0] !== authorization) {
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'invalid credentials' });
      return;
    }
    const request = GetTraceRequest.toObject(GetTraceRequest.decode(call.request)) as {
      trace_id?: Uint8Array;
    };
    const traceId = Buffer.from(request.trace_id ?? []).toString('hex');
    const traceSpans = spans.filter((span) => span.traceId === traceId);
    if (traceSpans.length === 0) {
      call.emit('error', { code: grpc.status.NOT_FOUND, details: 'trace not found' });
      return;
    }
    for (let i = 0; i < traceSpans.length; i += 2) call.write(encodeJaegerChunk(traceSpans.slice(i, i + 2)));
    call.end();
  };
  return startGrpcServer(service, { GetTrace: getTrace }, tls);
}
