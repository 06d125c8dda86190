import { type AssembleOptions, assembleTrace } from '../trace/assemble-trace';
import type { SpanInput, SpanRecord, Trace, TraceId } from '../trace/model';
import { flattenSpanRecord } from './to-span-input';

export interface TraceFromRecordsOptions extends AssembleOptions {
  /**
   * Keeps each span's OTLP record as `TraceSpan.record`. Off by default: the records about double a
   * trace's memory, and each span has its (shared) `resource` anyway.
   */
  readonly keepRecords?: boolean;
}

/**
 * Assembles the records of trace `traceId` (records of other traces are ignored) into a `Trace`:
 * flattened with `toSpanInput`, then `assembleTrace`. The spans keep their resource, and their record
 * only with `keepRecords`.
 * @example traceFromRecords(traceId, decodeOtlpProtobuf(body))
 */
export function traceFromRecords(
  traceId: TraceId,
  records: Iterable<SpanRecord>,
  options?: TraceFromRecordsOptions,
): Trace {
  const keepRecords = options?.keepRecords === true;
  // Each input's attribute map is made for this call and seen by nobody else: the trace can adopt it.
  return assembleTrace(traceId, spanInputsOf(traceId, records, keepRecords), {
    ...options,
    adoptAttributes: true,
  });
}

/**
 * The records' inputs, flattened one at a time as assembly asks for them: each input is fresh when
 * assembly completes its attributes, which is faster for large traces than flattening them all first.
 */
function* spanInputsOf(
  traceId: TraceId,
  records: Iterable<SpanRecord>,
  keepRecords: boolean,
): Generator<SpanInput> {
  for (const record of records) if (record.traceId === traceId) yield flattenSpanRecord(record, keepRecords);
}
