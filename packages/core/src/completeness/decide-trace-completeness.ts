import { tryParseSelector } from '../selector/parse-selector';
import { selectSpans } from '../selector/select-spans';
import { assembleTrace } from '../trace/assemble-trace';
import { insertTriggerRoot, type TriggerRootInput } from '../trace/insert-trigger-root';
import type { SpanInput, TraceId } from '../trace/model';

/** What the collector knows about a run's trace at one moment. Times are Unix milliseconds. */
export interface TraceCompletenessInput {
  readonly traceId: TraceId;
  /** Every span collected so far, with its parent id as received (each span id once). */
  readonly spans: readonly SpanInput[];
  /**
   * The run's trigger: its span is the parent of the system's root span but is never collected (it
   * exists only in Tracecheck), so selectors are matched on the trace with this root inserted and a
   * span whose parent is the trigger span is not waiting for anything.
   */
  readonly trigger: TriggerRootInput;
  /** Selector texts every one of which must match a span (the test's specs and outputs). */
  readonly selectors: readonly string[];
  /** When the last span that was new to the collector arrived; `null` when none arrived. */
  readonly lastSpanAtMs: number | null;
  readonly nowMs: number;
  /** How long no new span may arrive before a trace that meets the other conditions is complete. */
  readonly settleMs: number;
  /**
   * How long after the last arrival a span still waits for a missing parent. A parent usually comes in
   * a later export (batching exporters send every few seconds), but some never come: a proxy that
   * traces without exporting to this backend sits between the trigger and the service. Past this
   * window the trace completes without them.
   */
  readonly missingParentGraceMs: number;
  /** When the polling profile's timeout ends the wait, whatever arrived. */
  readonly deadlineMs: number;
}

interface CompletenessFacts {
  /** A sentence for the run's events: why the trace is (not yet) complete. */
  readonly reason: string;
  /** Selectors that match no span, in input order (each once). */
  readonly unmatchedSelectors: readonly string[];
  /** Spans whose parent id names a span that has not arrived (and is not the trigger span). */
  readonly missingParents: number;
  readonly spanCount: number;
}

/**
 * The collector's decision. `settled`: every selector matches, no span waits for its parent (or the
 * grace for missing parents passed) and the settle window saw nothing new. `deadline`: the timeout passed first (with `spanCount` 0 the run has
 * no trace at all). Not complete: decide again after `recheckInMs`, or sooner when a span arrives.
 */
export type TraceCompleteness =
  | (CompletenessFacts & { readonly complete: true; readonly cause: 'settled' | 'deadline' })
  | (CompletenessFacts & { readonly complete: false; readonly recheckInMs: number });

/**
 * Decides whether a run's trace is complete (SPEC "Tracecheck decisions" 6, ARCHITECTURE "A run, end
 * to end" step 3). Cheap while spans keep arriving: the trace is assembled and the selectors matched
 * only once the settle window has passed. An unparseable selector counts as matched (evaluation
 * reports its syntax error; waiting cannot fix it).
 * @example
 * decideTraceCompleteness({ traceId, spans, trigger, selectors: ['span[name="GET /"]'],
 *   lastSpanAtMs: 1000, nowMs: 1400, settleMs: 300, missingParentGraceMs: 5000, deadlineMs: 60_000 })
 * // { complete: true, cause: 'settled', … }
 */
