/**
 * Assertion results (SPEC §5.10) seen from the trace: how many passed and failed on each span, and
 * which spans a spec touched, so the timeline can show results on the spans themselves.
 */
import type { SpanId, Trace } from '@tracecheck/core';
import type { AssertionResultsView, SpecResultView } from '../api/api-types';

/** Span-level results per span: `passed[i]` and `failed[i]` count the results on span `i`. */
export interface SpanResultCounts {
  readonly passed: Int32Array;
  readonly failed: Int32Array;
}

/** Counts the span-level results of every spec on each span of the trace; results without a span are left out. */
export function countResultsBySpan(trace: Trace, results: AssertionResultsView): SpanResultCounts {
  const passed = new Int32Array(trace.spans.length);
  const failed = new Int32Array(trace.spans.length);
  for (const spec of results.results) {
    for (const assertion of spec.results) {
      for (const result of assertion.spanResults) {
        if (result.spanId === null) continue;
        const index = trace.indexById.get(result.spanId as SpanId);
        if (index === undefined) continue;
        if (result.passed) passed[index]!++;
        else failed[index]!++;
      }
    }
  }
  return { passed, failed };
}

/** Totals of one spec: span-level results that passed and failed, and the distinct spans it ran on. */
export interface SpecSummary {
  readonly passed: number;
  readonly failed: number;
  readonly spanIds: readonly string[];
}

export function summarizeSpec(spec: SpecResultView): SpecSummary {
  let passed = 0;
  let failed = 0;
  const spanIds = new Set<string>();
  for (const assertion of spec.results) {
    for (const result of assertion.spanResults) {
      if (result.passed) passed++;
      else failed++;
      if (result.spanId !== null) spanIds.add(result.spanId);
    }
  }
  return { passed, failed, spanIds: [...spanIds] };
}

/** `mask[i]` is 1 for each span of the trace that one of `spanIds` names. */
export function maskOfSpanIds(trace: Trace, spanIds: readonly string[]): Uint8Array {
  const mask = new Uint8Array(trace.spans.length);
  for (const spanId of spanIds) {
    const index = trace.indexById.get(spanId as SpanId);
    if (index !== undefined) mask[index] = 1;
  }
  return mask;
}

/** A spec's title as reports show it (SPEC §9.5): its name, else its selector, else "All Spans". */
export function titleOfSpec(spec: {
  readonly name?: string;
  readonly selector: { readonly query: string };
}): string {
  if (spec.name) return spec.name;
  return spec.selector.query.trim() === '' ? 'All Spans' : spec.selector.query;
}
