import { describe, expect, it } from 'vitest';
import { toSpanInput } from '../otlp/to-span-input';
import { traceFromRecords } from '../otlp/trace-from-records';
import {
  buildTrace,
  createSeededRandom,
  F1,
  FIXTURE_TRACE_ID,
  fixtureSpanInput,
  randomOtlpBatch,
  type SeededRandom,
  spanIdOf,
} from '../testing/index';
import { assembleTrace, DERIVED, formatSpanEvents, inferSpanType } from './assemble-trace';
import {
  type Nanos,
  type SpanId,
  type SpanInput,
  type SpanRecord,
  TEMPORARY_ROOT_SPAN_NAME,
  TRIGGER_SPAN_NAME,
  type Trace,
  type TraceId,
  type TraceSpan,
  ZERO_SPAN_ID,
} from './model';

const ids = (t: { spans: readonly { id: string }[] }) => t.spans.map((s) => Number.parseInt(s.id, 16));

describe('assembleTrace', () => {
  it('orders F1 in tree order with derived attributes', () => {
    expect(ids(F1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(F1.spans.map((s) => s.type)).toEqual([
      'general',
      'http',
      'database',
      'http',
      'http',
      'database',
      'messaging',
      'messaging',
      'http',
      'http',
      'general',
    ]);
    expect(F1.spans.map((s) => s.attributes.get('tracetest.span.duration'))).toEqual([
      '1000000000',
      '890000000',
      '50000000',
      '220000000',
      '200000000',
      '1500000',
      '20000000',
      '300000000',
      '50000000',
      '40000000',
      '50000000',
    ]);
    expect(F1.spans[2]!.attributes.get('tracetest.span.parent_id')).toBe(spanIdOf(2));
    expect(F1.spans[0]!.attributes.get('tracetest.span.parent_id')).toBe('0000000000000000');
    expect(F1.spans[0]!.attributes.get('span.events')).toBe('[]');
    expect(Array.from(F1.subtreeEnd)).toEqual([11, 11, 3, 6, 6, 6, 11, 11, 9, 10, 11]);
  });

  it('builds a temporary root over several orphans and breaks ties by end time then id (T05)', () => {
    const t = buildTrace([
      {
        id: 2,
        parent: '00000000000000aa',
        name: 'A',
        kind: 'server',
        startMs: 10,
        endMs: 20,
        attributes: { 'http.method': 'GET' },
      },
      {
        id: 3,
        parent: '00000000000000bb',
        name: 'B',
        startMs: 5,
        endMs: 30,
        attributes: { 'db.system': 'x' },
      },
      {
        id: 4,
        parent: 2,
        name: 'C',
        kind: 'client',
        startMs: 12,
        endMs: 15,
        attributes: { 'rpc.system': 'grpc' },
      },
      {
        id: 5,
        parent: 2,
        name: 'D',
        startMs: 11,
        endMs: 13,
        attributes: { event_type: 'click', 'http.url': 'x' },
      },
      { id: 6, parent: 3, name: 'E', startMs: 6, endMs: 7, attributes: { 'faas.trigger': 'http' } },
      { id: 9, parent: 3, name: 'G', startMs: 8, endMs: 9, attributes: { 'messaging.system': 'kafka' } },
      { id: 8, parent: 3, name: 'documentLoad', startMs: 8, endMs: 9, attributes: { 'http.url': 'x' } },
      { id: 7, parent: 3, name: 'F', startMs: 8, endMs: 9, attributes: { 'exception.message': 'boom' } },
      { id: 10, parent: 3, name: 'H', startMs: 10, endMs: 10.0015 },
    ]);
    expect(t.spans[0]!.name).toBe('Temporary Tracetest root span');
    expect(ids(t).slice(1)).toEqual([3, 6, 7, 8, 9, 10, 2, 5, 4]);
    const typeOf = (n: number) => t.spans[t.indexById.get(spanIdOf(n))!]!.type;
    expect([3, 2, 4, 5, 6, 7, 8, 9, 10].map(typeOf)).toEqual([
      'database',
      'http',
      'rpc',
      'general',
      'faas',
      'exception',
      'general',
      'messaging',
      'general',
    ]);
    expect(t.spans[t.indexById.get(spanIdOf(10))!]!.attributes.get('tracetest.span.duration')).toBe('1500');
  });

  it('assembles a 100k-span chain without recursion', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: i + 1,
      parent: i === 0 ? null : i,
      name: `s${i}`,
      startMs: i,
      endMs: i + 1,
    }));
    const t = buildTrace(rows);
    expect(t.spans.length).toBe(100_000);
    expect(t.subtreeEnd[0]).toBe(100_000);
    expect(t.parentIndex[99_999]).toBe(99_998);
  });

  it('survives a parent cycle', () => {
    const t = buildTrace([
      { id: 1, name: 'root', startMs: 0, endMs: 10 },
      { id: 2, parent: 3, name: 'a', startMs: 1, endMs: 2 },
      { id: 3, parent: 2, name: 'b', startMs: 2, endMs: 3 },
    ]);
    expect(t.spans.length).toBe(4);
    expect(t.spans[0]!.name).toBe('Temporary Tracetest root span');
  });
});

