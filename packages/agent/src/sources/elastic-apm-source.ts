import type {
  KeyValue,
  ScopeRecord,
  SpanEventRecord,
  SpanId,
  SpanKind,
  SpanLinkRecord,
  SpanRecord,
  SpanStatus,
  TraceId,
} from '@tracecheck/core';
import type { SearchStoreSettings } from './data-store-config';
import { dataStoreError } from './data-store-error';
import {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  type JsonValue,
  jsonInteger,
  jsonText,
} from './parse-json-lossless';
import { createSearchClient, SEARCH_PAGE_SIZE } from './search-client';
import {
  anyValueFromJson,
  flattenDocument,
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

type Fields = Map<string, JsonValue>;

/** Fields that describe the service rather than the operation: they form the resource. */
const RESOURCE_PREFIXES = ['service.', 'agent.', 'host.', 'container.', 'kubernetes.', 'cloud.', 'process.'];
/** Span-level fields under a resource prefix. */
const SPAN_LEVEL_PREFIXES = ['service.target.', 'service.framework.'];
/** Bookkeeping of the APM pipeline, not of the operation. */
const DROPPED_PREFIXES = ['data_stream.', 'ecs.', 'observer.', 'processor.', 'timestamp.'];
/** Fields read into the span's own fields (ids, name, times, kind, status, links). */
const CONSUMED = new Set([
  '@timestamp',
  'trace.id',
  'transaction.id',
  'span.id',
  'parent.id',
  'transaction.name',
  'span.name',
  'transaction.duration.us',
  'span.duration.us',
  'event.duration',
  'event.outcome',
  'event.ingested',
  'event.received',
  'event.agent_id_status',
  'event.success_count',
  'span.kind',
  'span.links',
  'transaction.sampled',
  'transaction.representative_count',
  'span.representative_count',
]);

const LABELS = 'labels.';
const NUMERIC_LABELS = 'numeric_labels.';

/** Labels as attributes under their own key; APM stores numeric labels as doubles. */
function labelAttributes(fields: Fields): KeyValue[] {
  const attributes: KeyValue[] = [];
  for (const [path, value] of fields) {
    if (path.startsWith(LABELS)) {
      attributes.push({ key: path.slice(LABELS.length), value: anyValueFromJson(value) });
    } else if (path.startsWith(NUMERIC_LABELS) && value instanceof JsonNumber) {
      attributes.push({
        key: path.slice(NUMERIC_LABELS.length),
        value: { type: 'double', value: value.toNumber() },
      });
    }
  }
  return attributes;
}

function startOf(fields: Fields, where: string): bigint {
  const micros = jsonInteger(fields.get('timestamp.us'));
  return micros === undefined ? timeField(fields.get('@timestamp'), `${where} @timestamp`) : micros * 1000n;
}

function durationOf(fields: Fields, event: string, where: string): bigint {
  const nanos = jsonInteger(fields.get('event.duration'));
  if (nanos !== undefined) return nanos;
  const micros = jsonInteger(fields.get(`${event}.duration.us`));
  if (micros === undefined) throw new SpanDocumentError(`${where} has no ${event}.duration.us`);
  return micros * 1000n;
}

const KINDS: Readonly<Record<string, SpanKind>> = {
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
  internal: 'internal',
};

/**
 * The span kind: `span.kind` when the document has it; otherwise a transaction is the entry of a
 * service (server, or consumer for messaging) and a span is internal work (`span.type: app`), a
 * message sent or received, or a call to another system.
 */
function kindOf(fields: Fields, event: string): SpanKind {
  const written = stringField(fields.get('span.kind'))
    .replace(/^SPAN_KIND_/i, '')
    .toLowerCase();
  if (KINDS[written]) return KINDS[written];
  if (event === 'transaction')
    return stringField(fields.get('transaction.type')) === 'messaging' ? 'consumer' : 'server';
  const type = stringField(fields.get('span.type'));
  if (type === '') return 'unespecified';
  if (type === 'app') return 'internal';
  if (type === 'messaging')
    return stringField(fields.get('span.action')) === 'receive' ? 'consumer' : 'producer';
  return 'client';
}

function statusOf(fields: Fields): SpanStatus | null {
  switch (stringField(fields.get('event.outcome'))) {
    case 'success':
      return { code: 'STATUS_CODE_OK', message: '' };
    case 'failure':
      return { code: 'STATUS_CODE_ERROR', message: '' };
    default:
      return null;
  }
}

function linksOf(fields: Fields, where: string): SpanLinkRecord[] {
  const links = fields.get('span.links');
  return (Array.isArray(links) ? links : []).filter(isJsonObject).map((link, i) => {
    const linkFields = flattenDocument(link);
    return {
      traceId: traceIdField(linkFields.get('trace.id'), `${where} span.links[${i}].trace.id`),
      spanId: spanIdField(linkFields.get('span.id'), `${where} span.links[${i}].span.id`),
      traceState: '',
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
    };
  });
}

function startsWithAny(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => path.startsWith(prefix));
}

