/**
 * Fake OpenSearch / Elasticsearch clusters (test support): `POST /{index}/_search` with a term query,
 * sort, size and search_after over stored documents, and the span documents that Data Prepper
 * (`otel-v1-apm-span`) and Elastic APM Server write for OpenTelemetry spans.
 */
import { type AnyValue, formatRfc3339Nano, type KeyValue, type SpanRecord } from '@tracecheck/core';
import { serviceNameOf } from './fixture-trace';
import { startTestServer, type TestResponse, type TestServer } from './http-test-server';

/** A number written with exactly this literal (JavaScript numbers cannot hold every long). */
export class Raw {
  constructor(readonly literal: string) {}
}

export type Doc =
  | null
  | boolean
  | string
  | number
  | Raw
  | readonly Doc[]
  | { readonly [key: string]: Doc | undefined };

/** JSON text of a document, `Raw` numbers as their literal. */
function docText(value: Doc): string {
  if (value instanceof Raw) return value.literal;
  if (Array.isArray(value)) return `[${value.map(docText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${docText(item as Doc)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function fieldAt(doc: Doc | undefined, path: string): Doc | undefined {
  if (
    doc === null ||
    doc === undefined ||
    typeof doc !== 'object' ||
    Array.isArray(doc) ||
    doc instanceof Raw
  )
    return undefined;
  const record = doc as { readonly [key: string]: Doc | undefined };
  if (path in record) return record[path];
  // A dotted path may be written nested (`{"trace": {"id": …}}`) or flat (`{"trace.id": …}`).
  for (let i = path.indexOf('.'); i > 0; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    const found = head in record ? fieldAt(record[head], path.slice(i + 1)) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

function sortValue(doc: Doc, field: string, position: number): string | number {
  if (field === '_doc') return position;
  const value = fieldAt(doc, field);
  if (value instanceof Raw) return Number(value.literal);
  return typeof value === 'string' || typeof value === 'number' ? value : '';
}

function compare(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

export interface FakeSearchOptions {
  /** The index name or pattern the cluster serves (requests for another get 404). */
  readonly index: string;
  readonly documents: readonly Doc[];
  /** Accepted `authorization` header; other requests get 401. */
  readonly authorization?: string;
  /** Serves over TLS with this certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

/** Searches received, as parsed request bodies. */
export interface FakeSearchServer extends TestServer {
  readonly searches: { query: unknown; size: number; sort: unknown[]; search_after?: unknown[] }[];
}

/** Starts a cluster that answers `_search` requests like OpenSearch and Elasticsearch do. */
export async function startFakeSearchServer(options: FakeSearchOptions): Promise<FakeSearchServer> {
  const searches: FakeSearchServer['searches'] = [];
  const json = (status: number, body: Doc): TestResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: docText(body),
  });
  const server = await startTestServer((request) => {
    if (options.authorization && request.headers.authorization !== options.authorization) {
      return json(401, {
        error: {
          root_cause: [
            {
              type: 'security_exception',
              reason: 'unable to authenticate user [elastic] for REST request [/_search]',
            },
          ],
          type: 'security_exception',
          reason: 'unable to authenticate user [elastic] for REST request [/_search]',
        },
        status: 401,
      });
    }
    const match = /^\/([^/]+)\/_search$/.exec(request.url);
    if (request.method !== 'POST' || !match)
      return json(405, { error: 'Incorrect HTTP method', status: 405 });
    const index = decodeURIComponent(match[1] ?? '');
    if (index !== options.index) {
      return json(404, {
        error: {
          root_cause: [{ type: 'index_not_found_exception', reason: `no such index [${index}]` }],
          type: 'index_not_found_exception',
          reason: `no such index [${index}]`,
        },
        status: 404,
      });
    }
    const body = JSON.parse(request.body) as FakeSearchServer['searches'][number];
    searches.push(body);
    const term = (body.query as { term: Record<string, string> }).term;
    const [[field, value] = ['', '']] = Object.entries(term);
    const sortFields = body.sort.map((entry) => Object.keys(entry as object)[0] ?? '');
    const hits = options.documents
      .map((doc, position) => ({ doc, position, sort: sortFields.map((f) => sortValue(doc, f, position)) }))
      .filter(({ doc }) => fieldAt(doc, field) === value)
      .sort((a, b) => compare(a.sort, b.sort))
      .filter(({ sort }) => !body.search_after || compare(sort, body.search_after as (string | number)[]) > 0)
      .slice(0, body.size);
    return json(200, {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: hits.length, relation: 'eq' },
        max_score: null,
        hits: hits.map(({ doc, position, sort }) => ({
          _index: options.index,
          _id: `doc-${position}`,
          _score: null,
          _source: doc,
          sort,
        })),
      },
    });
  }, options.tls);
  return Object.assign(server, { searches });
}

/** Java's `Instant.toString()`: fraction digits in groups of three. */
function instantText(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  const nanos = ns % 1_000_000_000n;
  if (nanos === 0n) return `${iso}Z`;
  const digits = nanos.toString().padStart(9, '0');
  const length = nanos % 1_000_000n === 0n ? 3 : nanos % 1000n === 0n ? 6 : 9;
  return `${iso}.${digits.slice(0, length)}Z`;
}

/** A value as Jackson writes it for Data Prepper: doubles always with a fraction or exponent. */
function jacksonValue(value: AnyValue): Doc {
  switch (value.type) {
    case 'int':
      return new Raw(value.value.toString());
    case 'double':
      return new Raw(Number.isInteger(value.value) ? `${value.value}.0` : String(value.value));
    case 'string':
    case 'bool':
      return value.value;
    default:
      return null;
  }
}

function atKeys(attributes: readonly KeyValue[], prefix = ''): Record<string, Doc> {
  return Object.fromEntries(
    attributes.map((a) => [`${prefix}${a.key.replaceAll('.', '@')}`, jacksonValue(a.value)]),
  );
}

const STATUS_NUMBERS = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } as const;

/** The document Data Prepper's OpenSearch sink writes to `otel-v1-apm-span-*` for a span. */
export function toDataPrepperDocument(span: SpanRecord): Doc {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    kind: `SPAN_KIND_${span.kind === 'unespecified' ? 'UNSPECIFIED' : span.kind.toUpperCase()}`,
    startTime: instantText(span.startTimeUnixNano),
    endTime: instantText(span.endTimeUnixNano),
    durationInNanos: new Raw((span.endTimeUnixNano - span.startTimeUnixNano).toString()),
    serviceName: serviceNameOf(span.resource),
    events: span.events.map((event) => ({
      time: instantText(event.timeUnixNano),
      name: event.name,
      attributes: atKeys(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      traceState: link.traceState,
      attributes: atKeys(link.attributes),
      droppedAttributesCount: link.droppedAttributesCount,
    })),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    traceGroup: span.parentSpanId ? null : span.name,
    ...atKeys(span.attributes, 'span.attributes.'),
    ...atKeys(span.resource.attributes, 'resource.attributes.'),
    ...(span.scope
      ? { 'instrumentationScope.name': span.scope.name, 'instrumentationScope.version': span.scope.version }
      : {}),
    'status.code': STATUS_NUMBERS[span.status?.code ?? 'STATUS_CODE_UNSET'],
    ...(span.status?.message ? { 'status.message': span.status.message } : {}),
  };
}

function labelsOf(attributes: readonly KeyValue[]): {
  labels?: Record<string, Doc>;
  numeric_labels?: Record<string, Doc>;
} {
  const labels: Record<string, Doc> = {};
  const numeric: Record<string, Doc> = {};
  for (const { key, value } of attributes) {
    const label = key.replaceAll('.', '_');
    if (value.type === 'int' || value.type === 'double') numeric[label] = Number(value.value);
    else if (value.type === 'bool') labels[label] = String(value.value);
    else if (value.type === 'string') labels[label] = value.value;
  }
  return {
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(numeric).length ? { numeric_labels: numeric } : {}),
  };
}

function timestampFields(ns: bigint): Record<string, Doc> {
  return { '@timestamp': formatRfc3339Nano(ns), timestamp: { us: new Raw((ns / 1000n).toString()) } };
}

const OUTCOMES = {
  STATUS_CODE_OK: 'success',
  STATUS_CODE_ERROR: 'failure',
  STATUS_CODE_UNSET: 'unknown',
} as const;

/** The resource as APM Server maps it: ECS service and host fields. */
function apmResource(span: SpanRecord): Record<string, Doc> {
  const resource: Record<string, Record<string, Doc>> = { service: { name: serviceNameOf(span.resource) } };
  for (const { key, value } of span.resource.attributes) {
    if (key === 'host.name' && value.type === 'string') resource.host = { hostname: value.value };
    if (key === 'deployment.environment' && value.type === 'string')
      resource.service = { ...resource.service, environment: value.value };
    if (key === 'process.pid' && value.type === 'int')
      resource.process = { pid: new Raw(value.value.toString()) };
  }
  return resource;
}

/**
 * The documents Elastic APM Server writes for an OpenTelemetry span: a transaction (roots, server and
 * consumer spans) or a span document, a `log` document per event and an `error` document per
 * exception event. Semantic attributes it maps to ECS fields are mapped; the others become labels.
 */
export function toElasticApmDocuments(span: SpanRecord): Doc[] {
  const transaction = span.parentSpanId === null || span.kind === 'server' || span.kind === 'consumer';
  const attributes = span.attributes.filter(
    (a) => !['http.method', 'http.status_code', 'db.system', 'db.statement'].includes(a.key),
  );
  const attribute = (key: string): AnyValue | undefined => span.attributes.find((a) => a.key === key)?.value;
  const method = attribute('http.method');
  const statusCode = attribute('http.status_code');
  const dbSystem = attribute('db.system');
  const dbStatement = attribute('db.statement');
  const durationUs = new Raw(((span.endTimeUnixNano - span.startTimeUnixNano) / 1000n).toString());
  const outcome = OUTCOMES[span.status?.code ?? 'STATUS_CODE_UNSET'];
  const base = {
    ...timestampFields(span.startTimeUnixNano),
    agent: { name: 'opentelemetry/nodejs', version: '1.30.0' },
    ...apmResource(span),
    trace: { id: span.traceId },
    ...(span.parentSpanId ? { parent: { id: span.parentSpanId } } : {}),
    observer: { type: 'apm-server', version: '8.15.0' },
    data_stream: { type: 'traces', dataset: 'apm', namespace: 'default' },
    ...labelsOf(attributes),
  };
  const http =
    method || statusCode
      ? {
          http: {
            ...(method?.type === 'string' ? { request: { method: method.value } } : {}),
            ...(statusCode?.type === 'int' ? { response: { status_code: Number(statusCode.value) } } : {}),
          },
        }
      : {};
  const links = span.links.length
    ? { links: span.links.map((link) => ({ trace: { id: link.traceId }, span: { id: link.spanId } })) }
    : {};
  const document: Doc = transaction
    ? {
        ...base,
        ...http,
        processor: { event: 'transaction' },
        event: { outcome },
        service: {
          ...(apmResource(span).service as Record<string, Doc>),
          ...(span.scope ? { framework: { name: span.scope.name, version: span.scope.version } } : {}),
        },
        transaction: {
          id: span.spanId,
          name: span.name,
          type: method ? 'request' : 'unknown',
          duration: { us: durationUs },
          sampled: true,
          ...(span.status?.code === 'STATUS_CODE_ERROR' ? { result: 'Error' } : {}),
        },
        span: { id: span.spanId, ...links },
      }
    : {
        ...base,
        ...http,
        processor: { event: 'span' },
        event: { outcome },
        span: {
          id: span.spanId,
          name: span.name,
          duration: { us: durationUs },
          ...(dbSystem?.type === 'string'
            ? {
                type: 'db',
                subtype: dbSystem.value,
                db: {
                  type: dbSystem.value,
                  ...(dbStatement?.type === 'string' ? { statement: dbStatement.value } : {}),
                },
              }
            : span.kind === 'internal'
              ? { type: 'app', subtype: 'internal' }
              : { type: 'unknown' }),
          ...links,
        },
      };
  const owner = transaction
    ? { transaction: { id: span.spanId }, span: { id: span.spanId } }
    : { span: { id: span.spanId } };
  const events: Doc[] = span.events.map((event) => {
    const eventBase = {
      ...timestampFields(event.timeUnixNano),
      ...apmResource(span),
      trace: { id: span.traceId },
    };
    if (event.name === 'exception') {
      const text = (key: string): string => {
        const value = event.attributes.find((a) => a.key === key)?.value;
        return value?.type === 'string' ? value.value : '';
      };
      return {
        ...eventBase,
        processor: { event: 'error' },
        parent: { id: span.spanId },
        ...(transaction ? { transaction: { id: span.spanId } } : {}),
        error: {
          id: `err-${span.spanId}`,
          exception: [{ type: text('exception.type'), message: text('exception.message') }],
        },
        data_stream: { type: 'logs', dataset: 'apm.error', namespace: 'default' },
      };
    }
    return {
      ...eventBase,
      ...owner,
      ...(span.parentSpanId ? { parent: { id: span.parentSpanId } } : {}),
      processor: { event: 'log' },
      event: { kind: 'event' },
      message: event.name,
      data_stream: { type: 'logs', dataset: 'apm.app', namespace: 'default' },
      ...labelsOf(event.attributes),
    };
  });
  return [document, ...events];
}