/**
 * SPEC §3.6 written as plainly as possible, on maps keyed by span id and with recursion (fine for
 * the small traces below): what `assembleTrace` must produce, to the order of map entries.
 */
function referenceAssemble(
  traceId: TraceId,
  inputs: readonly SpanInput[],
  now: () => Nanos,
  newSpanId: () => SpanId,
): Trace {
  const byId = new Map<SpanId, SpanInput>();
  for (const span of inputs) if (span.name !== TEMPORARY_ROOT_SPAN_NAME) byId.set(span.id, span);
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
  const parentOf = new Map<SpanId, SpanId | null>();
  for (const s of spans) {
    const p = s.parentId;
    parentOf.set(s.id, p !== null && p !== s.id && byId.has(p) ? p : null);
  }
  const orphans = spans.filter((s) => parentOf.get(s.id) === null);
  // A span whose ancestors loop without reaching an orphan is cut from its parent, in input order.
  for (const s of spans) {
    const seen = new Set<SpanId>();
    let at: SpanId | null = s.id;
    while (at !== null && !seen.has(at)) {
      seen.add(at);
      at = parentOf.get(at)!;
    }
    if (at !== null) {
      parentOf.set(s.id, null);
      orphans.push(s);
    }
  }
  let root = orphans[0]!;
  if (orphans.length > 1) {
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
        id: newSpanId(),
        parentId: null,
        name: TEMPORARY_ROOT_SPAN_NAME,
        kind: 'internal',
        startTimeUnixNano: start,
        endTimeUnixNano: end,
        attributes: new Map(),
      };
    }
    for (const o of orphans) if (o !== root) parentOf.set(o.id, root.id);
  }
  parentOf.set(root.id, null);
  const all = root.name === TEMPORARY_ROOT_SPAN_NAME && !byId.has(root.id) ? [root, ...spans] : spans;
  const childrenOf = (id: SpanId) =>
    all
      .filter((s) => s !== root && parentOf.get(s.id) === id)
      .sort(
        (a, b) =>
          Number(a.startTimeUnixNano - b.startTimeUnixNano) ||
          Number(a.endTimeUnixNano - b.endTimeUnixNano) ||
          (a.id < b.id ? -1 : 1),
      );
  const order: SpanInput[] = [];
  const visit = (s: SpanInput) => {
    order.push(s);
    for (const c of childrenOf(s.id)) visit(c);
  };
  visit(root);
  const indexById = new Map(order.map((s, i) => [s.id, i]));
  const derive = (s: SpanInput): TraceSpan => {
    const parentId = parentOf.get(s.id)!;
    const end = s.endTimeUnixNano === 0n ? now() : s.endTimeUnixNano;
    const type = inferSpanType(s.name, s.attributes);
    const attributes = new Map(s.attributes);
    attributes.set(DERIVED.name, s.name);
    attributes.set(DERIVED.type, type);
    attributes.set(DERIVED.duration, String(end - s.startTimeUnixNano));
    attributes.set(DERIVED.startTime, String(s.startTimeUnixNano));
    attributes.set(DERIVED.endTime, String(end));
    attributes.set(DERIVED.parentId, parentId ?? ZERO_SPAN_ID);
    if (s.status) {
      attributes.set(DERIVED.statusCode, s.status.code);
      if (s.status.message !== '') attributes.set(DERIVED.statusDescription, s.status.message);
    }
    attributes.set(DERIVED.events, formatSpanEvents(s.events ?? []));
    const span = {
      id: s.id,
      parentId,
      name: s.name,
      kind: s.kind,
      type,
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: end,
      attributes,
      events: s.events ?? [],
      links: s.links ?? [],
      status: s.status ?? null,
    };
    const resource = s.resource ?? s.record?.resource;
    if (resource === undefined) return span;
    return s.record ? { ...span, resource, record: s.record } : { ...span, resource };
  };
  const traceSpans = order.map(derive);
  const parentIndex = Int32Array.from(traceSpans, (s) =>
    s.parentId === null ? -1 : indexById.get(s.parentId)!,
  );
  const children = order.map((s) => childrenOf(s.id).map((c) => indexById.get(c.id)!));
  const subtreeEnd = Int32Array.from(order, (_, i) => {
    let end = i + 1;
    while (end < order.length && parentIndex[end]! >= i) end++;
    return end;
  });
  return { traceId, spans: traceSpans, parentIndex, subtreeEnd, children, indexById };
}