function convertSpanDocument(
  fields: Fields,
  event: string,
  where: string,
  events: readonly SpanEventRecord[],
): SpanRecord {
  const attributes: KeyValue[] = labelAttributes(fields);
  const resourceAttributes: KeyValue[] = [];
  for (const [path, value] of fields) {
    if (CONSUMED.has(path) || path.startsWith(LABELS) || path.startsWith(NUMERIC_LABELS)) continue;
    if (startsWithAny(path, DROPPED_PREFIXES)) continue;
    const attribute = { key: path, value: anyValueFromJson(value) };
    if (startsWithAny(path, RESOURCE_PREFIXES) && !startsWithAny(path, SPAN_LEVEL_PREFIXES))
      resourceAttributes.push(attribute);
    else if (!path.startsWith('service.framework.')) attributes.push(attribute);
  }
  const framework = fields.get('service.framework.name');
  const scope: ScopeRecord | null =
    framework === undefined
      ? null
      : {
          name: stringField(framework),
          version: stringField(fields.get('service.framework.version')),
          attributes: [],
          schemaUrl: '',
        };
  const startTimeUnixNano = startOf(fields, where);
  return {
    traceId: traceIdField(fields.get('trace.id'), `${where} trace.id`),
    spanId: spanIdField(fields.get(`${event}.id`), `${where} ${event}.id`),
    parentSpanId: optionalSpanIdField(fields.get('parent.id'), `${where} parent.id`) ?? null,
    traceState: '',
    flags: 0,
    name: stringField(fields.get(`${event}.name`)),
    kind: kindOf(fields, event),
    startTimeUnixNano,
    endTimeUnixNano: startTimeUnixNano + durationOf(fields, event, where),
    attributes,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: linksOf(fields, where),
    droppedLinksCount: 0,
    status: statusOf(fields),
    resource: { attributes: resourceAttributes, droppedAttributesCount: 0, schemaUrl: '' },
    scope,
  };
}

/** An `error` document (an exception span event) as the event OpenTelemetry would have written. */
function exceptionEvent(fields: Fields, where: string): SpanEventRecord {
  const attributes: KeyValue[] = [];
  const exceptions = fields.get('error.exception');
  const exception =
    Array.isArray(exceptions) && isJsonObject(exceptions[0]) ? flattenDocument(exceptions[0]) : new Map();
  const add = (key: string, value: JsonValue | undefined): void => {
    const text = jsonText(value);
    if (text !== undefined) attributes.push({ key, value: { type: 'string', value: text } });
  };
  add('exception.type', exception.get('type'));
  add('exception.message', exception.get('message') ?? fields.get('error.log.message'));
  add('exception.stacktrace', fields.get('error.stack_trace'));
  return {
    name: 'exception',
    timeUnixNano: startOf(fields, where),
    attributes: [...attributes, ...labelAttributes(fields)],
    droppedAttributesCount: 0,
  };
}

/**
 * Converts the documents Elastic APM stores for a trace to SpanRecords: `transaction` and `span`
 * documents are spans; `log` documents (span events) and `error` documents (exception events) become
 * events of the span they belong to. Labels become attributes under their label key, ECS fields keep
 * their ECS names (service, host, agent, cloud, container, kubernetes and process fields form the
 * resource), `service.framework.*` is the scope, `event.outcome` the status. APM keeps microseconds.
 */
function convertElasticApmDocuments(documents: readonly JsonObject[]): SpanRecord[] {
  const spanDocuments: { fields: Fields; event: string; where: string }[] = [];
  const eventsBySpan = new Map<SpanId, SpanEventRecord[]>();
  const addEvent = (owner: SpanId | undefined, event: SpanEventRecord): void => {
    if (!owner) return;
    const list = eventsBySpan.get(owner) ?? [];
    list.push(event);
    eventsBySpan.set(owner, list);
  };
  documents.forEach((document, i) => {
    const fields = flattenDocument(document);
    const event = stringField(fields.get('processor.event'));
    const where = `document ${i} (${event || 'no processor.event'})`;
    switch (event) {
      case 'transaction':
      case 'span':
        spanDocuments.push({ fields, event, where });
        break;
      case 'log':
        addEvent(optionalSpanIdField(fields.get('span.id'), `${where} span.id`), {
          name: stringField(fields.get('message')),
          timeUnixNano: startOf(fields, where),
          attributes: labelAttributes(fields),
          droppedAttributesCount: 0,
        });
        break;
      case 'error':
        addEvent(
          optionalSpanIdField(fields.get('parent.id'), `${where} parent.id`),
          exceptionEvent(fields, where),
        );
        break;
    }
  });
  return spanDocuments.map(({ fields, event, where }) => {
    const id = optionalSpanIdField(fields.get(`${event}.id`), `${where} ${event}.id`);
    const events = (id ? (eventsBySpan.get(id) ?? []) : []).sort((a, b) =>
      a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
    );
    return convertSpanDocument(fields, event, where, events);
  });
}

const BACKEND = 'Elasticsearch';
const PATH = 'elasticapm';

/**
 * An Elastic APM source: `POST {address}/{index}/_search` with a term query on `trace.id` over the
 * APM indices (e.g. `traces-apm*,logs-apm*`; the logs indices hold span events).
 */
export function createElasticApmSource(
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
      { term: { 'trace.id': traceId } },
      [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { _doc: 'asc' }],
      fetchOptions?.signal,
    );
    let spans: SpanRecord[];
    try {
      spans = convertElasticApmDocuments(documents);
    } catch (error) {
      if (!(error instanceof SpanDocumentError)) throw error;
      throw dataStoreError(
        'bad-answer',
        url,
        `${BACKEND} at ${url} returned a document that is not an APM event (${error.message}): check that ${PATH}.index names the APM indices, e.g. traces-apm*`,
      );
    }
    return spans.length === 0 ? { found: false } : { found: true, spans };
  };
  return {
    kind: 'elasticapm',
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
