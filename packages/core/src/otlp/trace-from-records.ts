import { type AssembleOptions, assembleTrace } from '../trace/assemble-trace';
import type { SpanRecord, Trace, TraceId } from '../trace/model';
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
  const inputs = [];
  for (const record of records) if (record.traceId === traceId) inputs.push(toSpanInput(record));
  return assembleTrace(traceId, inputs, options);
}
