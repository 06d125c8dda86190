/**
 * The trace search box: free text, or a selector (SPEC §4) when the text starts with `span[`.
 */
import { type SelectorErrorDetails, selectSpans, type Trace, tryParseSelector } from '@tracecheck/core';

export type SpanSearchResult =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'matches';
      readonly mode: 'text' | 'selector';
      /** Matching spans in tree order (the order of the timeline), so next/previous walk down the page. */
      readonly indexes: readonly number[];
      /** `mask[i]` is 1 when span `i` matches. */
      readonly mask: Uint8Array;
    }
  | {
      readonly kind: 'error';
      /** The parser's message: what is wrong and what was expected, with a caret line. */
      readonly message: string;
      /** 1-based line and column of the error, and the length of the bad text. */
      readonly line: number;
      readonly column: number;
      readonly length: number;
    };

const SELECTOR_START = /^\s*,?\s*span\s*\[/;

/** True when the search text is read as a selector rather than free text. */
export function isSelectorQuery(query: string): boolean {
  return SELECTOR_START.test(query);
}

function isErrorDetails(value: unknown): value is SelectorErrorDetails {
  return (
    typeof value === 'object' && value !== null && typeof (value as SelectorErrorDetails).column === 'number'
  );
}

function maskOf(length: number, indexes: readonly number[]): Uint8Array {
  const mask = new Uint8Array(length);
  for (const index of indexes) mask[index] = 1;
  return mask;
}

/** Spans whose name, id, kind, or any attribute key or value contains `needle` (case-insensitive). */
function searchText(trace: Trace, needle: string): number[] {
  const lower = needle.toLowerCase();
  const out: number[] = [];
  spans: for (let index = 0; index < trace.spans.length; index++) {
    const span = trace.spans[index]!;
    if (span.name.toLowerCase().includes(lower) || span.id.includes(lower) || span.kind === lower) {
      out.push(index);
      continue;
    }
    for (const [key, value] of span.attributes) {
      if (key.toLowerCase().includes(lower) || value.toLowerCase().includes(lower)) {
        out.push(index);
        continue spans;
      }
    }
  }
  return out;
}

/**
 * Searches a trace. Text that starts with `span[` is parsed as a selector and evaluated with
 * `selectSpans` (a syntax error is returned with its position); any other text is looked for in span
 * names, ids and attributes. Both are linear in the number of spans.
 * @example searchSpans(trace, 'span[tracetest.span.type="database"]') // { kind: 'matches', mode: 'selector', … }
 */
export function searchSpans(trace: Trace, query: string): SpanSearchResult {
  if (query.trim() === '') return { kind: 'empty' };
  if (!isSelectorQuery(query)) {
    const indexes = searchText(trace, query.trim());
    return { kind: 'matches', mode: 'text', indexes, mask: maskOf(trace.spans.length, indexes) };
  }
  const parsed = tryParseSelector(query);
  if (!parsed.ok) {
    const details = parsed.error.details;
    return {
      kind: 'error',
      message: parsed.error.message,
      line: isErrorDetails(details) ? details.line : 1,
      column: isErrorDetails(details) ? details.column : 1,
      length: isErrorDetails(details) ? details.length : 0,
    };
  }
  const indexes = selectSpans(trace, parsed.selector).sort((a, b) => a - b);
  return { kind: 'matches', mode: 'selector', indexes, mask: maskOf(trace.spans.length, indexes) };
}

/**
 * The match to go to from the selected span: the next (or previous) match in tree order, wrapping
 * around; the first (or last) match when nothing is selected. -1 when there is no match.
 */
export function stepMatch(
  indexes: readonly number[],
  selected: number | null,
  direction: 'next' | 'previous',
): number {
  if (indexes.length === 0) return -1;
  if (selected === null) return direction === 'next' ? indexes[0]! : indexes[indexes.length - 1]!;
  // Binary search for the first match after (or the last before) the selected span.
  let low = 0;
  let high = indexes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (indexes[middle]! <= selected) low = middle + 1;
    else high = middle;
  }
  if (direction === 'next') return indexes[low % indexes.length]!;
  const before = indexes[low - 1] === selected ? low - 2 : low - 1;
  return indexes[(before + indexes.length) % indexes.length]!;
}
