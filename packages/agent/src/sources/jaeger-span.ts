import {
  type AnyValue,
  isSpanId,
  type KeyValue,
  type ResourceRecord,
  type ScopeRecord,
  type SpanId,
  type SpanKind,
  type SpanLinkRecord,
  type SpanRecord,
  type SpanStatus,
  type StatusCode,
  type TraceId,
} from '@tracecheck/core';

/**
 * A Jaeger span (model.proto `Span`, or the query API's JSON span), ids and times already decoded.
 * Both Jaeger APIs are read into this shape and converted to SpanRecords in one place.
 */
export interface JaegerSpanModel {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly operationName: string;
  readonly flags: number;
  readonly references: readonly JaegerReference[];
  readonly startTimeUnixNano: bigint;
  readonly durationNano: bigint;
  readonly tags: readonly KeyValue[];
  readonly logs: readonly JaegerLog[];
  readonly process: ResourceRecord;
}

export interface JaegerReference {
  readonly refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  readonly traceId: TraceId;
  readonly spanId: SpanId;
}

export interface JaegerLog {
  readonly timeUnixNano: bigint;
  readonly fields: readonly KeyValue[];
}

// Tags the OpenTelemetry → Jaeger translation writes for span fields Jaeger has no place for.
const TAG_SPAN_KIND = 'span.kind';
const TAG_STATUS_CODE = 'otel.status_code';
const TAG_STATUS_DESCRIPTION = 'otel.status_description';
const TAG_ERROR = 'error';
const TAG_TRACE_STATE = 'w3c.tracestate';
const TAG_SCOPE_NAME = ['otel.scope.name', 'otel.library.name'];
const TAG_SCOPE_VERSION = ['otel.scope.version', 'otel.library.version'];
const LOG_EVENT_NAME = 'event';

const SPAN_KINDS: Readonly<Record<string, SpanKind>> = {
  client: 'client',
  server: 'server',
  producer: 'producer',
  consumer: 'consumer',
  internal: 'internal',
};

const STATUS_CODES: Readonly<Record<string, StatusCode>> = {
  OK: 'STATUS_CODE_OK',
  ERROR: 'STATUS_CODE_ERROR',
  UNSET: 'STATUS_CODE_UNSET',
};

/** The resource of a Jaeger process: `service.name` first, then the process tags. */
export function jaegerProcessResource(serviceName: string, tags: readonly KeyValue[]): ResourceRecord {
  return {
    attributes: [{ key: 'service.name', value: { type: 'string', value: serviceName } }, ...tags],
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
}

/**
 * Pads a Jaeger trace id to 32 hex digits: Jaeger prints 64-bit trace ids with 16 digits.
 * Returns `undefined` for text that is not a trace id.
 */
export function normalizeJaegerTraceId(hex: string): TraceId | undefined {
  const padded = hex.trim().toLowerCase().padStart(32, '0');
  return /^[0-9a-f]{32}$/.test(padded) && !/^0+$/.test(padded) ? (padded as TraceId) : undefined;
}

/** Pads a Jaeger span id to 16 hex digits; `undefined` for zero or malformed ids. */
export function normalizeJaegerSpanId(hex: string): SpanId | undefined {
  const padded = hex.trim().toLowerCase().padStart(16, '0');
  return isSpanId(padded) ? padded : undefined;
}

function textOf(value: AnyValue): string {
  switch (value.type) {
    case 'string':
      return value.value;
    case 'bool':
    case 'int':
    case 'double':
      return String(value.value);
    default:
      return '';
  }
}

/** Removes and returns the first tag named by one of `keys`. */
function takeTag(tags: KeyValue[], keys: readonly string[]): AnyValue | undefined {
  const index = tags.findIndex((tag) => keys.includes(tag.key));
  if (index < 0) return undefined;
  const [tag] = tags.splice(index, 1);
  return tag?.value;
}

function takeStatus(tags: KeyValue[]): SpanStatus | null {
  const errorIndex = tags.findIndex(
    (tag) =>
      tag.key === TAG_ERROR && (tag.value.type === 'bool' ? tag.value.value : textOf(tag.value) === 'true'),
  );
  if (errorIndex >= 0) tags.splice(errorIndex, 1);
  const code = takeTag(tags, [TAG_STATUS_CODE]);
  const description = takeTag(tags, [TAG_STATUS_DESCRIPTION]);
  const message = description ? textOf(description) : '';
  // As in OpenTelemetry's Jaeger translator, `error=true` is the final word on an error.
  if (errorIndex >= 0) return { code: 'STATUS_CODE_ERROR', message };
  if (code) return { code: STATUS_CODES[textOf(code).toUpperCase()] ?? 'STATUS_CODE_UNSET', message };
  return null;
}

function takeScope(tags: KeyValue[]): ScopeRecord | null {
  const name = takeTag(tags, TAG_SCOPE_NAME);
  const version = takeTag(tags, TAG_SCOPE_VERSION);
  if (!name) return null;
  return { name: textOf(name), version: version ? textOf(version) : '', attributes: [], schemaUrl: '' };
}

/**
 * Converts a Jaeger span to a SpanRecord, undoing the OpenTelemetry → Jaeger translation: tags
 * `span.kind`, `otel.status_code`/`otel.status_description`/`error`, `w3c.tracestate` and
 * `otel.scope.name`/`otel.scope.version` become the span's kind, status, trace state and scope;
 * logs become events (named by their `event` field); the first CHILD_OF reference in the same trace
 * is the parent, every other reference a link; the process is the resource.
 */
export function convertJaegerSpan(span: JaegerSpanModel): SpanRecord {
  const tags = [...span.tags];
  const kindTag = takeTag(tags, [TAG_SPAN_KIND]);
  const status = takeStatus(tags);
  const traceState = takeTag(tags, [TAG_TRACE_STATE]);
  const scope = takeScope(tags);

  const parentIndex = span.references.findIndex(
    (ref) => ref.refType === 'CHILD_OF' && ref.traceId === span.traceId,
  );
  const links: SpanLinkRecord[] = span.references
    .filter((_, index) => index !== parentIndex)
    .map((ref) => ({
      traceId: ref.traceId,
      spanId: ref.spanId,
      traceState: '',
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
    }));

  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.references[parentIndex]?.spanId ?? null,
    traceState: traceState ? textOf(traceState) : '',
    // Only the sampled bit means the same in Jaeger's flags and W3C trace flags.
    flags: span.flags & 0x01,
    name: span.operationName,
    kind: (kindTag && SPAN_KINDS[textOf(kindTag).toLowerCase()]) || 'unespecified',
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.startTimeUnixNano + span.durationNano,
    attributes: tags,
    droppedAttributesCount: 0,
    events: span.logs.map((log) => {
      const fields = [...log.fields];
      const name = takeTag(fields, [LOG_EVENT_NAME]);
      return {
        name: name ? textOf(name) : '',
        timeUnixNano: log.timeUnixNano,
        attributes: fields,
        droppedAttributesCount: 0,
      };
    }),
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status,
    resource: span.process,
    scope,
  };
}