/** Everything about a trace, map entries in their order (`toEqual` alone ignores the order of a Map). */
function snapshot(trace: Trace): unknown {
  return {
    ...trace,
    spans: trace.spans.map((s) => ({ ...s, attributes: [...s.attributes] })),
    indexById: [...trace.indexById],
  };
}

const TRACE_ID = FIXTURE_TRACE_ID;
const ATTRIBUTE_KEYS = [
  'http.method',
  'db.system',
  'rpc.service',
  'event_type',
  'app.tier',
  DERIVED.parentId,
  DERIVED.name,
];

/**
 * A random trace shape that exercises every rule: ids drawn from a small pool (duplicates, parents
 * pointing back down: cycles, self parents), dangling and absent parents (several roots), trigger and
 * temporary-root names, tied start times, unfinished spans (end 0), statuses, events, and ingested
 * attributes named like derived ones.
 */
function randomInputs(random: SeededRandom, size: number): SpanInput[] {
  const pool = 1 + random.int(Math.ceil(size * 1.3));
  const id = () => spanIdOf(1 + random.int(pool));
  return Array.from({ length: size }, (): SpanInput => {
    const roll = random.next();
    const parentId = roll < 0.1 ? null : roll < 0.15 ? spanIdOf(0xdead) : id();
    const nameRoll = random.next();
    const name =
      nameRoll < 0.06
        ? TRIGGER_SPAN_NAME
        : nameRoll < 0.1
          ? TEMPORARY_ROOT_SPAN_NAME
          : random.pick(['GET', 'query', 'documentLoad']);
    const start = 1_700_000_000_000_000_000n + BigInt(random.int(6)) * 1_000n;
    const attributes = new Map<string, string>();
    for (const key of ATTRIBUTE_KEYS)
      if (random.next() < 0.3) attributes.set(key, random.pick(['', 'x', 'y']));
    const statusRoll = random.next();
    return {
      id: id(),
      parentId,
      name,
      kind: 'internal',
      startTimeUnixNano: start,
      endTimeUnixNano: random.next() < 0.1 ? 0n : start + BigInt(random.int(3)),
      attributes,
      ...(random.next() < 0.5
        ? {
            events:
              random.next() < 0.5
                ? []
                : [{ name: 'retry', timeUnixNano: start + 1n, attributes: new Map([['attempt', '2']]) }],
          }
        : {}),
      ...(statusRoll < 0.3
        ? {
            status:
              statusRoll < 0.1
                ? null
                : { code: 'STATUS_CODE_ERROR' as const, message: statusRoll < 0.2 ? '' : 'boom' },
          }
        : {}),
    };
  });
}

/** A fake clock and id source, so that the order of their calls shows in the result. */
function fakes() {
  let ticks = 0;
  let ids = 0;
  return {
    nowUnixNano: () => 1_800_000_000_000_000_000n + BigInt(ticks++),
    newSpanId: () => spanIdOf(0xf000 + ids++),
  };
}

