import { encodeOtlpProtobuf, type SpanRecord, type TraceId } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import type { EvictionReason } from '../metrics/agent-metrics';
import { bytesToStore, spanRecordOf, traceIdOf } from '../testing/agent-test-helpers';
import { type AddSpansResult, createSpanCache, type SpanCache, type SpanCacheOptions } from './span-cache';

const span = spanRecordOf;

interface Harness {
  readonly cache: ReturnType<typeof createSpanCache>;
  readonly evictions: { traceId: TraceId; spanCount: number; reason: EvictionReason }[];
  readonly listenerErrors: unknown[];
  advance(ms: number): void;
}

function harness(options: Partial<SpanCacheOptions> = {}): Harness {
  let now = 1_000;
  const evictions: Harness['evictions'] = [];
  const listenerErrors: unknown[] = [];
  const cache = createSpanCache({
    ttlMs: 60_000,
    maxBytes: 1024 * 1024,
    nowMs: () => now,
    onEvict: (traceId, spanCount, reason) => evictions.push({ traceId, spanCount, reason }),
    onListenerError: (error) => listenerErrors.push(error),
    ...options,
  });
  return {
    cache,
    evictions,
    listenerErrors,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Every single-span trace made by `span()` costs the same (same field widths). */
const ONE_TRACE_BYTES = bytesToStore([span(1, 1)]);

const ids = (spans: readonly SpanRecord[] | undefined) => spans?.map((s) => s.spanId.replace(/^0+/, ''));

type AddBatch = (cache: SpanCache, records: SpanRecord[]) => AddSpansResult;

describe.each<[string, AddBatch]>([
  ['records the cache encodes itself', (cache, records) => cache.add(records)],
  [
    'records with the message they came in',
    (cache, records) => cache.add(records, encodeOtlpProtobuf(records)),
  ],
])('SpanCache, given %s', (_name, add) => {
  it('keeps spans per trace in arrival order, with every field', () => {
    const { cache } = harness();
    const rich = span(1, 3, {
      kind: 'server',
      parentSpanId: span(1, 1).spanId,
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
      events: [
        {
          name: 'retry',
          timeUnixNano: 1_700_000_000_000_000_123n,
          attributes: [],
          droppedAttributesCount: 0,
        },
      ],
    });
    expect(add(cache, [span(1, 1), span(2, 2), rich])).toEqual({ accepted: 3, rejected: 0, duplicates: 0 });
    add(cache, [span(1, 4)]);
    expect(cache.getTrace(traceIdOf(1))).toEqual([span(1, 1), rich, span(1, 4)]);
    expect(cache.getTrace(traceIdOf(2))).toEqual([span(2, 2)]);
    expect(cache.getTrace(traceIdOf(3))).toBeUndefined();
    expect(cache.stats()).toMatchObject({ traces: 2, spans: 4, watchedTraces: 0 });
  });

  it('replays the spans already cached to a new watcher, then pushes each new batch of that trace', () => {
    const { cache } = harness();
    add(cache, [span(1, 1), span(1, 2), span(2, 9)]);
    const pushes: (string[] | undefined)[] = [];
    cache.watch(traceIdOf(1), (spans) => pushes.push(ids(spans)));
    expect(pushes).toEqual([['1', '2']]);

    add(cache, [span(2, 10), span(1, 3), span(1, 4)]);
    expect(pushes).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '2', '3', '4']);
  });

  it('never hands a span id twice: repeats (exporter retries) are dropped for watchers and readers', () => {
    const { cache } = harness();
    add(cache, [span(1, 1), span(1, 2)]);
    add(cache, [span(1, 2), span(2, 2)]);
    expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '2']);

    const pushes: (string[] | undefined)[] = [];
    cache.watch(traceIdOf(1), (spans) => pushes.push(ids(spans)));
    expect(add(cache, [span(1, 2), span(1, 3), span(1, 3), span(2, 5)])).toEqual({
      accepted: 2,
      rejected: 0,
      duplicates: 2,
    });
    expect(pushes).toEqual([['1', '2'], ['3']]);
    expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '2', '3']);
  });
});

