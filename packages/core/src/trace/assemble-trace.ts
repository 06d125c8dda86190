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
  /**
   * Hands the inputs' attribute maps over to the trace: each must be a `Map` made for this call
   * alone, which assembly then completes with the derived attributes in place instead of copying it.
   * For callers that build the inputs themselves (`traceFromRecords`); leave it unset for inputs
   * kept or shared elsewhere, whose maps would otherwise change.
   */
  readonly adoptAttributes?: boolean;
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

// The prefixes start with distinct characters: a key's first character names the only prefix it can
// have, so each key costs one table read, and one `startsWith` at most.
const PREFIX_BY_FIRST_CHAR = new Int8Array(128).fill(-1);
for (let p = 0; p < TYPE_PREFIXES.length; p++) PREFIX_BY_FIRST_CHAR[TYPE_PREFIXES[p]![0].charCodeAt(0)] = p;

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
    const first = key.charCodeAt(0); // NaN for an empty key
    const p = first < 128 ? PREFIX_BY_FIRST_CHAR[first]! : -1;
    if (p >= 0 && p < best && key.startsWith(TYPE_PREFIXES[p]![0])) {
      best = p;
      if (best === 0) break;
    }
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

/** `span.events` of a span without events, the common case: no need to build the JSON text. */
const NO_EVENTS_TEXT = '[]';

/** Decimal text of a duration: through a `number` when that is exact (nearly always), which is faster. */
function formatNanos(ns: Nanos): string {
  return ns >= 0n && ns <= 9_007_199_254_740_991n ? String(Number(ns)) : String(ns);
}

/**
 * Sets the derived attributes (SPEC §3.3), in their order, on `attributes`. With `provisional` set,
 * some are only placeholders, to be set again once the span is known to be kept and its place in the
 * tree is known (setting an existing key keeps its place in the map): the duration and end time of
 * an unfinished span (`end` is `null`: its end is "now" when the trace is built), and the events
 * text of a span with events (so a span dropped as a duplicate never has its events formatted).
 */
