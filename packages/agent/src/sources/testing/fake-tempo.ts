/**
 * Fake Grafana Tempo (test support): the query frontend's `GET /api/traces/{id}` (OTLP protobuf for
 * `Accept: application/protobuf`, Tempo's JSON otherwise) and the querier's gRPC
 * `tempopb.Querier/FindTraceByID`. Traces are encoded from span records with the OTLP proto
 * definitions (opentelemetry-proto trace/v1, common/v1, resource/v1).
 */
import * as grpc from '@grpc/grpc-js';
import type { AnyValue, KeyValue, ResourceRecord, ScopeRecord, SpanRecord } from '@tracecheck/core';
import protobuf from 'protobufjs';
import { type FakeGrpcServer, startGrpcServer } from './fake-jaeger';
import { startTestServer, type TestServer } from './http-test-server';

const OTLP_PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0; SPAN_KIND_INTERNAL = 1; SPAN_KIND_SERVER = 2; SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4; SPAN_KIND_CONSUMER = 5;
  }
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; StatusCode code = 3; enum StatusCode { STATUS_CODE_UNSET = 0; STATUS_CODE_OK = 1; STATUS_CODE_ERROR = 2; } }
`;
// tempopb/tempo.proto, `trace` being a tempopb.Trace { repeated ResourceSpans batches = 1; }.
const TEMPO_PROTO = `
syntax = "proto3";
package tempopb;
message TraceByIDRequest { bytes traceID = 1; string blockStart = 2; string blockEnd = 3; string queryMode = 5; }
message Trace { repeated opentelemetry.proto.ResourceSpans batches = 1; }
message TraceByIDResponse { Trace trace = 1; }
`;
const root = new protobuf.Root();
protobuf.parse(OTLP_PROTO, root);
protobuf.parse(TEMPO_PROTO, root);
const TracesData = root.lookupType('opentelemetry.proto.TracesData');
const TraceByIDRequest = root.lookupType('tempopb.TraceByIDRequest');
const TraceByIDResponse = root.lookupType('tempopb.TraceByIDResponse');

const KIND_NUMBERS = {
  unespecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const;
const STATUS_NUMBERS = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } as const;

function anyValue(value: AnyValue): Record<string, unknown> {
  switch (value.type) {
    case 'string':
      return { stringValue: value.value };
    case 'bool':
      return { boolValue: value.value };
    case 'int':
      return { intValue: value.value.toString() };
    case 'double':
      return { doubleValue: value.value };
    case 'bytes':
      return { bytesValue: Buffer.from(value.value) };
    case 'array':
      return { arrayValue: { values: value.value.map(anyValue) } };
    case 'kvlist':
      return { kvlistValue: { values: value.value.map(keyValue) } };
    case 'empty':
      return {};
  }
}

function keyValue(kv: KeyValue): Record<string, unknown> {
  return { key: kv.key, value: anyValue(kv.value) };
}

/** The spans as an OTLP TracesData object (protobufjs field names), grouped by resource and scope. */
function tracesDataObject(spans: readonly SpanRecord[]): Record<string, unknown> {
  const groups = new Map<ResourceRecord, Map<ScopeRecord | null, SpanRecord[]>>();
  for (const span of spans) {
    const scopes = groups.get(span.resource) ?? new Map<ScopeRecord | null, SpanRecord[]>();
    groups.set(span.resource, scopes);
    scopes.set(span.scope, [...(scopes.get(span.scope) ?? []), span]);
  }
  return {
    resourceSpans: [...groups].map(([resource, scopes]) => ({
      resource: {
        attributes: resource.attributes.map(keyValue),
        droppedAttributesCount: resource.droppedAttributesCount,
      },
      schemaUrl: resource.schemaUrl,
      scopeSpans: [...scopes].map(([scope, scopeSpans]) => ({
        ...(scope
          ? {
              scope: { name: scope.name, version: scope.version, attributes: scope.attributes.map(keyValue) },
            }
          : {}),
        spans: scopeSpans.map((span) => ({
          traceId: Buffer.from(span.traceId, 'hex'),
          spanId: Buffer.from(span.spanId, 'hex'),
          traceState: span.traceState,
          ...(span.parentSpanId ? { parentSpanId: Buffer.from(span.parentSpanId, 'hex') } : {}),
          flags: span.flags,
          name: span.name,
          kind: KIND_NUMBERS[span.kind],
          startTimeUnixNano: span.startTimeUnixNano.toString(),
          endTimeUnixNano: span.endTimeUnixNano.toString(),
          attributes: span.attributes.map(keyValue),
          droppedAttributesCount: span.droppedAttributesCount,
          events: span.events.map((event) => ({
            timeUnixNano: event.timeUnixNano.toString(),
            name: event.name,
            attributes: event.attributes.map(keyValue),
            droppedAttributesCount: event.droppedAttributesCount,
          })),
          droppedEventsCount: span.droppedEventsCount,
          links: span.links.map((link) => ({
            traceId: Buffer.from(link.traceId, 'hex'),
            spanId: Buffer.from(link.spanId, 'hex'),
            traceState: link.traceState,
            attributes: link.attributes.map(keyValue),
            droppedAttributesCount: link.droppedAttributesCount,
            flags: link.flags,
          })),
          droppedLinksCount: span.droppedLinksCount,
          ...(span.status
            ? { status: { code: STATUS_NUMBERS[span.status.code], message: span.status.message } }
            : {}),
        })),
      })),
    })),
  };
}

/** OTLP TracesData protobuf bytes of the spans. */
function encodeTracesData(spans: readonly SpanRecord[]): Uint8Array {
  return TracesData.encode(TracesData.fromObject(tracesDataObject(spans))).finish();
}

/** Tempo's JSON answers, by generation. */
export type TempoJsonStyle =
  /** Tempo 1.x: `batches`, `instrumentationLibrarySpans`, base64 ids (gogo jsonpb). */
  | 'batches-instrumentation-library'
  /** Tempo 2.x: `batches`, `scopeSpans`, base64 ids. */
  | 'batches'
  /** OTLP/JSON: `resourceSpans`, hex ids. */
  | 'resource-spans';

/** Tempo's JSON for the spans, in proto3 JSON mapping (int64 as strings, enums as names). */
function toTempoJson(spans: readonly SpanRecord[], style: TempoJsonStyle): unknown {
  const message = TracesData.fromObject(tracesDataObject(spans));
  const json = TracesData.toObject(message, { longs: String, enums: String, bytes: String }) as {
    resourceSpans: Record<string, unknown>[];
  };
  if (style === 'resource-spans') {
    const hex = (text: unknown) => Buffer.from(String(text), 'base64').toString('hex');
    for (const resourceSpans of json.resourceSpans) {
      for (const scopeSpans of resourceSpans.scopeSpans as { spans: Record<string, unknown>[] }[]) {
        for (const span of scopeSpans.spans) {
          for (const key of ['traceId', 'spanId', 'parentSpanId'])
            if (span[key] !== undefined) span[key] = hex(span[key]);
          for (const link of (span.links ?? []) as Record<string, unknown>[]) {
            link.traceId = hex(link.traceId);
            link.spanId = hex(link.spanId);
          }
        }
      }
    }
    return json;
  }
  if (style === 'batches-instrumentation-library') {
    return {
      batches: json.resourceSpans.map(({ scopeSpans, ...rest }) => ({
        ...rest,
        instrumentationLibrarySpans: (scopeSpans as Record<string, unknown>[]).map(({ scope, ...spans }) => ({
          ...(scope ? { instrumentationLibrary: scope } : {}),
          ...spans,
        })),
      })),
    };
  }
  return { batches: json.resourceSpans };
}

/**
 * Serves `GET /api/traces/{id}`: OTLP protobuf when asked with `Accept: application/protobuf` (unless
 * `json` forces Tempo's JSON), 404 for a missing trace, 401 without `authorization` (when given).
 */
export function startFakeTempoHttp(
  spans: readonly SpanRecord[],
  options: {
    readonly authorization?: string;
    readonly json?: TempoJsonStyle;
    readonly tls?: { readonly key: string; readonly cert: string };
  } = {},
): Promise<TestServer> {
  return startTestServer((request) => {
    if (options.authorization && request.headers.authorization !== options.authorization) {
      return { status: 401, body: 'Unauthorized' };
    }
    const match = /^\/api\/traces\/([0-9a-f]{32})(?:\?.*)?$/.exec(request.url);
    if (!match) return { status: 404, body: '404 page not found' };
    const traceSpans = spans.filter((span) => span.traceId === match[1]);
    if (traceSpans.length === 0) return { status: 404, body: 'trace not found' };
    if (request.headers.accept === 'application/protobuf' && !options.json) {
      return {
        status: 200,
        headers: { 'content-type': 'application/protobuf' },
        body: encodeTracesData(traceSpans),
      };
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toTempoJson(traceSpans, options.json ?? 'batches')),
    };
  }, options.tls);
}

/** Requests received by the fake querier. */
export interface FakeTempoGrpcServer extends FakeGrpcServer {
  readonly requests: { traceID: string; blockStart: string; blockEnd: string; queryMode: string }[];
}

/**
 * Serves `tempopb.Querier/FindTraceByID`; a missing trace is an empty response (no `trace`), as
 * Tempo answers; calls without `authorization` metadata (when given) fail with UNAUTHENTICATED.
 */
export async function startFakeTempoGrpc(
  spans: readonly SpanRecord[],
  authorization?: string,
): Promise<FakeTempoGrpcServer> {
  const requests: FakeTempoGrpcServer['requests'] = [];
  const raw = (value: Uint8Array) => Buffer.from(value);
  const service: grpc.ServiceDefinition = {
    FindTraceByID: {
      path: '/tempopb.Querier/FindTraceByID',
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: (value: Buffer) => value,
      responseSerialize: raw,
      responseDeserialize: (value: Buffer) => value,
    },
  };
  const findTraceById = (
    call: grpc.ServerUnaryCall<Buffer, Uint8Array>,
    callback: grpc.sendUnaryData<Uint8Array>,
  ): void => {
    if (authorization && call.metadata.get('authorization')[0] !== authorization) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'invalid credentials' });
      return;
    }
    const request = TraceByIDRequest.toObject(TraceByIDRequest.decode(call.request), { bytes: String }) as {
      traceID: string;
      blockStart: string;
      blockEnd: string;
      queryMode: string;
    };
    const traceId = Buffer.from(request.traceID, 'base64').toString('hex');
    requests.push({ ...request, traceID: traceId });
    const traceSpans = spans.filter((span) => span.traceId === traceId);
    const response =
      traceSpans.length === 0
        ? TraceByIDResponse.create({})
        : TraceByIDResponse.fromObject({ trace: { batches: tracesDataObject(traceSpans).resourceSpans } });
    callback(null, TraceByIDResponse.encode(response).finish());
  };
  const server = await startGrpcServer(service, { FindTraceByID: findTraceById });
  return Object.assign(server, { requests });
}
