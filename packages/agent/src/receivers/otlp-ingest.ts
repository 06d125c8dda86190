import { decodeOtlpJson, decodeOtlpProtobuf, isTracecheckError, type SpanRecord } from '@tracecheck/core';
import type { SpanCache } from '../cache/span-cache';
import type { Logger } from '../logging/create-logger';
import type { AgentMetrics, ExportOutcome, OtlpEncoding, OtlpTransport } from '../metrics/agent-metrics';
import type { PartialSuccess } from './otlp-responses';

/** What became of one export request's body; each receiver turns it into its own answer. */
export type IngestResult =
  | { readonly kind: 'accepted'; readonly partial: PartialSuccess | null }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'overloaded'; readonly message: string };

/** The work both receivers share: admission, decoding, caching, counting. */
export interface OtlpIngest {
  /**
   * Takes a slot for one export request; `false` when `maxConcurrentExports` are already in flight
   * (the receiver then sheds the request with a retry delay). Every `true` needs one `release()`.
   */
  tryAcquire(): boolean;
  release(): void;
  /** Decodes a complete (decompressed) body and stores its spans. Never throws. */
  ingest(body: Buffer, encoding: OtlpEncoding, transport: OtlpTransport): IngestResult;
  /** Counts an export request that ended before `ingest` (too large, wrong type, shed, ...). */
  countRequest(transport: OtlpTransport, outcome: ExportOutcome): void;
  readonly retryAfterSeconds: number;
}

export interface OtlpIngestOptions {
  readonly cache: SpanCache;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
  readonly maxConcurrentExports: number;
  readonly retryAfterSeconds: number;
  readonly nowMs: () => number;
}

/** How often, at most, a full cache is reported in the log (it is counted in metrics every time). */
const CACHE_FULL_LOG_INTERVAL_MS = 10_000;

/** Creates the ingestion step shared by the OTLP/HTTP and OTLP/gRPC receivers. */
export function createOtlpIngest(options: OtlpIngestOptions): OtlpIngest {
  const { cache, metrics, logger, maxConcurrentExports, retryAfterSeconds, nowMs } = options;
  let inFlight = 0;
  let lastCacheFullLogMs = Number.NEGATIVE_INFINITY;

  const counters = {
    http: bindCounters(metrics, 'http'),
    grpc: bindCounters(metrics, 'grpc'),
  };

  function decode(body: Buffer, encoding: OtlpEncoding): SpanRecord[] | string {
    try {
      return encoding === 'protobuf' ? decodeOtlpProtobuf(body) : decodeOtlpJson(body.toString('utf8'));
    } catch (error) {
      if (isTracecheckError(error) && error.code === 'OTLP_INVALID') return error.message;
      // Not the decoder's own verdict, but still caused by this body: answer 400 and keep the stack.
      logger.warn({ err: error, encoding, bytes: body.length }, 'OTLP decoder failed on a request body');
      return `the ${encoding} body could not be decoded as an OTLP ExportTraceServiceRequest: ${String(error)}`;
    }
  }

  return {
    retryAfterSeconds,

    tryAcquire() {
      if (inFlight >= maxConcurrentExports) return false;
      inFlight++;
      return true;
    },

    release() {
      inFlight--;
    },

    countRequest(transport, outcome) {
      counters[transport].requests[outcome].inc();
    },

    ingest(body, encoding, transport) {
      const bound = counters[transport];
      const decoded = decode(body, encoding);
      if (typeof decoded === 'string') {
        bound.requests.invalid.inc();
        logger.debug({ transport, encoding, bytes: body.length, reason: decoded }, 'rejected an OTLP body');
        return { kind: 'invalid', message: decoded };
      }
      // Protobuf bodies are kept as they came; JSON ones are encoded by the cache.
      const result = cache.add(decoded, encoding === 'protobuf' ? body : undefined);
      bound.received(encoding).inc(result.accepted);
      if (result.duplicates > 0) bound.duplicates.inc(result.duplicates);
      if (result.rejected === 0) {
        bound.requests.ok.inc();
        return { kind: 'accepted', partial: null };
      }
      bound.rejected.inc(result.rejected);
      const stats = cache.stats();
      const now = nowMs();
      if (now - lastCacheFullLogMs >= CACHE_FULL_LOG_INTERVAL_MS) {
        lastCacheFullLogMs = now;
        logger.warn(
          { cacheBytes: stats.bytes, watchedTraces: stats.watchedTraces, rejectedSpans: result.rejected },
          'span cache is full of watched traces: refusing spans (raise spanCache.maxBytes)',
        );
      }
      const reason = `the span cache is full (it holds ${stats.bytes} bytes and its ${stats.watchedTraces} watched traces cannot be evicted); raise spanCache.maxBytes or finish the runs that watch them`;
      if (result.accepted === 0) {
        bound.requests.overloaded.inc();
        return { kind: 'overloaded', message: `${result.rejected} spans refused: ${reason}` };
      }
      bound.requests.partial.inc();
      return {
        kind: 'accepted',
        partial: {
          rejectedSpans: result.rejected,
          errorMessage: `${result.rejected} spans refused: ${reason}`,
        },
      };
    },
  };
}

function bindCounters(metrics: AgentMetrics, transport: OtlpTransport) {
  const outcome = (name: ExportOutcome) => metrics.exportRequests.labels({ transport, outcome: name });
  return {
    received: (encoding: OtlpEncoding) => metrics.spansReceived.labels({ transport, encoding }),
    rejected: metrics.spansRejected.labels({ transport }),
    duplicates: metrics.spansDuplicate.labels({ transport }),
    requests: {
      ok: outcome('ok'),
      partial: outcome('partial'),
      invalid: outcome('invalid'),
      too_large: outcome('too_large'),
      unsupported: outcome('unsupported'),
      overloaded: outcome('overloaded'),
    } satisfies Record<ExportOutcome, unknown>,
  };
}
