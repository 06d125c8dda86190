/**
 * Differences between two traces of the same test: spans added, spans missing and spans slower or
 * faster beyond a threshold. Spans are matched by a structural key (the path of span types and names
 * from the root, each step with its occurrence among same-named siblings), never by span id: two runs
 * never share span ids.
 */
import type { Trace } from '@tracecheck/core';
import { computeDepths } from '../trace/timeline-rows';

export interface DiffThresholds {
  /** Minimum relative change, in percent of the baseline duration (e.g. 20). */
  readonly percent: number;
  /** Minimum absolute change, in milliseconds (e.g. 5). */
  readonly milliseconds: number;
}

export const DEFAULT_THRESHOLDS: DiffThresholds = { percent: 20, milliseconds: 5 };

export type SpanChange = 'added' | 'missing' | 'slower' | 'faster';

export interface SpanDiff {
  readonly change: SpanChange;
  /** The structural key, e.g. `http:GET /orders#0/database:SELECT orders#1`. */
  readonly key: string;
  readonly name: string;
  readonly type: string;
  /** Depth from the root (0 for a root). */
  readonly depth: number;
  /** Index of the span in the current trace; absent for a missing span. */
  readonly currentIndex?: number;
  /** Index of the span in the baseline trace; absent for an added span. */
  readonly baselineIndex?: number;
  readonly currentMs?: number;
  readonly baselineMs?: number;
}

export interface TraceDiff {
  /** In the current trace's order, then the missing spans in the baseline's order. */
  readonly changes: readonly SpanDiff[];
  readonly added: number;
  readonly missing: number;
  readonly slower: number;
  readonly faster: number;
  /** Spans found in both traces. */
  readonly matched: number;
}

/** Duration of a span in milliseconds (nanosecond precision kept below 2^53 ns ≈ 104 days). */
export function durationMs(trace: Trace, index: number): number {
  const span = trace.spans[index]!;
  const nanos = span.endTimeUnixNano - span.startTimeUnixNano;
  return Number(nanos > 0n ? nanos : 0n) / 1e6;
}

function labelOf(trace: Trace, index: number): string {
  const span = trace.spans[index]!;
  return `${span.type}:${span.name}`;
}

/**
 * The structural key of every span, by index: `parentKey/type:name#occurrence`, where occurrence
 * counts the earlier siblings (in child order) with the same type and name.
 */
export function structuralKeys(trace: Trace): string[] {
  const keys = new Array<string>(trace.spans.length);
  const assign = (siblings: readonly number[], parentKey: string) => {
    const seen = new Map<string, number>();
    for (const index of siblings) {
      const label = labelOf(trace, index);
      const occurrence = seen.get(label) ?? 0;
      seen.set(label, occurrence + 1);
      keys[index] = `${parentKey}${parentKey === '' ? '' : '/'}${label}#${occurrence}`;
    }
  };
  const roots: number[] = [];
  for (let i = 0; i < trace.spans.length; i++) if (trace.parentIndex[i] === -1) roots.push(i);
  assign(roots, '');
  // Tree order: a parent always comes before its children, so its key is known when they are keyed.
  for (let i = 0; i < trace.spans.length; i++) {
    const children = trace.children[i];
    if (children !== undefined && children.length > 0) assign(children, keys[i]!);
  }
  return keys;
}

/**
 * Compares `current` with `baseline`.
 * @example diffTraces(thisRun, lastPassing, { percent: 20, milliseconds: 5 }).changes
 */
export function diffTraces(
  current: Trace,
  baseline: Trace,
  thresholds: DiffThresholds = DEFAULT_THRESHOLDS,
): TraceDiff {
  if (!(thresholds.percent >= 0) || !(thresholds.milliseconds >= 0)) {
    throw new RangeError(
      `thresholds must be numbers ≥ 0 (got ${thresholds.percent}% and ${thresholds.milliseconds} ms)`,
    );
  }
  const currentKeys = structuralKeys(current);
  const baselineKeys = structuralKeys(baseline);
  const baselineByKey = new Map<string, number>();
  baselineKeys.forEach((key, index) => {
    baselineByKey.set(key, index);
  });
  const currentKeySet = new Set(currentKeys);
  const currentDepths = computeDepths(current);
  const baselineDepths = computeDepths(baseline);
  const changes: SpanDiff[] = [];
  let added = 0;
  let slower = 0;
  let faster = 0;
  let matched = 0;
  for (let index = 0; index < currentKeys.length; index++) {
    const key = currentKeys[index]!;
    const span = current.spans[index]!;
    const base = { key, name: span.name, type: span.type, depth: currentDepths[index]!, currentIndex: index };
    const currentMs = durationMs(current, index);
    const baselineIndex = baselineByKey.get(key);
    if (baselineIndex === undefined) {
      added++;
      changes.push({ ...base, change: 'added', currentMs });
      continue;
    }
    matched++;
    const baselineMs = durationMs(baseline, baselineIndex);
    const delta = currentMs - baselineMs;
    const relative =
      baselineMs === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(delta) / baselineMs;
    if (Math.abs(delta) < thresholds.milliseconds || relative * 100 < thresholds.percent) continue;
    if (delta > 0) slower++;
    else faster++;
    changes.push({ ...base, change: delta > 0 ? 'slower' : 'faster', baselineIndex, currentMs, baselineMs });
  }
  let missing = 0;
  for (let index = 0; index < baselineKeys.length; index++) {
    const key = baselineKeys[index]!;
    if (currentKeySet.has(key)) continue;
    missing++;
    const span = baseline.spans[index]!;
    changes.push({
      change: 'missing',
      key,
      name: span.name,
      type: span.type,
      depth: baselineDepths[index]!,
      baselineIndex: index,
      baselineMs: durationMs(baseline, index),
    });
  }
  return { changes, added, missing, slower, faster, matched };
}
