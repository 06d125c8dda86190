import { decodeOtlpProtobuf, encodeOtlpProtobuf, type SpanRecord, type TraceId } from '@tracecheck/core';
import type { EvictionReason } from '../metrics/agent-metrics';
import { createMessagePool, sizeClassOf } from './message-pool';

/** Receives the spans of a watched trace: first those already cached, then each new arrival. */
export type SpanListener = (spans: readonly SpanRecord[]) => void;

export interface SpanCacheOptions {
  /** A trace is dropped when no span of it arrived for this long (unless it is watched). */
  readonly ttlMs: number;
  /** Bytes the cached spans may hold; the least recently updated unwatched traces go first. */
  readonly maxBytes: number;
  /** Milliseconds on a monotonic or wall clock; injected so tests can move time. */
  readonly nowMs: () => number;
  /** Told about every trace that leaves the cache (for metrics and logs). */
  readonly onEvict?: (traceId: TraceId, spanCount: number, reason: EvictionReason) => void;
  /** A listener threw: the error is handed here and ingestion goes on. */
  readonly onListenerError: (error: unknown, traceId: TraceId) => void;
}

/** What `add` did with a batch. */
export interface AddSpansResult {
  /** Spans stored (and pushed to the watchers of their trace). */
  readonly accepted: number;
  /** Spans refused because the cache is at its memory cap and only watched traces are left in it. */
  readonly rejected: number;
  /** Spans of watched traces whose id had already been pushed (exporter retries); dropped. */
  readonly duplicates: number;
}

export interface SpanCacheStats {
  readonly traces: number;
  /** Spans stored; a span that arrived twice for an unwatched trace counts twice until it is read. */
  readonly spans: number;
  /**
   * Bytes held: the buffers of the stored OTLP messages plus a small fixed cost per trace and per
   * stored batch. Released buffers kept for reuse (at most an eighth of `maxBytes`) are not counted.
   */
  readonly bytes: number;
  /** Trace ids with at least one watcher (cached or not yet arrived). */
  readonly watchedTraces: number;
}

/**
 * Spans received, kept per trace id, with a time to live and a memory cap. Watching a trace id pushes
 * its spans to the watcher as they arrive, so nobody has to poll the cache.
 */
export interface SpanCache {
  /**
   * Stores a batch (any mix of traces) and pushes the new spans to the watchers of their traces.
   * `encoded`, when given, is the OTLP protobuf `ExportTraceServiceRequest` that `records` were
   * decoded from, in the same order: the cache then keeps a copy of those bytes instead of encoding
   * the records itself.
   */
  add(records: readonly SpanRecord[], encoded?: Uint8Array): AddSpansResult;
  /**
   * Calls `listener` synchronously with the spans already cached for `traceId` (if any), then with
   * every later batch of new spans of that trace, synchronously inside `add`. A listener never gets the
   * same span id twice. A watched trace is never evicted. Returns the function that ends the watch.
   * @example const stop = cache.watch(traceId, (spans) => collector.push(spans)); … stop();
   */
  watch(traceId: TraceId, listener: SpanListener): () => void;
  /** The cached spans of a trace in arrival order (first copy of a repeated span id), or `undefined`. */
  getTrace(traceId: TraceId): SpanRecord[] | undefined;
  /** Drops every unwatched trace whose last span is older than the time to live; returns how many. */
  sweep(): number;
  stats(): SpanCacheStats;
}

/** An OTLP message kept in the cache, shared by the traces whose spans it carries. */
interface StoredMessage {
  /** A view into a pooled buffer, which goes back to the pool when no segment refers to it. */
  readonly bytes: Uint8Array;
  /** Segments referring to it; its bytes are counted while this is above zero. */
  refs: number;
}

/** Spans of one trace in one stored message: those at `indices` in its decoded order, or all. */
interface Segment {
  readonly message: StoredMessage;
  readonly indices: readonly number[] | null;
}

interface TraceEntry {
  readonly traceId: TraceId;
  segments: Segment[];
  spanCount: number;
  lastUpdateMs: number;
}

interface WatchState {
  readonly listeners: Set<SpanListener>;
  /** Span ids already handed to the listeners, so that a retried export is not pushed twice. */
  readonly pushedSpanIds: Set<string>;
}

// Fixed costs of the bookkeeping objects, added to the message bytes for the memory cap.
const ENTRY_BYTES = 160;
const SEGMENT_BYTES = 64;
const INDEX_BYTES = 8;
const MAX_IDLE_POOL_BYTES = 64 * 1024 * 1024;

