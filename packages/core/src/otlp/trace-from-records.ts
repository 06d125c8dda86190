import { type AssembleOptions, assembleTrace } from '../trace/assemble-trace';
import type { SpanInput, SpanRecord, Trace, TraceId } from '../trace/model';
import { toSpanInput } from './to-span-input';

/**
 * Assembles the records of trace `traceId` (records of other traces are ignored) into a `Trace`:
 * flattened with `toSpanInput`, then `assembleTrace`.
 * @example traceFromRecords(traceId, decodeOtlpProtobuf(body))
 */
export function traceFromRecords(
  traceId: TraceId,
  records: Iterable<SpanRecord>,
  options?: AssembleOptions,
): Trace {
  // Each input's attribute map is made for this call and seen by nobody else: the trace can adopt it.
  return assembleTrace(traceId, spanInputsOf(traceId, records), { ...options, adoptAttributes: true });
}

/**
 * The records' inputs, flattened one at a time as assembly asks for them: each input is fresh when
 * assembly completes its attributes, which is faster for large traces than flattening them all first.
 */
function* spanInputsOf(traceId: TraceId, records: Iterable<SpanRecord>): Generator<SpanInput> {
  for (const record of records) if (record.traceId === traceId) yield toSpanInput(record);
}
