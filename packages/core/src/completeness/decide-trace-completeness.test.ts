import { describe, expect, it } from 'vitest';
import { FIXTURE_TRACE_ID, type FixtureSpan, fixtureSpanInput, msAfterT0, spanIdOf } from '../testing/index';
import { decideTraceCompleteness, type TraceCompletenessInput } from './index';

/** The trigger span is span 1; the system's root (span 2) names it as parent. */
const TRIGGER = { spanId: spanIdOf(1), startTimeUnixNano: msAfterT0(0), endTimeUnixNano: msAfterT0(50) };

const SERVER: FixtureSpan = {
  id: 2,
  parent: 1,
  name: 'POST /orders',
  kind: 'server',
  startMs: 1,
  endMs: 40,
  attributes: { 'http.method': 'POST' },
};
const DB: FixtureSpan = {
  id: 3,
  parent: 2,
  name: 'INSERT orders',
  kind: 'client',
  startMs: 5,
  endMs: 10,
  attributes: { 'db.system': 'postgresql' },
};
const CONSUMER: FixtureSpan = {
  id: 4,
  parent: 2,
  name: 'orders process',
  kind: 'consumer',
  startMs: 900,
  endMs: 950,
};
/** A child whose parent (span 9) never arrives. */
const ORPHAN: FixtureSpan = { id: 5, parent: 9, name: 'cache get', startMs: 6, endMs: 7 };

const SETTLE_MS = 300;
const GRACE_MS = 5000;
const DEADLINE_MS = 60_000;

function input(
  overrides: Partial<TraceCompletenessInput> & { rows?: readonly FixtureSpan[] },
): TraceCompletenessInput {
  const { rows = [], ...rest } = overrides;
  return {
    traceId: FIXTURE_TRACE_ID,
    spans: rows.map(fixtureSpanInput),
    trigger: TRIGGER,
    selectors: [],
    lastSpanAtMs: rows.length > 0 ? 1000 : null,
    nowMs: 1000,
    settleMs: SETTLE_MS,
    missingParentGraceMs: GRACE_MS,
    deadlineMs: DEADLINE_MS,
    ...rest,
  };
}

interface Case {
  readonly name: string;
  readonly input: TraceCompletenessInput;
  readonly expected:
    | { complete: true; cause: 'settled' | 'deadline'; unmatched?: string[]; missingParents?: number }
    | { complete: false; recheckInMs: number; unmatched?: string[]; missingParents?: number };
  /** Words the reason must contain. */
  readonly reason: RegExp;
}

