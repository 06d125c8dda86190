import { TracecheckError, type TraceId } from '@tracecheck/core';
import {
  cleanHeaders,
  type ResolvedAuth,
  type ResolvedTls,
  resolveAuth,
  resolveTls,
} from './client-settings';
import type { GrpcClientSettings, HttpClientSettings } from './data-store-config';
import { createGrpcClient, type GrpcClient, splitHostPort } from './grpc-client';
import { createHttpClient, type HttpClient } from './http-client';
import { randomTraceId, type SourceAddress } from './test-source-connection';

/** Options of `createTraceSource`. */
export interface TraceSourceOptions {
  /** A request fails when the backend stays silent this long. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** The trace id the connection test's fetch step asks for. Default: a random id. */
  readonly newTraceId?: () => TraceId;
}

export interface ResolvedTraceSourceOptions {
  readonly requestTimeoutMs: number;
  readonly newTraceId: () => TraceId;
}

export function resolveTraceSourceOptions(
  options: TraceSourceOptions | undefined,
): ResolvedTraceSourceOptions {
  return {
    requestTimeoutMs: options?.requestTimeoutMs ?? 30_000,
    newTraceId: options?.newTraceId ?? randomTraceId,
  };
}

/** The address of a URL, for the port step. */
export function addressOfUrl(url: URL): SourceAddress {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

/**
 * Parses an HTTP base URL from the settings. A URL written without a scheme (`tempo:80`) gets `http://`
 * when `tls.insecure` is set and `https://` otherwise.
 */
export function parseBaseUrl(
  text: string | undefined,
  insecure: boolean,
  path: string,
  example: string,
): URL {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path} is empty: set it to the backend's URL, e.g. ${example}`,
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `${insecure ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path} "${trimmed}" is not a URL: write it like ${example}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path} "${trimmed}" must start with http:// or https://, e.g. ${example}`,
    );
  }
  return url;
}

/** `path` (starting with `/`) appended to the base URL's path. */
export function joinUrl(base: URL, path: string): string {
  return new URL(base.pathname.replace(/\/+$/, '') + path, base).href;
}

/** An HTTP client for HttpClientSettings (or the HTTP form of a Jaeger endpoint). */
export function createSettingsHttpClient(
  backend: string,
  settings: HttpClientSettings,
  path: string,
  options: ResolvedTraceSourceOptions,
): HttpClient {
  const auth: ResolvedAuth = resolveAuth(settings.auth);
  return createHttpClient({
    backend,
    headers: { ...cleanHeaders(settings.headers), ...auth.headers },
    query: auth.query,
    tls: resolveTls(settings.tls, `${path}.tls`),
    timeoutMs: options.requestTimeoutMs,
    tlsHint: `set ${path}.tls.insecureSkipVerify: true, or give the certificate authority in ${path}.tls.settings.cAFile`,
  });
}

/** A gRPC client and its address for GRPCClientSettings. */
export function createSettingsGrpcClient(
  backend: string,
  settings: GrpcClientSettings,
  path: string,
  example: string,
  options: ResolvedTraceSourceOptions,
): { client: GrpcClient; address: SourceAddress } {
  const endpoint = (settings.endpoint ?? '').trim();
  // A scheme says whether the channel is plain text; gRPC itself takes a bare host:port.
  const scheme = /^(https?):\/\//i.exec(endpoint)?.[1]?.toLowerCase();
  const target = endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const address = splitHostPort(target);
  if (!address) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      endpoint === ''
        ? `${path}.endpoint is empty: set it to ${backend}'s gRPC address, e.g. ${example}`
        : `${path}.endpoint "${endpoint}" is not host:port: write it like ${example}`,
    );
  }
  const tls: ResolvedTls = resolveTls(settings.tls, `${path}.tls`);
  const auth = resolveAuth(settings.auth);
  const client = createGrpcClient({
    backend,
    target,
    insecure: scheme === 'http' || (scheme === undefined && settings.tls?.insecure === true),
    tls,
    headers: { ...cleanHeaders(settings.headers), ...auth.headers, ...auth.query },
    waitForReady: settings.waitForReady === true,
    balancerName: settings.balancerName ?? '',
    timeoutMs: options.requestTimeoutMs,
    tlsHint: `set ${path}.tls.insecure: true for a plain-text server, ${path}.tls.insecureSkipVerify: true to accept its certificate, or give the certificate authority in ${path}.tls.settings.cAFile`,
  });
  return { client, address };
}
