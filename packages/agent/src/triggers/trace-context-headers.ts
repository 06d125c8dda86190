import type { SpanId, TraceId } from '@tracecheck/core';
import type { KeyValue } from './trigger';

/**
 * The trigger span's context in every propagation format Tracetest injects (SPEC §2.10): W3C trace
 * context (sampled, `tracestate: tracetest=true`), B3 single header, Jaeger, OpenTracing and AWS X-Ray,
 * so the system under test continues the run's trace whichever propagator it uses.
 *
 * W3C `baggage` is absent on purpose: the trigger context carries no baggage members, and the W3C
 * baggage propagator writes no header for an empty baggage (as in Tracetest).
 *
 * @example traceContextHeaders(traceId, spanId)[0] // {key: 'traceparent', value: `00-${traceId}-${spanId}-01`}
 */
export function traceContextHeaders(traceId: TraceId, spanId: SpanId): KeyValue[] {
  return [
    { key: 'traceparent', value: `00-${traceId}-${spanId}-01` },
    { key: 'tracestate', value: 'tracetest=true' },
    { key: 'b3', value: `${traceId}-${spanId}-1` },
    // trace:span:parent-span:flags; the parent of the trigger span is unknown to the callee, so 0.
    { key: 'uber-trace-id', value: `${traceId}:${spanId}:0:1` },
    // OpenTracing ids are 64-bit: the low half of the trace id, as the OpenTelemetry OT propagator sends.
    { key: 'ot-tracer-traceid', value: traceId.slice(16) },
    { key: 'ot-tracer-spanid', value: spanId },
    { key: 'ot-tracer-sampled', value: 'true' },
    // X-Ray splits the trace id into an epoch part (8 hex) and a unique part (24 hex).
    {
      key: 'X-Amzn-Trace-Id',
      value: `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=1`,
    },
  ];
}