const cases: readonly Case[] = [
  {
    name: 'nothing arrived yet: wait until the deadline',
    input: input({ nowMs: 2000 }),
    expected: { complete: false, recheckInMs: DEADLINE_MS - 2000 },
    reason: /no span of the trace has arrived yet/,
  },
  {
    name: 'spans still arriving: recheck when the settle window ends',
    input: input({ rows: [SERVER, DB], lastSpanAtMs: 1000, nowMs: 1100 }),
    expected: { complete: false, recheckInMs: 200 },
    reason: /still arriving.*100 ms ago.*300 ms/,
  },
  {
    name: 'settled, no selectors, every parent present: complete',
    input: input({ rows: [SERVER, DB], lastSpanAtMs: 1000, nowMs: 1300 }),
    expected: { complete: true, cause: 'settled', unmatched: [], missingParents: 0 },
    reason: /2 spans arrived, every selector matches/,
  },
  {
    name: 'settled and every selector matches: complete',
    input: input({
      rows: [SERVER, DB],
      nowMs: 1500,
      selectors: ['span[tracetest.span.type="database"]', 'span[name="POST /orders"]'],
    }),
    expected: { complete: true, cause: 'settled', unmatched: [] },
    reason: /every selector matches/,
  },
  {
    name: 'a selector matching only the trigger span matches during collection',
    input: input({ rows: [SERVER], nowMs: 1500, selectors: ['span[name="Tracetest trigger"]'] }),
    expected: { complete: true, cause: 'settled', unmatched: [] },
    reason: /every selector matches/,
  },
  {
    name: 'the async consumer span has not arrived: wait, recheck at the deadline',
    input: input({ rows: [SERVER, DB], nowMs: 1500, selectors: ['span[name="orders process"]'] }),
    expected: {
      complete: false,
      recheckInMs: DEADLINE_MS - 1500,
      unmatched: ['span[name="orders process"]'],
    },
    reason: /selector "span\[name=\\"orders process\\"\]" matches no span yet/,
  },
  {
    name: 'the async consumer span arrived later and the window settled again: complete',
    input: input({
      rows: [SERVER, DB, CONSUMER],
      lastSpanAtMs: 2000,
      nowMs: 2300,
      selectors: ['span[name="orders process"]'],
    }),
    expected: { complete: true, cause: 'settled', unmatched: [] },
    reason: /3 spans arrived/,
  },
  {
    name: 'a span waits for its parent: recheck when the grace for missing parents ends',
    input: input({ rows: [SERVER, ORPHAN], nowMs: 1500 }),
    expected: { complete: false, recheckInMs: GRACE_MS - 500, missingParents: 1 },
    reason: /1 span waits for a parent that has not arrived/,
  },
  {
    name: 'a parent that never comes (an unexported proxy span) holds the trace only for the grace',
    input: input({ rows: [SERVER, ORPHAN], nowMs: 1000 + GRACE_MS }),
    expected: { complete: true, cause: 'settled', missingParents: 1 },
    reason: /1 span never got its parent within 5 s \(a proxy that does not export its spans\?\)/,
  },
  {
    name: 'a selector that does not match yet waits past the grace for parents, until the deadline',
    input: input({
      rows: [SERVER, ORPHAN],
      nowMs: 1000 + GRACE_MS,
      selectors: ['span[name="orders process"]'],
    }),
    expected: { complete: false, recheckInMs: DEADLINE_MS - 1000 - GRACE_MS, missingParents: 1 },
    reason: /matches no span yet; 1 span waits for a parent/,
  },
  {
    name: 'the root whose parent is the trigger span is not missing its parent',
    input: input({ rows: [SERVER], nowMs: 1500 }),
    expected: { complete: true, cause: 'settled', missingParents: 0 },
    reason: /1 span arrived/,
  },
  {
    name: 'an unparseable selector does not hold the trace back',
    input: input({ rows: [SERVER], nowMs: 1500, selectors: ['span[name=', 'span[name="POST /orders"]'] }),
    expected: { complete: true, cause: 'settled', unmatched: [] },
    reason: /every selector matches/,
  },
  {
    name: 'the settle window never ends before the deadline: recheck at the deadline',
    input: input({ rows: [SERVER], lastSpanAtMs: 59_900, nowMs: 59_950, deadlineMs: 60_000 }),
    expected: { complete: false, recheckInMs: 50 },
    reason: /still arriving/,
  },
  {
    name: 'deadline with spans and a selector that never matched: evaluate with what arrived',
    input: input({
      rows: [SERVER, ORPHAN],
      lastSpanAtMs: 59_990,
      nowMs: 60_000,
      selectors: ['span[name="orders process"]', 'span[name="POST /orders"]'],
    }),
    expected: {
      complete: true,
      cause: 'deadline',
      unmatched: ['span[name="orders process"]'],
      missingParents: 1,
    },
    reason:
      /timeout passed with 2 spans.*"span\[name=\\"orders process\\"\]" never matched.*1 span never got its parent/,
  },
  {
    name: 'deadline and no span at all: complete with nothing (the run fails)',
    input: input({ nowMs: 60_001, selectors: ['span[name="orders process"]'] }),
    expected: { complete: true, cause: 'deadline', unmatched: ['span[name="orders process"]'] },
    reason: /no span of the trace arrived/,
  },
  {
    name: 'a selector given twice is reported once',
    input: input({ rows: [SERVER], nowMs: 60_000, selectors: ['span[name="x"]', 'span[name="x"]'] }),
    expected: { complete: true, cause: 'deadline', unmatched: ['span[name="x"]'] },
    reason: /selector "span\[name=\\"x\\"\]" never matched/,
  },
];

describe('decideTraceCompleteness', () => {
  it.each(cases)('$name', ({ input: given, expected, reason }) => {
    const decision = decideTraceCompleteness(given);
    expect(decision.complete).toBe(expected.complete);
    if (expected.complete && decision.complete) expect(decision.cause).toBe(expected.cause);
    if (!expected.complete && !decision.complete) expect(decision.recheckInMs).toBe(expected.recheckInMs);
    if (expected.unmatched) expect(decision.unmatchedSelectors).toEqual(expected.unmatched);
    if (expected.missingParents !== undefined) expect(decision.missingParents).toBe(expected.missingParents);
    expect(decision.spanCount).toBe(given.spans.length);
    expect(decision.reason).toMatch(reason);
  });

  it('counts a span without a parent (a trace-id trigger) as a root, not as waiting', () => {
    const root: FixtureSpan = { ...SERVER, parent: null };
    const decision = decideTraceCompleteness(input({ rows: [root, DB], nowMs: 1500 }));
    expect(decision).toMatchObject({ complete: true, cause: 'settled', missingParents: 0 });
  });
});
