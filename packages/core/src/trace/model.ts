/**
 * The trace model shared by every part of Tracecheck.
 *
 * Two layers:
 * - `SpanRecord`: a span as received (OTLP), with typed attribute values, its resource and scope.
 * - `Trace` / `TraceSpan`: an assembled trace, spans in tree order with flattened string attributes
 *   (SPEC §3.2) and the derived `tracetest.*` attributes (SPEC §3.3). Selectors and expressions run
 *   on this layer.
 *
 * Times are Unix nanoseconds as `bigint`: never a JavaScript `number`, which is exact only below 2^53.
 */

/** 32 lowercase hex characters (16 bytes). */
export type TraceId = string & { readonly __brand: 'TraceId' };
/** 16 lowercase hex characters (8 bytes). */
export type SpanId = string & { readonly __brand: 'SpanId' };
/** Unix time or a duration in nanoseconds. */
export type Nanos = bigint;

export const ZERO_SPAN_ID = '0000000000000000' as SpanId;
export const ZERO_TRACE_ID = '00000000000000000000000000000000' as TraceId;

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;

export function isTraceId(text: string): text is TraceId {
  return TRACE_ID_RE.test(text) && text !== ZERO_TRACE_ID;
}

export function isSpanId(text: string): text is SpanId {
  return SPAN_ID_RE.test(text) && text !== ZERO_SPAN_ID;
}

/**
 * Normalises a trace id written in hex (any case) to a `TraceId`.
 * @example parseTraceId('4BF92F3577B34DA6A3CE929D0E0E4736') // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function parseTraceId(text: string): TraceId {
  const lower = text.trim().toLowerCase();
  if (!isTraceId(lower)) {
    throw new TypeError(
      `invalid trace id "${text}": expected 32 hexadecimal characters (16 bytes), not all zero`,
    );
  }
  return lower;
}

/** Normalises a span id written in hex (any case) to a `SpanId`. */
export function parseSpanId(text: string): SpanId {
  const lower = text.trim().toLowerCase();
  if (!isSpanId(lower)) {
    throw new TypeError(
      `invalid span id "${text}": expected 16 hexadecimal characters (8 bytes), not all zero`,
    );
  }
  return lower;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of a byte array. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i]!];
  return out;
}

/** Span kinds as Tracetest names them (`unespecified` is Tracetest's spelling, kept on purpose). */
export type SpanKind = 'unespecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** Maps the OTLP `SpanKind` enum number to its name. */
export const SPAN_KINDS: readonly SpanKind[] = [
  'unespecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export type StatusCode = 'STATUS_CODE_UNSET' | 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR';

/** Maps the OTLP `Status.StatusCode` enum number to its name. */
export const STATUS_CODES: readonly StatusCode[] = [
  'STATUS_CODE_UNSET',
  'STATUS_CODE_OK',
  'STATUS_CODE_ERROR',
];

export interface SpanStatus {
  readonly code: StatusCode;
  readonly message: string;
}

/** An OTLP `AnyValue`, with its type kept. */
export type AnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: readonly AnyValue[] }
  | { readonly type: 'kvlist'; readonly value: readonly KeyValue[] }
  | { readonly type: 'empty' };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

export interface ResourceRecord {
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface ScopeRecord {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
  readonly schemaUrl: string;
}

export interface SpanEventRecord {
  readonly name: string;
  readonly timeUnixNano: Nanos;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

export interface SpanLinkRecord {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly traceState: string;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
}

/** A span as received over OTLP: nothing lost, nothing derived. */
export interface SpanRecord {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  /** `null` for a root span (absent or all-zero parent id). */
  readonly parentSpanId: SpanId | null;
  readonly traceState: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNano: Nanos;
  readonly endTimeUnixNano: Nanos;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEventRecord[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLinkRecord[];
  readonly droppedLinksCount: number;
  /** `null` when the span carried no status. */
  readonly status: SpanStatus | null;
  /** Shared by every span of the same `ResourceSpans`. */
  readonly resource: ResourceRecord;
  /** Shared by every span of the same `ScopeSpans`; `null` when absent. */
  readonly scope: ScopeRecord | null;
}

/** A span event with flattened attributes. */
export interface SpanEvent {
  readonly name: string;
  readonly timeUnixNano: Nanos;
  readonly attributes: ReadonlyMap<string, string>;
}

export interface SpanLink {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly attributes: ReadonlyMap<string, string>;
}

/** Input of `assembleTrace`: a span with flattened string attributes (SPEC §3.2). */
export interface SpanInput {
  readonly id: SpanId;
  readonly parentId: SpanId | null;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNano: Nanos;
  readonly endTimeUnixNano: Nanos;
  readonly attributes: ReadonlyMap<string, string>;
  readonly events?: readonly SpanEvent[];
  readonly links?: readonly SpanLink[];
  readonly status?: SpanStatus | null;
  /** The span's resource, when the span came from OTLP: shared by every span of that resource. */
  readonly resource?: ResourceRecord;
  /** The original record, when the span came from OTLP and its caller asked to keep it. */
  readonly record?: SpanRecord;
}

/** The type inferred for a span (SPEC §3.5). */
export type SpanType = 'http' | 'database' | 'rpc' | 'messaging' | 'faas' | 'exception' | 'general';

/** A span of an assembled trace. `attributes` includes the derived `tracetest.*` attributes. */
export interface TraceSpan {
  readonly id: SpanId;
  /** The parent in the assembled tree; `null` for the root. */
  readonly parentId: SpanId | null;
  readonly name: string;
  readonly kind: SpanKind;
  readonly type: SpanType;
  readonly startTimeUnixNano: Nanos;
  readonly endTimeUnixNano: Nanos;
  readonly attributes: ReadonlyMap<string, string>;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly status: SpanStatus | null;
  /** The span's OTLP resource (which attributes came from it), shared by every span of that resource. */
  readonly resource?: ResourceRecord;
  /**
   * The original OTLP record, only when asked for (`traceFromRecords` with `keepRecords`): it about
   * doubles what a span costs in memory.
   */
  readonly record?: SpanRecord;
}

/**
 * An assembled trace. `spans` is in tree order (pre-order depth-first, children by start time, then
 * end time, then span id), so the subtree of `spans[i]` is exactly `spans[i] … spans[subtreeEnd[i] - 1]`.
 */
export interface Trace {
  readonly traceId: TraceId;
  readonly spans: readonly TraceSpan[];
  /** Index of each span's parent in `spans`; -1 for the root. */
  readonly parentIndex: Int32Array;
  /** Exclusive end of each span's subtree in `spans`. */
  readonly subtreeEnd: Int32Array;
  /** Indexes of each span's children, in child order. */
  readonly children: readonly (readonly number[])[];
  readonly indexById: ReadonlyMap<SpanId, number>;
}

/** Well-known span names (SPEC §3.4, §3.6). */
export const TRIGGER_SPAN_NAME = 'Tracetest trigger';
export const TEMPORARY_ROOT_SPAN_NAME = 'Temporary Tracetest root span';