describe('SpanCache', () => {
  describe('watch', () => {
    it('pushes the first spans of a trace that was watched before it arrived', () => {
      const { cache } = harness();
      const pushes: (string[] | undefined)[] = [];
      cache.watch(traceIdOf(5), (spans) => pushes.push(ids(spans)));
      expect(pushes).toEqual([]);
      cache.add([span(5, 1)]);
      expect(pushes).toEqual([['1']]);
      expect(cache.stats().watchedTraces).toBe(1);
    });

    it('serves several watchers of one trace and stops pushing to one that unsubscribed', () => {
      const { cache } = harness();
      const first: string[] = [];
      const second: string[] = [];
      const stopFirst = cache.watch(traceIdOf(1), (spans) => first.push(...(ids(spans) ?? [])));
      cache.add([span(1, 1)]);
      const stopSecond = cache.watch(traceIdOf(1), (spans) => second.push(...(ids(spans) ?? [])));
      stopFirst();
      stopFirst();
      cache.add([span(1, 2)]);
      expect(first).toEqual(['1']);
      expect(second).toEqual(['1', '2']);
      stopSecond();
      expect(cache.stats().watchedTraces).toBe(0);
    });

    it('hands a throwing listener error over and still stores the spans and serves other listeners', () => {
      const { cache, listenerErrors } = harness();
      const seen: string[] = [];
      cache.watch(traceIdOf(1), () => {
        throw new Error('listener bug');
      });
      cache.watch(traceIdOf(1), (spans) => seen.push(...(ids(spans) ?? [])));
      expect(cache.add([span(1, 1)]).accepted).toBe(1);
      expect(seen).toEqual(['1']);
      expect(listenerErrors).toEqual([new Error('listener bug')]);
    });
  });

  describe('time to live', () => {
    it('sweeps traces whose last span is older than the time to live, counting each', () => {
      const { cache, evictions, advance } = harness({ ttlMs: 10_000 });
      cache.add([span(1, 1)]);
      advance(6_000);
      cache.add([span(2, 2)]);
      advance(3_000);
      cache.add([span(1, 3)]); // trace 1 is fresh again
      advance(2_000); // trace 2 is now 5s old, trace 1 2s
      expect(cache.sweep()).toBe(0);
      advance(6_000); // trace 2: 11s, trace 1: 8s
      expect(cache.sweep()).toBe(1);
      expect(evictions).toEqual([{ traceId: traceIdOf(2), spanCount: 1, reason: 'ttl' }]);
      expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '3']);
      advance(2_000);
      expect(cache.getTrace(traceIdOf(1))).toBeUndefined();
      expect(evictions.map((e) => [e.traceId, e.spanCount, e.reason])).toEqual([
        [traceIdOf(2), 1, 'ttl'],
        [traceIdOf(1), 2, 'ttl'],
      ]);
      expect(cache.stats()).toEqual({ traces: 0, spans: 0, bytes: 0, watchedTraces: 0 });
    });

    it('keeps a watched trace past its time to live, and sweeps it once the watch ends', () => {
      const { cache, advance } = harness({ ttlMs: 10_000 });
      const stop = cache.watch(traceIdOf(1), () => {});
      cache.add([span(1, 1), span(2, 2)]);
      advance(20_000);
      expect(cache.sweep()).toBe(1);
      expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1']);
      stop();
      expect(cache.sweep()).toBe(1);
      expect(cache.getTrace(traceIdOf(1))).toBeUndefined();
    });
  });

  describe('memory', () => {
    it('evicts the least recently updated traces first to make room, counting each', () => {
      const { cache, evictions, advance } = harness({ maxBytes: ONE_TRACE_BYTES * 3 });
      cache.add([span(1, 1)]);
      advance(1);
      cache.add([span(2, 2)]);
      advance(1);
      cache.add([span(3, 3)]);
      advance(1);
      cache.add([span(1, 4)]); // needs room: trace 2 is now the least recently updated
      expect(evictions).toEqual([{ traceId: traceIdOf(2), spanCount: 1, reason: 'memory' }]);
      cache.add([span(4, 5)]);
      expect(evictions.map((e) => e.traceId)).toEqual([traceIdOf(2), traceIdOf(3)]);
      expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '4']);
      expect(cache.stats().bytes).toBeLessThanOrEqual(ONE_TRACE_BYTES * 3);
    });

    it('never evicts a watched trace; when only watched traces are left it refuses spans', () => {
      const { cache, evictions } = harness({ maxBytes: ONE_TRACE_BYTES * 2 });
      cache.watch(traceIdOf(1), () => {});
      cache.watch(traceIdOf(2), () => {});
      cache.add([span(1, 1)]);
      cache.add([span(2, 2)]);
      expect(cache.add([span(3, 3), span(3, 4)])).toEqual({ accepted: 0, rejected: 2, duplicates: 0 });
      expect(evictions).toEqual([]);
      expect(cache.getTrace(traceIdOf(3))).toBeUndefined();
      expect(cache.stats()).toMatchObject({ traces: 2, spans: 2 });
    });

    it('when a whole message does not fit, still stores the spans of watched traces', () => {
      const watched = [span(1, 1), span(1, 2)];
      const { cache } = harness({ maxBytes: bytesToStore(watched) });
      cache.watch(traceIdOf(1), () => {});
      const records = [...watched, span(2, 3)];
      expect(cache.add(records, encodeOtlpProtobuf(records))).toEqual({
        accepted: 2,
        rejected: 1,
        duplicates: 0,
      });
      expect(cache.getTrace(traceIdOf(1))).toEqual(watched);
      expect(cache.getTrace(traceIdOf(2))).toBeUndefined();
    });

    it('counts a message shared by several traces once, and frees it with the last of them', () => {
      const { cache, advance } = harness({ ttlMs: 10_000 });
      const records = [span(1, 1), ...Array.from({ length: 50 }, (_, i) => span(2, i + 2))];
      const encoded = encodeOtlpProtobuf(records);
      cache.add(records, encoded);
      const overhead = cache.stats().bytes - encoded.byteLength;
      expect(overhead).toBeGreaterThan(0);
      expect(overhead).toBeLessThan(1_000); // bookkeeping only: the message is counted once

      advance(6_000);
      cache.add([span(2, 99)]);
      advance(6_000);
      expect(cache.sweep()).toBe(1); // trace 1 goes; trace 2 still refers to the message
      expect(cache.stats().bytes).toBeGreaterThan(encoded.byteLength);
      advance(20_000);
      expect(cache.sweep()).toBe(1);
      expect(cache.stats()).toEqual({ traces: 0, spans: 0, bytes: 0, watchedTraces: 0 });
    });

    it('stores a trace that was read as one message of its own, releasing the shared ones', () => {
      const { cache, advance } = harness({ ttlMs: 10_000 });
      const big = [span(1, 1), ...Array.from({ length: 50 }, (_, i) => span(2, i + 2))];
      cache.add(big, encodeOtlpProtobuf(big));
      advance(6_000);
      cache.add([span(1, 99)]);
      expect(ids(cache.getTrace(traceIdOf(1)))).toEqual(['1', '63']);
      advance(6_000);
      expect(cache.sweep()).toBe(1); // trace 2, and with it the 51-span message: trace 1 no longer needs it
      expect(cache.stats().bytes).toBeLessThan(encodeOtlpProtobuf(big).byteLength);
    });

    it('keeps what it returned intact when the buffer of an evicted message is reused', () => {
      const { cache, advance } = harness({ ttlMs: 10_000 });
      const withBytes = span(1, 1, {
        attributes: [{ key: 'blob', value: { type: 'bytes', value: Uint8Array.from([1, 2, 3]) } }],
      });
      cache.add([withBytes], encodeOtlpProtobuf([withBytes]));
      const read = cache.getTrace(traceIdOf(1));
      advance(20_000);
      cache.sweep();
      const other = span(2, 2, { name: 'x'.repeat(40) });
      cache.add([other], encodeOtlpProtobuf([other]));
      expect(read).toEqual([withBytes]);
      expect(cache.getTrace(traceIdOf(2))).toEqual([other]);
    });

    it('keeps a compact copy of a message that is a view into a larger buffer', () => {
      const { cache } = harness();
      const records = [span(1, 1)];
      const encoded = encodeOtlpProtobuf(records);
      const large = new Uint8Array(1024 * 1024);
      large.set(encoded, 10);
      cache.add(records, large.subarray(10, 10 + encoded.length));
      large.fill(0);
      expect(cache.getTrace(traceIdOf(1))).toEqual(records);
      expect(cache.stats().bytes).toBeLessThan(10_000);
    });
  });
});
