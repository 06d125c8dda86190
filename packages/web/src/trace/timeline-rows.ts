/**
 * The row model of the trace timeline: which spans are rows (collapsed subtrees are skipped), how deep
 * each one is, and where its bar goes. Everything here is linear in the number of spans, because a
 * trace may have 100,000 of them; the component renders only the rows on screen.
 */
import type { Nanos, Trace } from '@tracecheck/core';

/** Depth of every span in the tree (the root is 0), from `parentIndex` in one pass. */
export function computeDepths(trace: Trace): Int32Array {
  const depth = new Int32Array(trace.spans.length);
  // Tree order lists a parent before its children, so its depth is known when a child is reached.
  for (let index = 0; index < depth.length; index++) {
    const parent = trace.parentIndex[index] ?? -1;
    depth[index] = parent < 0 ? 0 : (depth[parent] ?? 0) + 1;
  }
  return depth;
}

/**
 * The spans shown as rows, in tree order: every span except the descendants of a collapsed span.
 * `collapsed[i]` is 1 when span `i` is collapsed. Jumps over each collapsed subtree with `subtreeEnd`,
 * so the cost is the number of rows, not the number of spans.
 */
export function listVisibleRows(trace: Trace, collapsed: Uint8Array): Int32Array {
  const rows = new Int32Array(trace.spans.length);
  let count = 0;
  let index = 0;
  while (index < trace.spans.length) {
    rows[count++] = index;
    index = collapsed[index] ? (trace.subtreeEnd[index] ?? index + 1) : index + 1;
  }
  return rows.subarray(0, count);
}

/** Position of row `index` in `rows` (binary search: rows are in ascending tree order), or -1. */
export function findRow(rows: Int32Array, index: number): number {
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = rows[middle]!;
    if (value === index) return middle;
    if (value < index) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The time range the timeline's axis covers: the earliest start to the latest end of any span. */
export interface TraceTimeRange {
  readonly startNs: Nanos;
  readonly endNs: Nanos;
  /** `endNs - startNs` as a number of nanoseconds, at least 1 (a bar's scale divides by it). */
  readonly durationNs: number;
}

export function computeTimeRange(trace: Trace): TraceTimeRange {
  if (trace.spans.length === 0) return { startNs: 0n, endNs: 0n, durationNs: 1 };
  let startNs = trace.spans[0]!.startTimeUnixNano;
  let endNs = trace.spans[0]!.endTimeUnixNano;
  for (const span of trace.spans) {
    if (span.startTimeUnixNano < startNs) startNs = span.startTimeUnixNano;
    if (span.endTimeUnixNano > endNs) endNs = span.endTimeUnixNano;
  }
  const duration = Number(endNs - startNs);
  return { startNs, endNs, durationNs: duration > 0 ? duration : 1 };
}

/** Where a span's bar starts and how wide it is, as fractions (0–1) of the axis. */
export function barOf(range: TraceTimeRange, startNs: Nanos, endNs: Nanos): { left: number; width: number } {
  // Differences of nanosecond times are far below 2^53 for any real trace, so a number is exact here.
  const left = Number(startNs - range.startNs) / range.durationNs;
  const width = Math.max(0, Number(endNs - startNs)) / range.durationNs;
  return { left: Math.min(1, Math.max(0, left)), width: Math.min(1 - Math.min(1, Math.max(0, left)), width) };
}

const TICK_STEPS_NS = [1, 2, 5] as const;

/**
 * Evenly spaced "round" ticks (1, 2 or 5 × a power of ten nanoseconds) across `durationNs`, at most
 * about `maxTicks` of them, each as its offset in nanoseconds from the start.
 * @example computeTimeTicks(230_000_000, 6) // [0, 50_000_000, 100_000_000, 150_000_000, 200_000_000]
 */
export function computeTimeTicks(durationNs: number, maxTicks: number): number[] {
  if (durationNs <= 0 || maxTicks < 1) return [0];
  const rough = durationNs / maxTicks;
  let power = 10 ** Math.floor(Math.log10(rough));
  let step = power;
  search: for (;;) {
    for (const factor of TICK_STEPS_NS) {
      if (factor * power >= rough) {
        step = factor * power;
        break search;
      }
    }
    power *= 10;
  }
  const ticks: number[] = [];
  for (let at = 0; at <= durationNs; at += step) ticks.push(at);
  return ticks;
}
