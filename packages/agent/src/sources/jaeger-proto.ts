import type { AnyValue, KeyValue, TraceId } from '@tracecheck/core';
import protobuf from 'protobufjs';
import {
  type JaegerReference,
  type JaegerSpanModel,
  jaegerProcessResource,
  normalizeJaegerSpanId,
  normalizeJaegerTraceId,
} from './jaeger-span';

/** The gRPC method of Jaeger's query service (api_v2/query.proto) that returns a trace. */
export const JAEGER_GET_TRACE_METHOD = '/jaeger.api_v2.QueryService/GetTrace';

// The messages of jaeger-idl api_v2 model.proto and query.proto this source reads, with their field
// numbers (gogoproto options dropped), and the two well-known types they use.
const PROTO = `
syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
`;
const JAEGER_PROTO = `
syntax = "proto3";
package jaeger.api_v2;
enum ValueType { STRING = 0; BOOL = 1; INT64 = 2; FLOAT64 = 3; BINARY = 4; }
message KeyValue {
  string key = 1; ValueType v_type = 2; string v_str = 3; bool v_bool = 4;
  int64 v_int64 = 5; double v_float64 = 6; bytes v_binary = 7;
}
message Log { google.protobuf.Timestamp timestamp = 1; repeated KeyValue fields = 2; }
enum SpanRefType { CHILD_OF = 0; FOLLOWS_FROM = 1; }
message SpanRef { bytes trace_id = 1; bytes span_id = 2; SpanRefType ref_type = 3; }
message Process { string service_name = 1; repeated KeyValue tags = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string operation_name = 3; repeated SpanRef references = 4;
  uint32 flags = 5; google.protobuf.Timestamp start_time = 6; google.protobuf.Duration duration = 7;
  repeated KeyValue tags = 8; repeated Log logs = 9; Process process = 10; string process_id = 11;
  repeated string warnings = 12;
}
message GetTraceRequest {
  bytes trace_id = 1; google.protobuf.Timestamp start_time = 2; google.protobuf.Timestamp end_time = 3;
  bool raw_traces = 4;
}
message SpansResponseChunk { repeated Span spans = 1; }
`;

const root = new protobuf.Root();
protobuf.parse(PROTO, root, { keepCase: true });
protobuf.parse(JAEGER_PROTO, root, { keepCase: true });
const GetTraceRequest = root.lookupType('jaeger.api_v2.GetTraceRequest');
const SpansResponseChunk = root.lookupType('jaeger.api_v2.SpansResponseChunk');

/** Thrown for bytes that are not a `SpansResponseChunk`; the caller names the target. */
export class JaegerProtoError extends Error {
  override readonly name = 'JaegerProtoError';
}

/** The serialized `GetTraceRequest` for a trace id. */
export function encodeJaegerGetTraceRequest(traceId: TraceId): Uint8Array {
  return GetTraceRequest.encode(GetTraceRequest.create({ trace_id: Buffer.from(traceId, 'hex') })).finish();
}

// Shapes of `toObject(..., { longs: String, defaults: true })`.
interface TimeObject {
  seconds: string;
  nanos: number;
}
interface KeyValueObject {
  key: string;
  v_type: number;
  v_str: string;
  v_bool: boolean;
  v_int64: string;
  v_float64: number;
  v_binary: Uint8Array;
}
interface SpanObject {
  trace_id: Uint8Array;
  span_id: Uint8Array;
  operation_name: string;
  references: { trace_id: Uint8Array; span_id: Uint8Array; ref_type: number }[];
  flags: number;
  start_time?: TimeObject;
  duration?: TimeObject;
  tags: KeyValueObject[];
  logs: { timestamp?: TimeObject; fields: KeyValueObject[] }[];
  process?: { service_name: string; tags: KeyValueObject[] };
}

function nanosOf(time: TimeObject | undefined): bigint {
  return time ? BigInt(time.seconds) * 1_000_000_000n + BigInt(time.nanos) : 0n;
}

function convertKeyValue(kv: KeyValueObject): KeyValue {
  let value: AnyValue;
  switch (kv.v_type) {
    case 1:
      value = { type: 'bool', value: kv.v_bool };
      break;
    case 2:
      value = { type: 'int', value: BigInt(kv.v_int64) };
      break;
    case 3:
      value = { type: 'double', value: kv.v_float64 };
      break;
    case 4:
      value = { type: 'bytes', value: new Uint8Array(kv.v_binary) };
      break;
    default:
      value = { type: 'string', value: kv.v_str };
  }
  return { key: kv.key, value };
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Decodes one `SpansResponseChunk` of the GetTrace stream. */
export function decodeJaegerSpansChunk(bytes: Uint8Array): JaegerSpanModel[] {
  let chunk: { spans: SpanObject[] };
  try {
    chunk = SpansResponseChunk.toObject(SpansResponseChunk.decode(bytes), {
      longs: String,
      defaults: true,
    }) as { spans: SpanObject[] };
  } catch (error) {
    throw new JaegerProtoError(
      `the answer is not a jaeger.api_v2.SpansResponseChunk: ${(error as Error).message}`,
    );
  }
  return chunk.spans.map((span, s) => {
    const traceId = normalizeJaegerTraceId(hexOf(span.trace_id));
    const spanId = normalizeJaegerSpanId(hexOf(span.span_id));
    if (!traceId || !spanId) {
      throw new JaegerProtoError(
        `span ${s} has trace_id "${hexOf(span.trace_id)}" and span_id "${hexOf(span.span_id)}"`,
      );
    }
    const references: JaegerReference[] = [];
    for (const ref of span.references) {
      const refTraceId = normalizeJaegerTraceId(hexOf(ref.trace_id));
      const refSpanId = normalizeJaegerSpanId(hexOf(ref.span_id));
      if (refTraceId && refSpanId) {
        references.push({
          refType: ref.ref_type === 1 ? 'FOLLOWS_FROM' : 'CHILD_OF',
          traceId: refTraceId,
          spanId: refSpanId,
        });
      }
    }
    return {
      traceId,
      spanId,
      operationName: span.operation_name,
      flags: span.flags,
      references,
      startTimeUnixNano: nanosOf(span.start_time),
      durationNano: nanosOf(span.duration),
      tags: span.tags.map(convertKeyValue),
      logs: span.logs.map((log) => ({
        timeUnixNano: nanosOf(log.timestamp),
        fields: log.fields.map(convertKeyValue),
      })),
      process: jaegerProcessResource(
        span.process?.service_name ?? '',
        (span.process?.tags ?? []).map(convertKeyValue),
      ),
    };
  });
}