export function decideTraceCompleteness(input: TraceCompletenessInput): TraceCompleteness {
  const spanCount = input.spans.length;
  const untilDeadlineMs = input.deadlineMs - input.nowMs;
  const deadlinePassed = untilDeadlineMs <= 0;

  if (!deadlinePassed) {
    if (input.lastSpanAtMs === null || spanCount === 0) {
      return {
        complete: false,
        recheckInMs: untilDeadlineMs,
        reason: 'no span of the trace has arrived yet',
        unmatchedSelectors: [],
        missingParents: 0,
        spanCount,
      };
    }
    const quietMs = input.nowMs - input.lastSpanAtMs;
    if (quietMs < input.settleMs) {
      return {
        complete: false,
        recheckInMs: Math.min(input.settleMs - quietMs, untilDeadlineMs),
        reason: `spans are still arriving: the last one came ${formatMs(quietMs)} ago, the settle window is ${formatMs(input.settleMs)}`,
        unmatchedSelectors: [],
        missingParents: 0,
        spanCount,
      };
    }
  }

  const missingParents = countMissingParents(input.spans, input.trigger.spanId);
  const unmatchedSelectors = findUnmatchedSelectors(input);
  const facts = { unmatchedSelectors, missingParents, spanCount };

  if (deadlinePassed) {
    return { complete: true, cause: 'deadline', reason: describeDeadline(facts), ...facts };
  }
  if (unmatchedSelectors.length > 0) {
    return {
      complete: false,
      // Only a new span can change this; the deadline ends the wait otherwise.
      recheckInMs: untilDeadlineMs,
      reason: describeWaiting(facts),
      ...facts,
    };
  }
  const quietMs = input.nowMs - (input.lastSpanAtMs ?? input.nowMs);
  if (missingParents > 0 && quietMs < input.missingParentGraceMs) {
    return {
      complete: false,
      recheckInMs: Math.min(input.missingParentGraceMs - quietMs, untilDeadlineMs),
      reason: describeWaiting(facts),
      ...facts,
    };
  }
  const parents =
    missingParents === 0
      ? 'no span waits for its parent'
      : `${missingParents} ${plural(missingParents, 'span')} never got ${missingParents === 1 ? 'its parent' : 'their parents'} within ${formatMs(input.missingParentGraceMs)} (a proxy that does not export its spans?)`;
  return {
    complete: true,
    cause: 'settled',
    reason: `${spanCount} ${plural(spanCount, 'span')} arrived, every selector matches, ${parents} and nothing new came for ${formatMs(input.settleMs)}`,
    ...facts,
  };
}

function countMissingParents(spans: readonly SpanInput[], triggerSpanId: string): number {
  const ids = new Set<string>();
  for (const span of spans) ids.add(span.id);
  let missing = 0;
  for (const span of spans) {
    const parent = span.parentId;
    if (parent !== null && parent !== triggerSpanId && !ids.has(parent)) missing++;
  }
  return missing;
}

function findUnmatchedSelectors(input: TraceCompletenessInput): string[] {
  const selectors = [...new Set(input.selectors)];
  if (selectors.length === 0) return [];
  const trace = insertTriggerRoot(
    assembleTrace(input.traceId, input.spans, { nowUnixNano: () => BigInt(input.nowMs) * 1_000_000n }),
    input.trigger,
  );
  const unmatched: string[] = [];
  for (const text of selectors) {
    const parsed = tryParseSelector(text);
    if (parsed.ok && selectSpans(trace, parsed.selector).length === 0) unmatched.push(text);
  }
  return unmatched;
}

function describeWaiting(facts: Omit<CompletenessFacts, 'reason'>): string {
  const waits: string[] = [];
  if (facts.unmatchedSelectors.length > 0) {
    waits.push(
      `${describeSelectors(facts.unmatchedSelectors)} ${facts.unmatchedSelectors.length === 1 ? 'matches' : 'match'} no span yet`,
    );
  }
  if (facts.missingParents > 0) {
    waits.push(
      `${facts.missingParents} ${plural(facts.missingParents, 'span')} ${facts.missingParents === 1 ? 'waits' : 'wait'} for a parent that has not arrived`,
    );
  }
  return `waiting: ${waits.join('; ')}`;
}

function describeDeadline(facts: Omit<CompletenessFacts, 'reason'>): string {
  if (facts.spanCount === 0) return 'the polling timeout passed and no span of the trace arrived';
  const gaps: string[] = [];
  if (facts.unmatchedSelectors.length > 0) {
    gaps.push(`${describeSelectors(facts.unmatchedSelectors)} never matched a span`);
  }
  if (facts.missingParents > 0) {
    gaps.push(
      `${facts.missingParents} ${plural(facts.missingParents, 'span')} never got ${facts.missingParents === 1 ? 'its parent' : 'their parents'}`,
    );
  }
  const head = `the polling timeout passed with ${facts.spanCount} ${plural(facts.spanCount, 'span')}; the run is evaluated with what arrived`;
  return gaps.length === 0 ? head : `${head}: ${gaps.join('; ')}`;
}

function describeSelectors(selectors: readonly string[]): string {
  const quoted = selectors.map((s) => (s === '' ? '"" (every span)' : JSON.stringify(s))).join(', ');
  return `${selectors.length === 1 ? 'selector' : 'selectors'} ${quoted}`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
