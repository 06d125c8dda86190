import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  isTracecheckError,
  type SpanRecord,
  TracecheckError,
  type TraceId,
} from '@tracecheck/core';
import protobuf from 'protobufjs';
import type { TempoSettings } from './data-store-config';
import { dataStoreError } from './data-store-error';
import { type HttpAnswer, unauthorizedError, unexpectedAnswerError } from './http-client';
import {
  addressOfUrl,
  createSettingsGrpcClient,
  createSettingsHttpClient,
  joinUrl,
  parseBaseUrl,
  type ResolvedTraceSourceOptions,
} from './source-options';
import { testSourceConnection } from './test-source-connection';
import type { FetchTraceOptions, FetchTraceResult, TraceSource } from './trace-source';

const BACKEND = 'Tempo';

/** The gRPC method of Tempo's querier (tempopb/tempo.proto) that returns a trace. */
const TEMPO_FIND_TRACE_METHOD = '/tempopb.Querier/FindTraceByID';

// tempopb/tempo.proto: TraceByIDRequest, and TraceByIDResponse whose `trace` (a tempopb.Trace, i.e.
// `repeated ResourceSpans batches = 1`) has the layout of an OTLP TracesData; it is kept as bytes and
// decoded as OTLP.
const TEMPO_PROTO = `
syntax = "proto3";
package tempopb;
message TraceByIDRequest { bytes traceID = 1; string blockStart = 2; string blockEnd = 3; string queryMode = 5; }
message TraceByIDResponse { bytes trace = 1; }
`;
const tempoRoot = protobuf.parse(TEMPO_PROTO, { keepCase: true }).root;
const TraceByIDRequest = tempoRoot.lookupType('tempopb.TraceByIDRequest');
const TraceByIDResponse = tempoRoot.lookupType('tempopb.TraceByIDResponse');

/** The request Tempo's own HTTP querier sends by default: every block, ingesters and backend. */
function encodeTempoTraceByIdRequest(traceId: TraceId): Uint8Array {
  return TraceByIDRequest.encode(
    TraceByIDRequest.create({
      traceID: Buffer.from(traceId, 'hex'),
      blockStart: '00000000-0000-0000-0000-000000000000',
      blockEnd: 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      queryMode: 'all',
    }),
  ).finish();
}