function setDerivedAttributes(
  attributes: Map<string, string>,
  input: SpanInput,
  type: SpanType,
  end: Nanos | null,
  parentId: SpanId | null,
  provisional: boolean,
): void {
  const start = input.startTimeUnixNano;
  attributes.set(DERIVED.name, input.name);
  attributes.set(DERIVED.type, type);
  attributes.set(DERIVED.duration, end === null ? '' : formatNanos(end - start));
  attributes.set(DERIVED.startTime, String(start));
  attributes.set(DERIVED.endTime, end === null ? '' : String(end));
  attributes.set(DERIVED.parentId, parentId ?? ZERO_SPAN_ID);
  const status = input.status;
  if (status) {
    attributes.set(DERIVED.statusCode, status.code);
    if (status.message !== '') attributes.set(DERIVED.statusDescription, status.message);
  }
  const events = input.events;
  attributes.set(
    DERIVED.events,
    events === undefined || events.length === 0
      ? NO_EVENTS_TEXT
      : provisional
        ? ''
        : formatSpanEvents(events),
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function newTraceSpan(
  input: SpanInput,
  parentId: SpanId | null,
  type: SpanType,
  end: Nanos,
  attributes: ReadonlyMap<string, string>,
): TraceSpan {
  const { id, name, kind, startTimeUnixNano, record } = input;
  const resource = input.resource ?? record?.resource;
  const events = input.events ?? [];
  const links = input.links ?? [];
  const status = input.status ?? null;
  const endTimeUnixNano = end;
  // `resource` and `record` stay absent (not `undefined`) when there is none.
  const span: Mutable<TraceSpan> = {
    id,
    parentId,
    name,
    kind,
    type,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status,
  };
  if (resource !== undefined) span.resource = resource;
  if (record !== undefined) span.record = record;
  return span;
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
  setDerivedAttributes(attributes, input, type, end, parentId, false);
  return newTraceSpan(input, parentId, type, end, attributes);
}

/**
 * The spans by position (the first appearance of their id), each with its attribute map already
 * completed with the derived attributes and its type.
 */
interface IndexedSpans {
  readonly spans: SpanInput[];
  readonly attributes: Map<string, string>[];
  readonly types: SpanType[];
  readonly posById: Map<SpanId, number>;
}

/**
 * Drops temporary roots and duplicate ids (a span id seen twice keeps its last version, at the place
 * of its first) and derives each span's attributes. They are derived here, while the span is
 * fresh, rather than once the tree is known: building all of a large trace's maps first and
 * completing them later is markedly slower (the maps have left the young generation by then). The
 * placeholders (`setDerivedAttributes`) and the parent id, which depends on the tree, are set again
 * by `buildTrace`.
 */
function indexSpans(inputs: Iterable<SpanInput>, adoptAttributes: boolean): IndexedSpans {
  const posById = new Map<SpanId, number>();
  const spans: SpanInput[] = [];
  const attributes: Map<string, string>[] = [];
  const types: SpanType[] = [];
  for (const span of inputs) {
    if (span.name === TEMPORARY_ROOT_SPAN_NAME) continue;
    const type = inferSpanType(span.name, span.attributes);
    const map = adoptAttributes ? (span.attributes as Map<string, string>) : new Map(span.attributes);
    const end = span.endTimeUnixNano;
    setDerivedAttributes(map, span, type, end === 0n ? null : end, span.parentId, true);
    let pos = posById.get(span.id);
    if (pos === undefined) {
      pos = spans.length;
      posById.set(span.id, pos);
    }
    spans[pos] = span;
    attributes[pos] = map;
    types[pos] = type;
  }
  return { spans, attributes, types, posById };
}

/**
 * Fills `parentPos` with the position of each span's parent and returns the orphans (parent absent
 * from the trace, or the span itself), in position order.
 */
function findParents(
  spans: readonly SpanInput[],
  posById: ReadonlyMap<SpanId, number>,
  parentPos: Int32Array,
): number[] {
  const orphans: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const parentId = span.parentId;
    const p = parentId === null || parentId === span.id ? undefined : posById.get(parentId);
    if (p === undefined) {
      parentPos[i] = -1;
      orphans.push(i);
    } else parentPos[i] = p;
  }
  return orphans;
}

/** Child lists in one array (compressed sparse rows): the children of `p` are `list[start[p] … start[p + 1] - 1]`. */
interface ChildLists {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/**
 * Groups the positions `0 … count - 1` by parent position (`-1`: none) with a counting pass, so each
 * child list keeps its positions in increasing order.
 */
function groupChildren(parentPos: Int32Array, count: number): ChildLists {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const p = parentPos[i]!;
    if (p >= 0) start[p + 1]!++;
  }
  for (let p = 0; p < count; p++) start[p + 1]! += start[p]!;
  const list = new Int32Array(start[count]!);
  const fill = start.slice(0, count);
  for (let i = 0; i < count; i++) {
    const p = parentPos[i]!;
    if (p >= 0) list[fill[p]!++] = i;
  }
  return { start, list };
}

/**
 * Spans caught in a parent cycle are reachable from no orphan. Each is cut from its parent in position
 * order and becomes an orphan (appended to `orphans`), which makes what hangs under it reachable.
 */
function breakCycles(parentPos: Int32Array, count: number, orphans: number[]): void {
  const { start, list } = groupChildren(parentPos, count);
  const reached = new Uint8Array(count);
  const stack = new Int32Array(count);
  let reachedCount = 0;
  const markReachable = (from: number): void => {
    let top = 0;
    stack[top++] = from;
    while (top > 0) {
      const s = stack[--top]!;
      if (reached[s] === 1) continue;
      reached[s] = 1;
      reachedCount++;
      for (let k = start[s]!; k < start[s + 1]!; k++) {
        const c = list[k]!;
        if (parentPos[c] === s) stack[top++] = c; // not a span cut from its cycle meanwhile
      }
    }
  };
  for (const o of orphans) markReachable(o);
  for (let i = 0; i < count && reachedCount < count; i++) {
    if (reached[i] === 1) continue;
    parentPos[i] = -1;
    orphans.push(i);
    markReachable(i);
  }
}

/** A new root spanning every orphan, for a trace with several orphans and no trigger span. */
function createTemporaryRoot(spans: readonly SpanInput[], orphans: readonly number[], id: SpanId): SpanInput {
  let start = spans[orphans[0]!]!.startTimeUnixNano;
  let end = spans[orphans[0]!]!.endTimeUnixNano;
  for (const o of orphans) {
    const span = spans[o]!;
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return {
    id,
    parentId: null,
    name: TEMPORARY_ROOT_SPAN_NAME,
    kind: 'internal',
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: new Map(),
  };
}

function compareSiblings(a: SpanInput, b: SpanInput): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  if (a.endTimeUnixNano !== b.endTimeUnixNano) return a.endTimeUnixNano < b.endTimeUnixNano ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Lists longer than this are sorted with the engine's sort; shorter ones by insertion. */
const INSERTION_SORT_MAX = 16;

/**
 * Sorts every child list into child order. Span ids are unique, so the order is total and any sort
 * gives the same result. Most child lists are short, and many are already in order (SDKs often
 * export children as they start): those cost one comparison per child.
 */
function sortChildren(children: ChildLists, spans: readonly SpanInput[]): void {
  const { start, list } = children;
  for (let p = 0; p + 1 < start.length; p++) {
    const from = start[p]!;
    const to = start[p + 1]!;
    let k = from + 1;
    while (k < to && compareSiblings(spans[list[k - 1]!]!, spans[list[k]!]!) < 0) k++;
    if (k >= to) continue;
    if (to - from > INSERTION_SORT_MAX) {
      list.subarray(from, to).sort((a, b) => compareSiblings(spans[a]!, spans[b]!));
      continue;
    }
    for (; k < to; k++) {
      const pos = list[k]!;
      const span = spans[pos]!;
      let j = k - 1;
      while (j >= from && compareSiblings(spans[list[j]!]!, span) > 0) {
        list[j + 1] = list[j]!;
        j--;
      }
      list[j + 1] = pos;
    }
  }
}

/** Positions in tree order (iterative pre-order from `root`, children in list order). */
function orderPreorder(children: ChildLists, root: number): Int32Array {
  const { start, list } = children;
  const order = new Int32Array(start.length - 1);
  const stack = new Int32Array(start.length - 1);
  let top = 0;
  let next = 0;
  stack[top++] = root;
  while (top > 0) {
    const s = stack[--top]!;
    order[next++] = s;
    for (let k = start[s + 1]! - 1; k >= start[s]!; k--) stack[top++] = list[k]!;
  }
  return order;
}

/**
 * Assembles spans into a tree (SPEC §3.6): drops temporary roots, picks the root (a single orphan,
 * else the trigger span, else a new temporary root adopting every orphan), orders children by start
 * time, end time, then span id, and lists spans in pre-order. Runs in O(n log n), without recursion,
 * so a chain of 100k spans is fine. A span id seen twice keeps its last version, at the place of its
 * first.
 */
export function assembleTrace(
  traceId: TraceId,
  inputs: Iterable<SpanInput>,
  options: AssembleOptions = {},
): Trace {
  // Each span gets a position; the work below is on positions, in typed arrays, rather than on maps
  // keyed by span id.
  const indexed = indexSpans(inputs, options.adoptAttributes === true);
  const spans = indexed.spans;
  const n = spans.length;
  if (n === 0) {
    return {
      traceId,
      spans: [],
      parentIndex: new Int32Array(0),
      subtreeEnd: new Int32Array(0),
      children: [],
      indexById: new Map(),
    };
  }
  // One more slot than spans, for a temporary root should one be needed.
  const parentPos = new Int32Array(n + 1).fill(-1);
  const orphans = findParents(spans, indexed.posById, parentPos);
  breakCycles(parentPos, n, orphans);

  let rootPos = orphans[0]!;
  if (orphans.length > 1) {
    const trigger = orphans.find((o) => spans[o]!.name === TRIGGER_SPAN_NAME);
    if (trigger !== undefined) rootPos = trigger;
    else {
      rootPos = n;
      spans.push(createTemporaryRoot(spans, orphans, (options.newSpanId ?? randomSpanId)()));
    }
    for (const o of orphans) if (o !== rootPos) parentPos[o] = rootPos;
  }
  const children = groupChildren(parentPos, spans.length);
  sortChildren(children, spans);
  const order = orderPreorder(children, rootPos);
  const now = options.nowUnixNano ?? (() => BigInt(Date.now()) * 1_000_000n);
  return buildTrace(traceId, indexed, parentPos, children, order, now);
}

/**
 * The `Trace` of spans laid out by position: `order` lists the positions in tree order, a position
 * past the indexed spans is a temporary root. Sets the derived attributes that depend on the tree
 * again (setting an existing key keeps its place in the map), calling `now` for unfinished spans in
 * tree order.
 */
function buildTrace(
  traceId: TraceId,
  indexed: IndexedSpans,
  parentPos: Int32Array,
  childLists: ChildLists,
  order: Int32Array,
  now: () => Nanos,
): Trace {
  const { spans, attributes, types } = indexed;
  const count = order.length;
  const { start, list } = childLists;
  const indexOfPos = new Int32Array(count);
  for (let i = 0; i < count; i++) indexOfPos[order[i]!] = i;
  const indexById = new Map<SpanId, number>();
  const parentIndex = new Int32Array(count);
  const subtreeEnd = new Int32Array(count);
  const children: number[][] = new Array(count);
  const traceSpans: TraceSpan[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const pos = order[i]!;
    const span = spans[pos]!;
    indexById.set(span.id, i);
    const p = parentPos[pos]!;
    parentIndex[i] = p < 0 ? -1 : indexOfPos[p]!;
    const from = start[pos]!;
    const kids: number[] = new Array(start[pos + 1]! - from);
    for (let k = 0; k < kids.length; k++) kids[k] = indexOfPos[list[from + k]!]!;
    children[i] = kids;
    const parentId = p < 0 ? null : spans[p]!.id;
    const map = attributes[pos];
    if (map === undefined) {
      traceSpans[i] = deriveTraceSpan(span, parentId, now); // the temporary root
      continue;
    }
    if (parentId !== span.parentId) map.set(DERIVED.parentId, parentId ?? ZERO_SPAN_ID);
    let end = span.endTimeUnixNano;
    if (end === 0n) {
      end = now();
      map.set(DERIVED.duration, formatNanos(end - span.startTimeUnixNano));
      map.set(DERIVED.endTime, String(end));
    }
    const events = span.events;
    if (events !== undefined && events.length > 0) map.set(DERIVED.events, formatSpanEvents(events));
    traceSpans[i] = newTraceSpan(span, parentId, types[pos]!, end, map);
  }
  // Children come after their parent in tree order: a backward pass sees each subtree's end first.
  for (let i = count - 1; i >= 0; i--) {
    const kids = children[i]!;
    subtreeEnd[i] = kids.length === 0 ? i + 1 : subtreeEnd[kids[kids.length - 1]!]!;
  }
  return { traceId, spans: traceSpans, parentIndex, subtreeEnd, children, indexById };
}
