import { assembleTrace } from '../trace/assemble-trace';
import type { SpanEvent, SpanId, SpanInput, SpanKind, SpanStatus, Trace, TraceId } from '../trace/model';

/** Base time of fixtures: an arbitrary epoch, in Unix ns. */
export const T0_NS = 1_700_000_000_000_000_000n;

/** `n` written as 16 hex digits, as SPEC §12 writes span ids. */
export function spanIdOf(n: number): SpanId {
  return n.toString(16).padStart(16, '0') as SpanId;
}

export const FIXTURE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c' as TraceId;

/** One row of a fixture table, times in milliseconds after `T0_NS` (fractions allowed). */
export interface FixtureSpan {
  readonly id: number;
  readonly parent?: number | string | null;
  readonly name: string;
  readonly kind?: SpanKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly events?: readonly SpanEvent[];
  readonly status?: SpanStatus;
}

/** Milliseconds (possibly fractional, to the nanosecond) after T0 as Unix ns. */
export function msAfterT0(ms: number): bigint {
  return T0_NS + BigInt(Math.round(ms * 1_000_000));
}

/** Turns a fixture row into an assembly input. A string parent is a raw (possibly absent) span id. */
export function fixtureSpanInput(row: FixtureSpan): SpanInput {
  const parent =
    row.parent === undefined || row.parent === null
      ? null
      : typeof row.parent === 'string'
        ? (row.parent as SpanId)
        : spanIdOf(row.parent);
  return {
    id: spanIdOf(row.id),
    parentId: parent,
    name: row.name,
    kind: row.kind ?? 'internal',
    startTimeUnixNano: msAfterT0(row.startMs),
    endTimeUnixNano: msAfterT0(row.endMs),
    attributes: new Map(Object.entries(row.attributes ?? {})),
    events: row.events ?? [],
    status: row.status ?? null,
  };
}

/** Assembles a fixture table into a trace (temporary roots get id `ffffffffffffffff`). */
export function buildTrace(rows: readonly FixtureSpan[], traceId: TraceId = FIXTURE_TRACE_ID): Trace {
  return assembleTrace(traceId, rows.map(fixtureSpanInput), {
    nowUnixNano: () => msAfterT0(10_000),
    newSpanId: () => 'ffffffffffffffff' as SpanId,
  });
}
