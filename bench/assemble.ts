/**
 * Trace assembly as the dashboard and the server do it: `decodeOtlpProtobuf` turns an OTLP/protobuf
 * body into span records, `traceFromRecords` flattens them and assembles the `Trace` (tree order,
 * derived `tracetest.*` attributes). The trace is the dashboard's synthetic one
 * (`createSyntheticOtlpTrace`: a trigger span, an HTTP server span, then items of ten spans over five
 * services), at 10k and 100k spans.
 *
 * Two baselines are measured in the same iterations, so figures can be compared across machines and
 * loads as multiples of them:
 * - one pass building a `Map` from span id to record: the floor of any assembly, which must at least
 *   find each span's parent by id;
 * - `JSON.parse` of the same trace as OTLP/JSON text: what a body costs to parse at all in this
 *   engine (the protobuf body is smaller and carries the same spans).
 * Each figure is the median of the iterations, in wall-clock time, with the process's CPU time beside
 * it (on a machine shared with other work, wall time includes waiting for a core). Figures only: the
 * bench never fails on time.
 *
 * Run: `node --import tsx bench/assemble.ts` (or `npm run bench -- assemble`)
 */
import { pathToFileURL } from 'node:url';
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  encodeOtlpProtobuf,
  parseTraceId,
  type SpanRecord,
  traceFromRecords,
} from '@tracecheck/core';
import { createSyntheticOtlpTrace, SYNTHETIC_TRACE_ID } from '../packages/web/test/synthetic-otlp-trace';
import { measureTime, medianTiming, type Timing } from './timing';

export interface AssembleBenchOptions {
  /** Trace sizes, in spans (default 10 000 and 100 000). */
  readonly sizes?: readonly number[];
  /** Timed runs per figure; the median is reported (default 7). */
  readonly iterations?: number;
}

export interface SizeResult {
  /** Spans in the trace (the generator adds the trigger and server spans). */
  readonly spans: number;
  readonly protobufBytes: number;
  readonly jsonBytes: number;
  readonly decode: Timing;
  readonly assemble: Timing;
  /** One pass building a `Map` from span id to record. */
  readonly idMap: Timing;
  /** `JSON.parse` of the OTLP/JSON text of the same trace. */
  readonly jsonParse: Timing;
}

/**
 * Measures one size. The iterations interleave the baselines with decoding and assembly, so a change
 * of load on the machine colours them alike; two untimed runs first warm up the JIT.
 */
function benchSize(spanCount: number, iterations: number): SizeResult {
  const traceId = parseTraceId(SYNTHETIC_TRACE_ID);
  const text = JSON.stringify(createSyntheticOtlpTrace({ spanCount }));
  const bytes = encodeOtlpProtobuf(decodeOtlpJson(text));
  const timings = {
    decode: [] as Timing[],
    assemble: [] as Timing[],
    idMap: [] as Timing[],
    json: [] as Timing[],
  };
  let records: SpanRecord[] = [];
  let spans = 0;
  let sink = 0;
  for (let i = -2; i < iterations; i++) {
    const idMap = measureTime(() => {
      const byId = new Map<string, SpanRecord>();
      for (const record of records) byId.set(record.spanId, record);
      sink += byId.size;
    });
    const json = measureTime(() => {
      sink += (JSON.parse(text) as { resourceSpans: unknown[] }).resourceSpans.length;
    });
    const decode = measureTime(() => {
      records = decodeOtlpProtobuf(bytes);
    });
    const assemble = measureTime(() => {
      spans = traceFromRecords(traceId, records).spans.length;
    });
    if (i < 0) continue;
    timings.idMap.push(idMap);
    timings.json.push(json);
    timings.decode.push(decode);
    timings.assemble.push(assemble);
  }
  if (sink < 0) throw new Error('unreachable: keeps the baselines from being optimised away');
  return {
    spans,
    protobufBytes: bytes.length,
    jsonBytes: text.length,
    decode: medianTiming(timings.decode),
    assemble: medianTiming(timings.assemble),
    idMap: medianTiming(timings.idMap),
    jsonParse: medianTiming(timings.json),
  };
}

export function runAssembleBench(options: AssembleBenchOptions = {}): SizeResult[] {
  const sizes = options.sizes ?? [10_000, 100_000];
  const iterations = options.iterations ?? 7;
  return sizes.map((size) => benchSize(size, iterations));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const iterations = 7;
  console.log(`median of ${iterations} runs per figure (wall clock; cpu = process CPU time)`);
  for (const r of runAssembleBench({ iterations })) {
    const figure = (t: Timing, base: Timing) =>
      `${t.wallMs.toFixed(1)} ms (cpu ${t.cpuMs.toFixed(1)}, ${(t.wallMs / base.wallMs).toFixed(1)}x baseline)`;
    const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
    console.log(
      `${r.spans} spans (protobuf ${kb(r.protobufBytes)}, OTLP/JSON ${kb(r.jsonBytes)}):\n` +
        `  baseline, Map of span ids:   ${r.idMap.wallMs.toFixed(2)} ms (cpu ${r.idMap.cpuMs.toFixed(2)})\n` +
        `  reference, JSON.parse:       ${r.jsonParse.wallMs.toFixed(1)} ms (cpu ${r.jsonParse.cpuMs.toFixed(1)})\n` +
        `  decodeOtlpProtobuf:          ${figure(r.decode, r.idMap)}, ${(r.decode.wallMs / r.jsonParse.wallMs).toFixed(2)}x JSON.parse\n` +
        `  traceFromRecords:            ${figure(r.assemble, r.idMap)}, ${(r.assemble.wallMs / r.jsonParse.wallMs).toFixed(2)}x JSON.parse\n` +
        `  per span: decode ${((r.decode.wallMs * 1e6) / r.spans).toFixed(0)} ns, assemble ${((r.assemble.wallMs * 1e6) / r.spans).toFixed(0)} ns`,
    );
  }
}
