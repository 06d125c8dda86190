/**
 * OTLP protobuf decoding speed: Tracecheck's `decodeOtlpProtobuf` against protobufjs decoding the same
 * bodies to plain objects (`Type.decode` + `toObject`), measured in the same run.
 *
 * Run: `node --import tsx bench/otlp-decode.ts`
 */
import { pathToFileURL } from 'node:url';
import { decodeOtlpProtobuf, encodeOtlpProtobuf, toSpanInput } from '@tracecheck/core';
import { randomOtlpBatch } from '@tracecheck/core/testing';
import protobuf from 'protobufjs';

/** The OTLP trace schema (opentelemetry-proto, trace/common/resource), in one package for brevity. */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
`;

export interface OtlpDecodeBenchOptions {
  /** Spans per request body (default 512). */
  readonly spansPerBatch?: number;
  /** Distinct bodies decoded in turn (default 16). */
  readonly batches?: number;
  /** Measured rounds over all bodies, per decoder and run (default 20). */
  readonly rounds?: number;
}

export interface OtlpDecodeBenchResult {
  readonly spansPerBatch: number;
  readonly bodyBytes: number;
  /** `decodeOtlpProtobuf`, spans per second. */
  readonly tracecheckSpansPerSec: number;
  /** `decodeOtlpProtobuf` followed by `toSpanInput` on every record, spans per second. */
  readonly tracecheckWithFlattenSpansPerSec: number;
  /** protobufjs `decode` + `toObject({ longs: String })`, spans per second. */
  readonly protobufjsSpansPerSec: number;
  /** protobufjs `decode` alone (message instances, int64 as Long, ids as bytes), spans per second. */
  readonly protobufjsDecodeOnlySpansPerSec: number;
  /** tracecheck / protobufjs decode + toObject: above 1 means Tracecheck is faster. */
  readonly ratio: number;
  /** tracecheck / protobufjs decode alone. */
  readonly ratioToDecodeOnly: number;
}

function measureSpansPerSec(
  bodies: readonly Uint8Array[],
  rounds: number,
  decode: (body: Uint8Array) => number,
) {
  let spans = 0;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) for (const body of bodies) spans += decode(body);
  const seconds = (performance.now() - start) / 1000;
  return spans / seconds;
}

/** Runs the benchmark and returns its figures (best of three alternating runs per decoder). */
export function runOtlpDecodeBench(options: OtlpDecodeBenchOptions = {}): OtlpDecodeBenchResult {
  const spansPerBatch = options.spansPerBatch ?? 512;
  const batches = options.batches ?? 16;
  const rounds = options.rounds ?? 20;
  const bodies = Array.from({ length: batches }, (_, i) =>
    encodeOtlpProtobuf(randomOtlpBatch(spansPerBatch, i + 1)),
  );
  const requestType = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

  const tracecheck = (body: Uint8Array) => decodeOtlpProtobuf(body).length;
  const tracecheckWithFlatten = (body: Uint8Array) => decodeOtlpProtobuf(body).map(toSpanInput).length;
  const protobufjs = (body: Uint8Array) => {
    const plain = requestType.toObject(requestType.decode(body), { longs: String }) as {
      resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
    };
    let count = 0;
    for (const rs of plain.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? []) count += ss.spans?.length ?? 0;
    return count;
  };
  const protobufjsDecodeOnly = (body: Uint8Array) => {
    requestType.decode(body);
    return spansPerBatch;
  };
  for (const body of bodies) {
    if (tracecheck(body) !== spansPerBatch || protobufjs(body) !== spansPerBatch) {
      throw new Error('decoders disagree on the number of spans: the benchmark input is broken');
    }
  }
  // Warm up every path so that each is measured optimised.
  measureSpansPerSec(bodies, 5, tracecheck);
  measureSpansPerSec(bodies, 5, tracecheckWithFlatten);
  measureSpansPerSec(bodies, 5, protobufjs);
  measureSpansPerSec(bodies, 5, protobufjsDecodeOnly);

  let best = { tracecheck: 0, withFlatten: 0, protobufjs: 0, decodeOnly: 0 };
  for (let run = 0; run < 3; run++) {
    best = {
      tracecheck: Math.max(best.tracecheck, measureSpansPerSec(bodies, rounds, tracecheck)),
      withFlatten: Math.max(best.withFlatten, measureSpansPerSec(bodies, rounds, tracecheckWithFlatten)),
      protobufjs: Math.max(best.protobufjs, measureSpansPerSec(bodies, rounds, protobufjs)),
      decodeOnly: Math.max(best.decodeOnly, measureSpansPerSec(bodies, rounds, protobufjsDecodeOnly)),
    };
  }
  return {
    spansPerBatch,
    bodyBytes: Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length),
    tracecheckSpansPerSec: best.tracecheck,
    tracecheckWithFlattenSpansPerSec: best.withFlatten,
    protobufjsSpansPerSec: best.protobufjs,
    protobufjsDecodeOnlySpansPerSec: best.decodeOnly,
    ratio: best.tracecheck / best.protobufjs,
    ratioToDecodeOnly: best.tracecheck / best.decodeOnly,
  };
}

function formatRate(spansPerSec: number): string {
  return `${(spansPerSec / 1e6).toFixed(2)} M spans/s`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = runOtlpDecodeBench();
  console.log(`OTLP protobuf decode, ${result.spansPerBatch}-span bodies of ~${result.bodyBytes} bytes`);
  console.log(`  tracecheck decodeOtlpProtobuf          ${formatRate(result.tracecheckSpansPerSec)}`);
  console.log(
    `  tracecheck decode + toSpanInput        ${formatRate(result.tracecheckWithFlattenSpansPerSec)}`,
  );
  console.log(`  protobufjs decode + toObject           ${formatRate(result.protobufjsSpansPerSec)}`);
  console.log(
    `  protobufjs decode alone                ${formatRate(result.protobufjsDecodeOnlySpansPerSec)}`,
  );
  console.log(`  ratio tracecheck / protobufjs          ${result.ratio.toFixed(2)}x`);
  console.log(`  ratio tracecheck / protobufjs decode   ${result.ratioToDecodeOnly.toFixed(2)}x`);
}
