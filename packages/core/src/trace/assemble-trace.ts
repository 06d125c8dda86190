import {
  type Nanos,
  type SpanEvent,
  type SpanId,
  type SpanInput,
  type SpanType,
  TEMPORARY_ROOT_SPAN_NAME,
  TRIGGER_SPAN_NAME,
  type Trace,
  type TraceId,
  type TraceSpan,
  ZERO_SPAN_ID,
} from './model';
import { formatRfc3339Nano } from './time';

export interface AssembleOptions {
  /** "Now" in Unix ns, used as the end of spans that have not ended (end time zero). */
  readonly nowUnixNano?: () => Nanos;
  /** Id of the temporary root created when a trace has several roots and no trigger span. */
  readonly newSpanId?: () => SpanId;
}

/** Derived attribute names (SPEC §3.3, Appendix B). */
export const DERIVED = {
  name: 'tracetest.span.name',
  type: 'tracetest.span.type',
  duration: 'tracetest.span.duration',
  startTime: 'tracetest.span.start_time',
  endTime: 'tracetest.span.end_time',
  parentId: 'tracetest.span.parent_id',
  statusCode: 'tracetest.span.status_code',
  statusDescription: 'tracetest.span.status_description',
  events: 'span.events',
} as const;

const TYPE_PREFIXES: readonly (readonly [string, SpanType])[] = [
  ['http.', 'http'],
  ['db.', 'database'],
  ['rpc.', 'rpc'],
  ['messaging.', 'messaging'],
  ['faas.', 'faas'],
  ['exception.', 'exception'],
];

/**
 * Infers `tracetest.span.type` (SPEC §3.5) with a fixed priority (Q15 recommended):
 * http > database > rpc > messaging > faas > exception > general.
 * @example inferSpanType('GET /', new Map([['http.method', 'GET']])) // 'http'
 */
export function inferSpanType(name: string, attributes: ReadonlyMap<string, string>): SpanType {
  const eventType = attributes.get('event_type');
  if ((eventType !== undefined && eventType !== '') || name === 'documentLoad') return 'general';
  let best = TYPE_PREFIXES.length;
  for (const key of attributes.keys()) {
    for (let p = 0; p < best; p++) {
      if (key.startsWith(TYPE_PREFIXES[p]![0])) {
        best = p;
        break;
      }
    }
    if (best === 0) break;
  }
  return best < TYPE_PREFIXES.length ? TYPE_PREFIXES[best]![1] : 'general';
}

/** `span.events` JSON text (SPEC §3.3). */
export function formatSpanEvents(events: readonly SpanEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      name: e.name,
      timestamp: formatRfc3339Nano(e.timeUnixNano),
      attributes: Object.fromEntries(e.attributes),
    })),
  );
}

function randomSpanId(): SpanId {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  bytes[0] = bytes[0]! | 1; // never all zero
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out as SpanId;
}

function pushChild(childMap: Map<SpanId, SpanInput[]>, parent: SpanId, child: SpanInput): void {
  const list = childMap.get(parent);
  if (list) list.push(child);
  else childMap.set(parent, [child]);
}

function compareSiblings(a: SpanInput, b: SpanInput): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  if (a.endTimeUnixNano !== b.endTimeUnixNano) return a.endTimeUnixNano < b.endTimeUnixNano ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Builds a `TraceSpan` from an input span and the parent chosen by assembly, computing the derived
 * `tracetest.*` attributes (they override ingested attributes of the same name).
 */
export function deriveTraceSpan(
  input: SpanInput,
  parentId: SpanId | null,
  nowUnixNano: () => Nanos,
): TraceSpan {
  const end = input.endTimeUnixNano === 0n ? nowUnixNano() : input.endTimeUnixNano;
  const type = inferSpanType(input.name, input.attributes);
  const attributes = new Map(input.attributes);
  const events = input.events ?? [];
  attributes.set(DERIVED.name, input.name);
  attributes.set(DERIVED.type, type);
  attributes.set(DERIVED.duration, String(end - input.startTimeUnixNano));
  attributes.set(DERIVED.startTime, String(input.startTimeUnixNano));
  attributes.set(DERIVED.endTime, String(end));
  attributes.set(DERIVED.parentId, parentId ?? ZERO_SPAN_ID);
  if (input.status) {
    attributes.set(DERIVED.statusCode, input.status.code);
    if (input.status.message !== '') attributes.set(DERIVED.statusDescription, input.status.message);
  }
  attributes.set(DERIVED.events, formatSpanEvents(events));
  const span: TraceSpan = {
    id: input.id,
    parentId,
    name: input.name,
    kind: input.kind,
    type,
    startTimeUnixNano: input.startTimeUnixNano,
    endTimeUnixNano: end,
    attributes,
    events,
    links: input.links ?? [],
    status: input.status ?? null,
    ...(input.record ? { record: input.record } : {}),
  };
  return span;
}