/**
 * Creates a span cache.
 *
 * Spans are kept as the OTLP protobuf messages they arrived in, not as decoded records: a message is
 * a single off-heap buffer, while its records are thousands of small objects that the garbage
 * collector would have to trace and move for as long as they are cached — at high ingest rates that
 * cost more than decoding. Messages are copied into pooled buffers (see `MessagePool`). Watchers get
 * the records decoded at arrival; reading a trace later decodes its messages again (and replaces them
 * by one message of that trace only, so the next read is cheap).
 *
 * Traces are kept in a `Map` in order of their last update (an update moves the trace to the end), so
 * the time-to-live sweep and the memory eviction only ever look at the front: no per-span timers and
 * no scans of the whole cache.
 */
export function createSpanCache(options: SpanCacheOptions): SpanCache {
  const { ttlMs, maxBytes, nowMs, onEvict, onListenerError } = options;
  const traces = new Map<TraceId, TraceEntry>();
  const watches = new Map<TraceId, WatchState>();
  const pool = createMessagePool(Math.min(maxBytes / 8, MAX_IDLE_POOL_BYTES));
  let totalBytes = 0;
  let totalSpans = 0;

  // An entry's own cost is counted while it holds segments; a message's while segments refer to it.
  function attach(entry: TraceEntry, segment: Segment, spanCount: number): void {
    if (entry.segments.length === 0) totalBytes += ENTRY_BYTES;
    entry.segments.push(segment);
    entry.spanCount += spanCount;
    totalSpans += spanCount;
    totalBytes += SEGMENT_BYTES + (segment.indices?.length ?? 0) * INDEX_BYTES;
    if (segment.message.refs++ === 0) totalBytes += segment.message.bytes.buffer.byteLength;
  }

  function detachAll(entry: TraceEntry): void {
    if (entry.segments.length > 0) totalBytes -= ENTRY_BYTES;
    for (const segment of entry.segments) {
      totalBytes -= SEGMENT_BYTES + (segment.indices?.length ?? 0) * INDEX_BYTES;
      if (--segment.message.refs === 0) {
        totalBytes -= segment.message.bytes.buffer.byteLength;
        pool.recycle(segment.message.bytes);
      }
    }
    totalSpans -= entry.spanCount;
    entry.segments = [];
    entry.spanCount = 0;
  }

  function remove(entry: TraceEntry, reason: EvictionReason): void {
    const spanCount = entry.spanCount;
    detachAll(entry);
    traces.delete(entry.traceId);
    onEvict?.(entry.traceId, spanCount, reason);
  }

  /** Moves a trace to the end of the update order, creating it if needed. */
  function touch(traceId: TraceId, now: number): TraceEntry {
    let entry = traces.get(traceId);
    if (entry) {
      traces.delete(traceId);
    } else {
      entry = { traceId, segments: [], spanCount: 0, lastUpdateMs: now };
    }
    entry.lastUpdateMs = now;
    traces.set(traceId, entry);
    return entry;
  }

  /** Evicts least recently updated unwatched traces (none of `keep`) until `bytes` more fit. */
  function makeRoom(bytes: number, keep: ReadonlyMap<TraceId, unknown>): boolean {
    if (totalBytes + bytes <= maxBytes) return true;
    for (const entry of traces.values()) {
      if (keep.has(entry.traceId) || watches.has(entry.traceId)) continue;
      remove(entry, 'memory');
      if (totalBytes + bytes <= maxBytes) return true;
    }
    return false;
  }

  function notify(traceId: TraceId, listeners: Iterable<SpanListener>, spans: readonly SpanRecord[]): void {
    for (const listener of listeners) {
      try {
        listener(spans);
      } catch (error) {
        onListenerError(error, traceId);
      }
    }
  }

  function store(bytes: Uint8Array): StoredMessage {
    return { bytes: pool.copy(bytes), refs: 0 };
  }

  /** Decodes a trace's spans, dropping repeated span ids, and compacts its storage to one message. */
  function readTrace(entry: TraceEntry): SpanRecord[] {
    const decoded = new Map<StoredMessage, SpanRecord[]>();
    const seen = new Set<string>();
    const spans: SpanRecord[] = [];
    for (const { message, indices } of entry.segments) {
      let records = decoded.get(message);
      if (!records) {
        records = decodeOtlpProtobuf(message.bytes);
        decoded.set(message, records);
      }
      const picked = indices ? indices.map((i) => records[i]!) : records;
      for (const record of picked) {
        if (seen.has(record.spanId)) continue;
        seen.add(record.spanId);
        spans.push(record);
      }
    }
    if (entry.segments.length > 1 || entry.segments[0]?.indices) {
      detachAll(entry);
      attach(entry, { message: store(encodeOtlpProtobuf(spans)), indices: null }, spans.length);
    }
    return spans;
  }

  return {
    add(records, encoded) {
      if (records.length === 0) return { accepted: 0, rejected: 0, duplicates: 0 };
      const now = nowMs();
      // Group by trace first: a batch usually holds a few traces, each then stored, accounted and
      // announced once per batch rather than once per span.
      const groups = new Map<TraceId, number[]>();
      for (let i = 0; i < records.length; i++) {
        const traceId = records[i]!.traceId;
        const group = groups.get(traceId);
        if (group) group.push(i);
        else groups.set(traceId, [i]);
      }
      const entries = [...groups.keys()].map((traceId) => touch(traceId, now));

      // Keep the whole message when it fits.
      let shared: StoredMessage | null = null;
      if (encoded) {
        const newEntries = entries.filter((entry) => entry.segments.length === 0).length;
        const cost =
          sizeClassOf(encoded.byteLength) +
          newEntries * ENTRY_BYTES +
          groups.size * SEGMENT_BYTES +
          records.length * INDEX_BYTES;
        if (makeRoom(cost, groups)) shared = store(encoded);
      }

      let accepted = 0;
      let rejected = 0;
      let duplicates = 0;
      let g = 0;
      for (const [traceId, indices] of groups) {
        const entry = entries[g++]!;
        const watch = watches.get(traceId);
        let kept = indices;
        if (watch) {
          kept = [];
          for (const i of indices) {
            const spanId = records[i]!.spanId;
            if (watch.pushedSpanIds.has(spanId)) continue;
            watch.pushedSpanIds.add(spanId);
            kept.push(i);
          }
          duplicates += indices.length - kept.length;
          if (kept.length === 0) continue;
        }
        const spans = kept.map((i) => records[i]!);
        if (shared) {
          attach(entry, { message: shared, indices: kept }, kept.length);
        } else if (!encoded || watch) {
          // No shared message (none given, or no room for it): store this trace's spans on their own,
          // which only a trace someone waits for deserves when memory is short.
          const own = encodeOtlpProtobuf(spans);
          const entryCost = entry.segments.length === 0 ? ENTRY_BYTES : 0;
          if (!makeRoom(sizeClassOf(own.byteLength) + SEGMENT_BYTES + entryCost, groups)) {
            rejected += kept.length;
            if (watch) for (const span of spans) watch.pushedSpanIds.delete(span.spanId);
            continue;
          }
          attach(entry, { message: store(own), indices: null }, kept.length);
        } else {
          rejected += kept.length;
          continue;
        }
        accepted += kept.length;
        if (watch) notify(traceId, watch.listeners, spans);
      }
      for (const entry of entries) if (entry.segments.length === 0) traces.delete(entry.traceId);
      if (shared?.refs === 0) pool.recycle(shared.bytes);
      return { accepted, rejected, duplicates };
    },

    watch(traceId, listener) {
      const entry = traces.get(traceId);
      const cached = entry && entry.spanCount > 0 ? readTrace(entry) : [];
      let watch = watches.get(traceId);
      if (!watch) {
        watch = { listeners: new Set(), pushedSpanIds: new Set(cached.map((span) => span.spanId)) };
        watches.set(traceId, watch);
      }
      watch.listeners.add(listener);
      if (cached.length > 0) notify(traceId, [listener], cached);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        const current = watches.get(traceId);
        current?.listeners.delete(listener);
        if (current?.listeners.size === 0) watches.delete(traceId);
      };
    },

    getTrace(traceId) {
      const entry = traces.get(traceId);
      if (!entry) return undefined;
      if (nowMs() - entry.lastUpdateMs >= ttlMs && !watches.has(traceId)) {
        remove(entry, 'ttl');
        return undefined;
      }
      return readTrace(entry);
    },

    sweep() {
      const now = nowMs();
      let evicted = 0;
      for (const entry of traces.values()) {
        // Entries are in last-update order: the first one still alive ends the sweep.
        if (now - entry.lastUpdateMs < ttlMs) break;
        if (watches.has(entry.traceId)) continue;
        remove(entry, 'ttl');
        evicted++;
      }
      return evicted;
    },

    stats() {
      return { traces: traces.size, spans: totalSpans, bytes: totalBytes, watchedTraces: watches.size };
    },
  };
}
