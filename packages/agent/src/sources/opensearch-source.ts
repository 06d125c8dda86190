import {
  type KeyValue,
  type ScopeRecord,
  SPAN_KINDS,
  type SpanKind,
  type SpanRecord,
  type SpanStatus,
  STATUS_CODES,
  type TraceId,
} from '@tracecheck/core';
import type { SearchStoreSettings } from './data-store-config';
import { dataStoreError } from './data-store-error';
import { isJsonObject, type JsonObject, type JsonValue, jsonInteger } from './parse-json-lossless';
import { createSearchClient, SEARCH_PAGE_SIZE } from './search-client';
import {
  anyValueFromJson,
  flattenDocument,
  optionalIntegerField,
  optionalSpanIdField,
  SpanDocumentError,
  spanIdField,
  stringField,
  timeField,
  traceIdField,
} from './search-documents';
import type { ResolvedTraceSourceOptions } from './source-options';
import { testSourceConnection } from './test-source-connection';
import type { FetchTraceOptions, FetchTraceResult, TraceSource } from './trace-source';

const SPAN_ATTRIBUTES = 'span.attributes.';
const RESOURCE_ATTRIBUTES = 'resource.attributes.';

/** Data Prepper writes attribute keys with `.` replaced by `@` (`http.method` → `http@method`). */
function attributeKey(key: string): string {
  return key.replaceAll('@', '.');
}

function attributesOf(object: JsonValue | undefined): KeyValue[] {
  if (!isJsonObject(object)) return [];
  return Object.entries(object).map(([key, value]) => ({
    key: attributeKey(key),
    value: anyValueFromJson(value),
  }));
}

function spanKindOf(text: string): SpanKind {
  // `SPAN_KIND_SERVER` → `server`; SPAN_KIND_UNSPECIFIED → Tracetest's `unespecified`.
  const name = text.replace(/^SPAN_KIND_/i, '').toLowerCase();
  return name === 'unspecified'
    ? 'unespecified'
    : (SPAN_KINDS.find((kind) => kind === name) ?? 'unespecified');
}

function countOf(value: JsonValue | undefined): number {
  return Number(jsonInteger(value) ?? 0n);
}

/**
 * Converts a span document of Data Prepper's `otel-v1-apm-span` index (traceId, spanId, parentSpanId,
 * name, kind, startTime, endTime, `span.attributes.*`, `resource.attributes.*`, events, links,
 * `status.code`, `instrumentationScope.*`) to a SpanRecord. Attribute types follow the JSON literal;
 * arrays and maps, which Data Prepper stores as JSON text, stay strings.
 */