function foundOf(spans: readonly SpanRecord[]): FetchTraceResult {
  return spans.length === 0 ? { found: false } : { found: true, spans };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads Tempo's JSON trace: `{batches: [...]}` (Tempo 1.x and 2.x), `{resourceSpans: [...]}`, or the
 * v2 API's `{trace: {...}}`, each batch an OTLP ResourceSpans with hex or base64 ids.
 */
function decodeTempoJson(text: string): SpanRecord[] {
  const body: unknown = JSON.parse(text);
  const trace = isObject(body) && isObject(body.trace) ? body.trace : body;
  if (isObject(trace) && trace.resourceSpans === undefined && Array.isArray(trace.batches)) {
    return decodeOtlpJson({ resourceSpans: trace.batches });
  }
  return decodeOtlpJson(trace);
}

/** A malformed trace from Tempo, as a DATASTORE_UNREACHABLE error naming where it came from. */
function badTraceError(error: unknown, url: string, check: string): unknown {
  const otlpInvalid = isTracecheckError(error) && error.code === 'OTLP_INVALID';
  if (!otlpInvalid && !(error instanceof SyntaxError)) return error;
  return dataStoreError(
    'bad-answer',
    url,
    `${BACKEND} at ${url} answered something that is not an OTLP trace (${(error as Error).message}): ${check}`,
    error,
  );
}

/**
 * A Grafana Tempo source. `tempo.type: http` asks the query frontend `GET {url}/api/traces/{id}`
 * with `Accept: application/protobuf` (and reads JSON answers too); `tempo.type: grpc` calls the
 * querier's `tempopb.Querier/FindTraceByID`. Without `type`, the one of `http`/`grpc` that is set is used.
 */
export function createTempoSource(settings: TempoSettings, options: ResolvedTraceSourceOptions): TraceSource {
  const type = settings.type ?? (settings.grpc && !settings.http ? 'grpc' : 'http');
  return type === 'grpc'
    ? createTempoGrpcSource(settings, options)
    : createTempoHttpSource(settings, options);
}

function createTempoHttpSource(settings: TempoSettings, options: ResolvedTraceSourceOptions): TraceSource {
  const http = settings.http ?? {};
  const base = parseBaseUrl(http.url, http.tls?.insecure === true, 'tempo.http.url', 'http://tempo:3200');
  const client = createSettingsHttpClient(BACKEND, http, 'tempo.http', options);
  const check =
    'check that tempo.http.url is the base URL of the Tempo query frontend (port 3200, without /api)';
  const decode = (answer: HttpAnswer): SpanRecord[] => {
    try {
      return answer.contentType.includes('protobuf')
        ? decodeOtlpProtobuf(new Uint8Array(answer.body))
        : decodeTempoJson(answer.body.toString('utf8'));
    } catch (error) {
      throw badTraceError(error, answer.url, check);
    }
  };
  const fetchTrace = async (
    traceId: TraceId,
    fetchOptions?: FetchTraceOptions,
  ): Promise<FetchTraceResult> => {
    const answer = await client.request({
      method: 'GET',
      url: joinUrl(base, `/api/traces/${traceId}`),
      headers: { accept: 'application/protobuf' },
      signal: fetchOptions?.signal,
    });
    if (answer.status === 401 || answer.status === 403) {
      throw unauthorizedError(
        BACKEND,
        answer,
        'check tempo.http.auth or the authorization header in tempo.http.headers',
      );
    }
    if (answer.status === 404) return { found: false };
    if (answer.status !== 200) throw unexpectedAnswerError(BACKEND, answer, check);
    return foundOf(decode(answer));
  };
  return {
    kind: 'tempo',
    fetchTrace,
    testConnection: () =>
      testSourceConnection({
        backend: BACKEND,
        addresses: [addressOfUrl(base)],
        fetchTrace,
        newTraceId: options.newTraceId,
        timeoutMs: options.requestTimeoutMs,
      }),
  };
}

function createTempoGrpcSource(settings: TempoSettings, options: ResolvedTraceSourceOptions): TraceSource {
  if (!settings.grpc) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      'tempo.type is grpc but tempo.grpc is missing: set tempo.grpc.endpoint, e.g. tempo:9095',
    );
  }
  const { client, address } = createSettingsGrpcClient(
    BACKEND,
    settings.grpc,
    'tempo.grpc',
    'tempo:9095',
    options,
  );
  const target = `${settings.grpc.endpoint}${TEMPO_FIND_TRACE_METHOD}`;
  const fetchTrace = async (
    traceId: TraceId,
    fetchOptions?: FetchTraceOptions,
  ): Promise<FetchTraceResult> => {
    const answer = await client.unary(
      TEMPO_FIND_TRACE_METHOD,
      encodeTempoTraceByIdRequest(traceId),
      fetchOptions?.signal,
    );
    if (answer.status === 'not-found') return { found: false };
    const check = "check that tempo.grpc.endpoint is Tempo's gRPC port (9095)";
    let trace: Uint8Array | undefined;
    try {
      trace = (TraceByIDResponse.decode(answer.messages[0] ?? new Uint8Array()) as { trace?: Uint8Array })
        .trace;
    } catch (error) {
      throw dataStoreError(
        'bad-answer',
        target,
        `${BACKEND} at ${target} answered something that is not a tempopb.TraceByIDResponse (${(error as Error).message}): ${check}`,
      );
    }
    try {
      // An absent `trace` decodes as protobufjs' empty default; both mean "not found".
      return foundOf(trace && trace.length > 0 ? decodeOtlpProtobuf(new Uint8Array(trace)) : []);
    } catch (error) {
      throw badTraceError(error, target, check);
    }
  };
  return {
    kind: 'tempo',
    fetchTrace,
    testConnection: () =>
      testSourceConnection({
        backend: BACKEND,
        addresses: [address],
        fetchTrace,
        newTraceId: options.newTraceId,
        timeoutMs: options.requestTimeoutMs,
      }),
  };
}