describe('inferSpanType', () => {
  it.each([
    ['http wins over every other family', ['db.system', 'exception.type', 'http.url'], 'http'],
    ['database wins over rpc and messaging', ['messaging.system', 'rpc.service', 'db.name'], 'database'],
    ['a prefix needs its dot', ['http', 'dbx', 'rpc_x', 'messaging.system'], 'messaging'],
    ['faas before exception', ['exception.message', 'faas.trigger'], 'faas'],
    ['no family, empty and non-ASCII keys', ['', 'été', 'app.tier'], 'general'],
  ])('%s', (_, keys, type) => {
    expect(inferSpanType('span', new Map(keys.map((k) => [k, 'x'])))).toBe(type);
  });
});

describe('assembleTrace against a plain reference', () => {
  it('matches the reference on 400 random traces, and leaves its inputs alone', () => {
    const random = createSeededRandom(7);
    for (let t = 0; t < 400; t++) {
      const inputs = randomInputs(random, 1 + random.int(t % 20 === 0 ? 200 : 30));
      const before = inputs.map((s) => [...s.attributes]);
      const expected = snapshot(referenceAssemble(TRACE_ID, inputs, fakes().nowUnixNano, fakes().newSpanId));
      expect(snapshot(assembleTrace(TRACE_ID, inputs, fakes())), `trace ${t}`).toEqual(expected);
      expect(inputs.map((s) => [...s.attributes])).toEqual(before);
      const adopted = inputs.map((s) => ({ ...s, attributes: new Map(s.attributes) }));
      expect(snapshot(assembleTrace(TRACE_ID, adopted, { ...fakes(), adoptAttributes: true }))).toEqual(
        expected,
      );
    }
  });

  it('matches the reference on a cycle with spans hanging under it, and on a self parent', () => {
    const rows = [
      { id: 1, name: 'root', startMs: 0, endMs: 10 },
      { id: 2, parent: 4, name: 'a', startMs: 1, endMs: 2 },
      { id: 3, parent: 2, name: 'b', startMs: 2, endMs: 3 },
      { id: 4, parent: 3, name: 'c', startMs: 3, endMs: 4 },
      { id: 5, parent: 3, name: 'under the cycle', startMs: 4, endMs: 5 },
      { id: 6, parent: 6, name: 'self', startMs: 5, endMs: 6 },
    ];
    const t = buildTrace(rows);
    const fixedIds = { nowUnixNano: () => 0n, newSpanId: () => 'ffffffffffffffff' as SpanId };
    expect(snapshot(t)).toEqual(
      snapshot(
        referenceAssemble(TRACE_ID, rows.map(fixtureSpanInput), fixedIds.nowUnixNano, fixedIds.newSpanId),
      ),
    );
    expect(ids(t).slice(1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.spans.map((s) => s.attributes.get(DERIVED.parentId))).toEqual([
      ZERO_SPAN_ID,
      'ffffffffffffffff',
      'ffffffffffffffff',
      spanIdOf(2),
      spanIdOf(3),
      spanIdOf(3),
      'ffffffffffffffff',
    ]);
  });

  it('matches the reference on the records of an SDK export, with duplicates and a dangling parent', () => {
    const batch = randomOtlpBatch(400, 3);
    const traceId = batch[0]!.traceId;
    const ofTrace = batch.filter((r) => r.traceId === traceId);
    const records: SpanRecord[] = [
      ...batch,
      { ...ofTrace[1]!, name: 'a later version' },
      { ...ofTrace[2]!, spanId: spanIdOf(0xbeef), parentSpanId: spanIdOf(0xdead) },
    ];
    const expected = referenceAssemble(
      traceId,
      records.filter((r) => r.traceId === traceId).map(toSpanInput),
      fakes().nowUnixNano,
      fakes().newSpanId,
    );
    const actual = traceFromRecords(traceId, records, { ...fakes(), keepRecords: true });
    expect(snapshot(actual)).toEqual(snapshot(expected));
    expect(actual.spans.some((s) => s.name === 'a later version')).toBe(true);
  });
});
