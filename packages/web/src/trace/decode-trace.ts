/**
 * Traces in the browser: the run's OTLP (protobuf) decoded and assembled by `@tracecheck/core`, exactly as
 * the server does it, so the dashboard and the verdict see the same tree.
 */
import {
  decodeOtlpProtobuf,
  isTraceId,
  type SpanRecord,
  type Trace,
  type TraceId,
  traceFromRecords,
} from '@tracecheck/core';

/**
 * The trace id to assemble: the run's when it is a valid trace id, else that of the first record (a
 * trace-id trigger may name its own); `null` when there is neither.
 */
function traceIdOf(runTraceId: string, records: readonly SpanRecord[]): TraceId | null {
  const lower = runTraceId.toLowerCase();
  if (isTraceId(lower)) return lower;
  return records[0]?.traceId ?? null;
}

/** Assembles span records of the run's trace; `null` when none belongs to it. */
export function assembleRunTrace(runTraceId: string, records: readonly SpanRecord[]): Trace | null {
  const traceId = traceIdOf(runTraceId, records);
  if (traceId === null) return null;
  const trace = traceFromRecords(traceId, records);
  return trace.spans.length === 0 ? null : trace;
}

/** Decodes spans pushed live while a run collects its trace: OTLP/protobuf, base64-encoded. */
export function decodeLiveSpans(otlpBase64: string): SpanRecord[] {
  const binary = atob(otlpBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return decodeOtlpProtobuf(bytes);
}