function convertDataPrepperSpan(document: JsonObject): SpanRecord {
  const fields = flattenDocument(document);
  const traceId = traceIdField(fields.get('traceId'), 'traceId');
  const startTimeUnixNano = timeField(fields.get('startTime'), 'startTime');
  const duration = optionalIntegerField(fields.get('durationInNanos'), 'durationInNanos');
  const endTimeUnixNano =
    fields.get('endTime') !== undefined || duration === undefined
      ? timeField(fields.get('endTime'), 'endTime')
      : startTimeUnixNano + duration;

  const attributes: KeyValue[] = [];
  const resourceAttributes: KeyValue[] = [];
  for (const [path, value] of fields) {
    if (path.startsWith(SPAN_ATTRIBUTES)) {
      attributes.push({
        key: attributeKey(path.slice(SPAN_ATTRIBUTES.length)),
        value: anyValueFromJson(value),
      });
    } else if (path.startsWith(RESOURCE_ATTRIBUTES)) {
      resourceAttributes.push({
        key: attributeKey(path.slice(RESOURCE_ATTRIBUTES.length)),
        value: anyValueFromJson(value),
      });
    }
  }
  const serviceName = stringField(fields.get('serviceName'));
  if (serviceName && !resourceAttributes.some((attribute) => attribute.key === 'service.name')) {
    resourceAttributes.unshift({ key: 'service.name', value: { type: 'string', value: serviceName } });
  }

  const statusCode = optionalIntegerField(fields.get('status.code'), 'status.code');
  const status: SpanStatus | null =
    statusCode === undefined
      ? null
      : {
          code: STATUS_CODES[Number(statusCode)] ?? 'STATUS_CODE_UNSET',
          message: stringField(fields.get('status.message')),
        };

  const scopeName = fields.get('instrumentationScope.name') ?? fields.get('instrumentationLibrary.name');
  const scope: ScopeRecord | null =
    scopeName === undefined
      ? null
      : {
          name: stringField(scopeName),
          version: stringField(
            fields.get('instrumentationScope.version') ?? fields.get('instrumentationLibrary.version'),
          ),
          attributes: [],
          schemaUrl: '',
        };

  const events = fields.get('events');
  const links = fields.get('links');
  return {
    traceId,
    spanId: spanIdField(fields.get('spanId'), 'spanId'),
    parentSpanId: optionalSpanIdField(fields.get('parentSpanId'), 'parentSpanId') ?? null,
    traceState: stringField(fields.get('traceState')),
    flags: 0,
    name: stringField(fields.get('name')),
    kind: spanKindOf(stringField(fields.get('kind'))),
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    droppedAttributesCount: countOf(fields.get('droppedAttributesCount')),
    events: (Array.isArray(events) ? events : []).filter(isJsonObject).map((event, i) => ({
      name: stringField(event.name),
      timeUnixNano: timeField(event.time, `events[${i}].time`),
      attributes: attributesOf(event.attributes),
      droppedAttributesCount: countOf(event.droppedAttributesCount),
    })),
    droppedEventsCount: countOf(fields.get('droppedEventsCount')),
    links: (Array.isArray(links) ? links : []).filter(isJsonObject).map((link, i) => ({
      traceId: traceIdField(link.traceId, `links[${i}].traceId`),
      spanId: spanIdField(link.spanId, `links[${i}].spanId`),
      traceState: stringField(link.traceState),
      attributes: attributesOf(link.attributes),
      droppedAttributesCount: countOf(link.droppedAttributesCount),
      flags: 0,
    })),
    droppedLinksCount: countOf(fields.get('droppedLinksCount')),
    status,
    resource: { attributes: resourceAttributes, droppedAttributesCount: 0, schemaUrl: '' },
    scope,
  };
}

const BACKEND = 'OpenSearch';
const PATH = 'opensearch';

/**
 * An OpenSearch source over the span index that Data Prepper's trace pipeline writes
 * (`otel-v1-apm-span-*`): `POST {address}/{index}/_search` with a term query on `traceId`.
 */
export function createOpenSearchSource(
  settings: SearchStoreSettings,
  options: ResolvedTraceSourceOptions,
  pageSize = SEARCH_PAGE_SIZE,
): TraceSource {
  const client = createSearchClient({
    backend: BACKEND,
    path: PATH,
    settings,
    sourceOptions: options,
    pageSize,
  });
  const fetchTrace = async (
    traceId: TraceId,
    fetchOptions?: FetchTraceOptions,
  ): Promise<FetchTraceResult> => {
    const { documents, url } = await client.searchAll(
      { term: { traceId } },
      // spanId is unique within a trace, so pages never overlap or skip.
      [{ spanId: { order: 'asc', unmapped_type: 'keyword' } }],
      fetchOptions?.signal,
    );
    if (documents.length === 0) return { found: false };
    try {
      return { found: true, spans: documents.map(convertDataPrepperSpan) };
    } catch (error) {
      if (!(error instanceof SpanDocumentError)) throw error;
      throw dataStoreError(
        'bad-answer',
        url,
        `${BACKEND} at ${url} returned a document that is not a Data Prepper span (${error.message}): check that ${PATH}.index names the span index, e.g. otel-v1-apm-span-*`,
      );
    }
  };
  return {
    kind: 'opensearch',
    fetchTrace,
    testConnection: () =>
      testSourceConnection({
        backend: BACKEND,
        addresses: client.addresses,
        fetchTrace,
        newTraceId: options.newTraceId,
        timeoutMs: options.requestTimeoutMs,
      }),
  };
}
