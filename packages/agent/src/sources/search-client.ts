import { TracecheckError } from '@tracecheck/core';
import { basicAuthorization } from './client-settings';
import type { SearchStoreSettings } from './data-store-config';
import { dataStoreError, dataStoreFailureOf, describeError } from './data-store-error';
import { createHttpClient, type HttpAnswer, unauthorizedError } from './http-client';
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parseJsonLossless,
  stringifyJsonLossless,
} from './parse-json-lossless';
import { addressOfUrl, joinUrl, parseBaseUrl, type ResolvedTraceSourceOptions } from './source-options';
import type { SourceAddress } from './test-source-connection';

/** Documents per search request (Elasticsearch's default `index.max_result_window`). */
export const SEARCH_PAGE_SIZE = 10_000;

/** Hits of a search, and the URL that answered (for messages). */
export interface SearchResult {
  readonly documents: readonly JsonObject[];
  readonly url: string;
}

export interface SearchClient {
  readonly addresses: readonly SourceAddress[];
  /** Runs `query` and returns every hit's `_source`, following `search_after` across pages. */
  searchAll(query: object, sort: readonly object[], signal?: AbortSignal): Promise<SearchResult>;
}

export interface SearchClientOptions {
  /** Backend name for messages, e.g. `OpenSearch`. */
  readonly backend: string;
  /** Settings' place in the DataStore document, e.g. `opensearch`. */
  readonly path: string;
  readonly settings: SearchStoreSettings;
  readonly sourceOptions: ResolvedTraceSourceOptions;
  /** Hits per request. */
  readonly pageSize: number;
}

function indexPath(index: string | undefined): string {
  const parts = (index ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  // encodeURIComponent keeps `*`, so index patterns survive.
  return parts.length === 0 ? '/_search' : `/${parts.map(encodeURIComponent).join(',')}/_search`;
}

function errorReason(body: JsonValue | undefined): string | undefined {
  if (!isJsonObject(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string') return error;
  if (isJsonObject(error)) {
    const rootCause = Array.isArray(error.root_cause) ? error.root_cause[0] : undefined;
    const cause = isJsonObject(rootCause) ? rootCause : error;
    return [cause.type, cause.reason].filter((part) => typeof part === 'string').join(': ') || undefined;
  }
  return undefined;
}

/**
 * A client of the `_search` API of OpenSearch or Elasticsearch: basic auth, TLS with a CA given as
 * PEM text or `insecureSkipVerify`, and several addresses tried in order (the next one is tried when
 * one cannot be reached).
 */
export function createSearchClient(options: SearchClientOptions): SearchClient {
  const { backend, path, settings, sourceOptions } = options;
  const example = 'https://es01:9200';
  const addresses = settings.addresses ?? [];
  if (addresses.length === 0) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path}.addresses is empty: list the URLs of the cluster's nodes, e.g. ${example}`,
    );
  }
  const bases = addresses.map((address, i) =>
    parseBaseUrl(address, true, `${path}.addresses[${i}]`, example),
  );
  const http = createHttpClient({
    backend,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(settings.username
        ? { authorization: basicAuthorization(settings.username, settings.password ?? '') }
        : {}),
    },
    query: {},
    tls: {
      rejectUnauthorized: settings.insecureSkipVerify !== true,
      ...(settings.certificate ? { ca: Buffer.from(settings.certificate) } : {}),
    },
    timeoutMs: sourceOptions.requestTimeoutMs,
    tlsHint: `give the certificate authority's PEM in ${path}.certificate, or set ${path}.insecureSkipVerify: true`,
  });
  const searchPath = indexPath(settings.index);

  /** Posts to the first address that answers. */
  const post = async (body: string, signal: AbortSignal | undefined): Promise<HttpAnswer> => {
    const failures: unknown[] = [];
    for (const base of bases) {
      try {
        return await http.request({ method: 'POST', url: joinUrl(base, searchPath), body, signal });
      } catch (error) {
        const failure = dataStoreFailureOf(error);
        if (failure !== 'unreachable' && failure !== 'timeout') throw error;
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    const urls = bases.map((base) => joinUrl(base, searchPath)).join(', ');
    throw dataStoreError(
      'unreachable',
      urls,
      `could not reach ${backend} at any of ${urls}: ${failures.map(describeError).join(' / ')}`,
      failures[0],
    );
  };

  const parseAnswer = (answer: HttpAnswer): JsonObject[] => {
    if (answer.status === 401 || answer.status === 403) {
      throw unauthorizedError(backend, answer, `check ${path}.username and ${path}.password`);
    }
    let body: JsonValue | undefined;
    try {
      body = parseJsonLossless(answer.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const hitsObject = isJsonObject(body) && isJsonObject(body.hits) ? body.hits : undefined;
    if (answer.status !== 200 || !hitsObject || !Array.isArray(hitsObject.hits)) {
      const reason = errorReason(body) ?? answer.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();
      const check = /index_not_found/.test(reason)
        ? `check ${path}.index ("${settings.index ?? ''}")`
        : `check that ${path}.addresses point at ${backend} and ${path}.index names the span index`;
      throw dataStoreError(
        'bad-answer',
        answer.url,
        `${backend} at ${answer.url} answered HTTP ${answer.status}${reason ? ` (${reason})` : ''}: ${check}`,
      );
    }
    return (hitsObject.hits as JsonValue[]).filter(isJsonObject);
  };

  return {
    addresses: bases.map(addressOfUrl),
    async searchAll(query, sort, signal) {
      const documents: JsonObject[] = [];
      const seen = new Set<string>();
      let searchAfter: JsonValue | undefined;
      let url = '';
      for (;;) {
        const page = JSON.stringify({ query, sort, size: options.pageSize });
        // Sort values go back exactly as they came (they may be 64-bit numbers).
        const body =
          searchAfter === undefined
            ? page
            : `${page.slice(0, -1)},"search_after":${stringifyJsonLossless(searchAfter)}}`;
        const answer = await post(body, signal);
        url = answer.url;
        const hits = parseAnswer(answer);
        for (const hit of hits) {
          const key = `${String(hit._index)}/${String(hit._id)}`;
          if (seen.has(key) || !isJsonObject(hit._source)) continue;
          seen.add(key);
          documents.push(hit._source);
        }
        const last = hits.at(-1);
        if (hits.length < options.pageSize || !last || !Array.isArray(last.sort)) break;
        searchAfter = last.sort;
      }
      return { documents, url };
    },
  };
}