/**
 * Assembles spans into a tree (SPEC §3.6): drops temporary roots, picks the root (a single orphan,
 * else the trigger span, else a new temporary root adopting every orphan), orders children by start
 * time, end time, then span id, and lists spans in pre-order. Runs in O(n log n), without recursion,
 * so a chain of 100k spans is fine. A span id seen twice keeps its last version.
 */
export function assembleTrace(
  traceId: TraceId,
  inputs: Iterable<SpanInput>,
  options: AssembleOptions = {},
): Trace {
  const now = options.nowUnixNano ?? (() => BigInt(Date.now()) * 1_000_000n);
  const byId = new Map<SpanId, SpanInput>();
  for (const span of inputs) {
    if (span.name === TEMPORARY_ROOT_SPAN_NAME) continue;
    byId.set(span.id, span);
  }
  const spans = [...byId.values()];
  if (spans.length === 0) {
    return {
      traceId,
      spans: [],
      parentIndex: new Int32Array(0),
      subtreeEnd: new Int32Array(0),
      children: [],
      indexById: new Map(),
    };
  }

  // Effective parent of every span; orphans are collected.
  const parentOf = new Map<SpanId, SpanId | null>();
  const orphans: SpanInput[] = [];
  for (const span of spans) {
    const p = span.parentId;
    if (p !== null && p !== span.id && byId.has(p)) parentOf.set(span.id, p);
    else {
      parentOf.set(span.id, null);
      orphans.push(span);
    }
  }

  // Spans caught in a parent cycle are reachable from no root: they become orphans too.
  const reachable = new Set<SpanId>();
  const childMap = new Map<SpanId, SpanInput[]>();
  for (const span of spans) {
    const p = parentOf.get(span.id);
    if (p) {
      pushChild(childMap, p, span);
    }
  }
  const markReachable = (start: SpanInput) => {
    const stack = [start];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (reachable.has(s.id)) continue;
      reachable.add(s.id);
      for (const c of childMap.get(s.id) ?? []) stack.push(c);
    }
  };
  for (const o of orphans) markReachable(o);
  if (reachable.size < spans.length) {
    for (const span of spans) {
      if (reachable.has(span.id)) continue;
      // Break the cycle at this span.
      const p = parentOf.get(span.id)!;
      const siblings = childMap.get(p!)!;
      siblings.splice(siblings.indexOf(span), 1);
      parentOf.set(span.id, null);
      orphans.push(span);
      markReachable(span);
    }
  }

  let root: SpanInput;
  if (orphans.length === 1) {
    root = orphans[0]!;
  } else {
    const trigger = orphans.find((s) => s.name === TRIGGER_SPAN_NAME);
    if (trigger) root = trigger;
    else {
      let start = orphans[0]!.startTimeUnixNano;
      let end = orphans[0]!.endTimeUnixNano;
      for (const o of orphans) {
        if (o.startTimeUnixNano < start) start = o.startTimeUnixNano;
        if (o.endTimeUnixNano > end) end = o.endTimeUnixNano;
      }
      root = {
        id: (options.newSpanId ?? randomSpanId)(),
        parentId: null,
        name: TEMPORARY_ROOT_SPAN_NAME,
        kind: 'internal',
        startTimeUnixNano: start,
        endTimeUnixNano: end,
        attributes: new Map(),
      };
    }
    for (const o of orphans) {
      if (o === root) continue;
      parentOf.set(o.id, root.id);
      pushChild(childMap, root.id, o);
    }
  }
  for (const list of childMap.values()) list.sort(compareSiblings);

  // Iterative pre-order.
  const order: SpanInput[] = [];
  const stack: SpanInput[] = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    order.push(s);
    const kids = childMap.get(s.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }

  const n = order.length;
  const indexById = new Map<SpanId, number>();
  for (let i = 0; i < order.length; i++) indexById.set(order[i]!.id, i);
  const parentIndex = new Int32Array(n);
  const subtreeEnd = new Int32Array(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  const traceSpans: TraceSpan[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    const p = s === root ? null : (parentOf.get(s.id) ?? null);
    const pi = p === null ? -1 : indexById.get(p)!;
    parentIndex[i] = pi;
    if (pi >= 0) children[pi]!.push(i);
    traceSpans[i] = deriveTraceSpan(s, p, now);
  }
  for (let i = n - 1; i >= 0; i--) {
    const kids = children[i]!;
    subtreeEnd[i] = kids.length === 0 ? i + 1 : subtreeEnd[kids[kids.length - 1]!]!;
  }
  return { traceId, spans: traceSpans, parentIndex, subtreeEnd, children, indexById };
}
