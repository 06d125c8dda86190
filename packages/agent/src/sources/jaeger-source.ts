import type { TraceId } from '@tracecheck/core';
import type { GrpcClientSettings } from './data-store-config';
import { dataStoreError } from './data-store-error';
import { unauthorizedError, unexpectedAnswerError } from './http-client';
import { isJaegerNotFoundAnswer, JaegerFormatError, parseJaegerJsonTraces } from './jaeger-json';
import {
  decodeJaegerSpansChunk,
  encodeJaegerGetTraceRequest,
  JAEGER_GET_TRACE_METHOD,
  JaegerProtoError,
} from './jaeger-proto';
import { convertJaegerSpan, type JaegerSpanModel } from './jaeger-span';
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

const BACKEND = 'Jaeger';
const PATH = 'jaeger';
const EXAMPLE = 'jaeger:16685 (gRPC query service) or http://jaeger:16686 (HTTP query API)';

function found(spans: readonly JaegerSpanModel[]): FetchTraceResult {
  return spans.length === 0 ? { found: false } : { found: true, spans: spans.map(convertJaegerSpan) };
}

/**
 * A Jaeger source. `endpoint` written as an `http(s)://` URL uses the query service's HTTP API
 * (`GET {url}/api/traces/{id}`, port 16686); written as `host:port` it uses the gRPC query service
 * (`jaeger.api_v2.QueryService/GetTrace`, port 16685).
 */
export function createJaegerSource(
  settings: GrpcClientSettings,
  options: ResolvedTraceSourceOptions,
): TraceSource {
  const endpoint = (settings.endpoint ?? '').trim();
  return /^https?:\/\//i.test(endpoint)
    ? createJaegerHttpSource(settings, options)
    : createJaegerGrpcSource(settings, options);
}

function createJaegerHttpSource(
  settings: GrpcClientSettings,
  options: ResolvedTraceSourceOptions,
): TraceSource {
  const base = parseBaseUrl(settings.endpoint, false, `${PATH}.endpoint`, EXAMPLE);
  const client = createSettingsHttpClient(
    BACKEND,
    { headers: settings.headers, tls: settings.tls, auth: settings.auth },
    PATH,
    options,
  );
  const fetchTrace = async (
    traceId: TraceId,
    fetchOptions?: FetchTraceOptions,
  ): Promise<FetchTraceResult> => {
    const answer = await client.request({
      method: 'GET',
      url: joinUrl(base, `/api/traces/${traceId}`),
      headers: { accept: 'application/json' },
      signal: fetchOptions?.signal,
    });
    if (answer.status === 401 || answer.status === 403) {
      throw unauthorizedError(BACKEND, answer, `check the ${PATH}.auth or ${PATH}.headers credentials`);
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (answer.status === 404 && isJaegerNotFoundAnswer(json)) return { found: false };
    const checkUrl = `check that ${PATH}.endpoint is the base URL of the Jaeger query service (port 16686, without /api)`;
    if (answer.status !== 200 || json === undefined) throw unexpectedAnswerError(BACKEND, answer, checkUrl);
    try {
      return found(parseJaegerJsonTraces(json));
    } catch (error) {
      if (!(error instanceof JaegerFormatError)) throw error;
      throw dataStoreError(
        'bad-answer',
        answer.url,
        `${BACKEND} at ${answer.url} answered JSON that is not a Jaeger trace (${error.message}): ${checkUrl}`,
      );
    }
  };
  return {
    kind: 'jaeger',
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

function createJaegerGrpcSource(
  settings: GrpcClientSettings,
  options: ResolvedTraceSourceOptions,
): TraceSource {
  const { client, address } = createSettingsGrpcClient(BACKEND, settings, PATH, EXAMPLE, options);
  const fetchTrace = async (
    traceId: TraceId,
    fetchOptions?: FetchTraceOptions,
  ): Promise<FetchTraceResult> => {
    const answer = await client.serverStream(
      JAEGER_GET_TRACE_METHOD,
      encodeJaegerGetTraceRequest(traceId),
      fetchOptions?.signal,
    );
    if (answer.status === 'not-found') return { found: false };
    try {
      return found(answer.messages.flatMap(decodeJaegerSpansChunk));
    } catch (error) {
      if (!(error instanceof JaegerProtoError)) throw error;
      const target = `${settings.endpoint}${JAEGER_GET_TRACE_METHOD}`;
      throw dataStoreError(
        'bad-answer',
        target,
        `${BACKEND} at ${target} answered something that is not a trace (${error.message}): check that ${PATH}.endpoint is the gRPC port of the Jaeger query service (16685)`,
      );
    }
  };
  return {
    kind: 'jaeger',
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
