import {
  type AnyValue,
  type KeyValue,
  SPAN_KINDS,
  type SpanEventRecord,
  type SpanLinkRecord,
  type SpanRecord,
  STATUS_CODES,
} from '../trace/model';
import { encodeBase64 } from './base64';
import { groupRecords } from './group-records';
import type {
  OtlpJsonAnyValue,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLink,
  OtlpJsonScopeSpans,
  OtlpJsonSpan,
  OtlpJsonTraceRequest,
} from './otlp-json';

function encodeDouble(value: number): number | string {
  // JSON has no NaN, Infinity or negative zero: the protobuf JSON mapping writes them as strings.
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

function encodeAnyValue(value: AnyValue): OtlpJsonAnyValue {
  switch (value.type) {
    case 'string':
      return { stringValue: value.value };
    case 'bool':
      return { boolValue: value.value };
    case 'int':
      return { intValue: value.value.toString() };
    case 'double':
      return { doubleValue: encodeDouble(value.value) };
    case 'bytes':
      return { bytesValue: encodeBase64(value.value) };
    case 'array':
      return { arrayValue: { values: value.value.map(encodeAnyValue) } };
    case 'kvlist':
      return { kvlistValue: { values: encodeKeyValues(value.value) } };
    case 'empty':
      return {};
  }
}

function encodeKeyValues(list: readonly KeyValue[]): OtlpJsonKeyValue[] {
  return list.map((kv) => ({ key: kv.key, value: encodeAnyValue(kv.value) }));
}

function encodeEvent(event: SpanEventRecord): OtlpJsonEvent {
  return {
    timeUnixNano: event.timeUnixNano.toString(),
    name: event.name,
    attributes: encodeKeyValues(event.attributes),
    ...(event.droppedAttributesCount === 0 ? {} : { droppedAttributesCount: event.droppedAttributesCount }),
  };
}

function encodeLink(link: SpanLinkRecord): OtlpJsonLink {
  return {
    traceId: link.traceId,
    spanId: link.spanId,
    ...(link.traceState === '' ? {} : { traceState: link.traceState }),
    attributes: encodeKeyValues(link.attributes),
    ...(link.droppedAttributesCount === 0 ? {} : { droppedAttributesCount: link.droppedAttributesCount }),
    ...(link.flags === 0 ? {} : { flags: link.flags }),
  };
}

function encodeSpan(span: SpanRecord): OtlpJsonSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId === null ? {} : { parentSpanId: span.parentSpanId }),
    ...(span.traceState === '' ? {} : { traceState: span.traceState }),
    ...(span.flags === 0 ? {} : { flags: span.flags }),
    name: span.name,
    kind: SPAN_KINDS.indexOf(span.kind),
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes: encodeKeyValues(span.attributes),
    ...(span.droppedAttributesCount === 0 ? {} : { droppedAttributesCount: span.droppedAttributesCount }),
    ...(span.events.length === 0 ? {} : { events: span.events.map(encodeEvent) }),
    ...(span.droppedEventsCount === 0 ? {} : { droppedEventsCount: span.droppedEventsCount }),
    ...(span.links.length === 0 ? {} : { links: span.links.map(encodeLink) }),
    ...(span.droppedLinksCount === 0 ? {} : { droppedLinksCount: span.droppedLinksCount }),
    ...(span.status === null
      ? {}
      : {
          status: {
            code: STATUS_CODES.indexOf(span.status.code),
            ...(span.status.message === '' ? {} : { message: span.status.message }),
          },
        }),
  };
}

/**
 * Encodes span records as an OTLP/JSON `ExportTraceServiceRequest` object (pass it to `JSON.stringify`),
 * grouped by resource object then scope object, so `decodeOtlpJson(encodeOtlpJson(records))`
 * deep-equals `records`. Ids are hex, int64 values and times decimal strings, enums numbers.
 * @example JSON.stringify(encodeOtlpJson(records))
 */
export function encodeOtlpJson(records: readonly SpanRecord[]): OtlpJsonTraceRequest {
  const resourceSpans = [];
  for (const [resource, scopes] of groupRecords(records)) {
    const scopeSpans: OtlpJsonScopeSpans[] = [];
    for (const [scope, spans] of scopes) {
      scopeSpans.push({
        ...(scope === null
          ? {}
          : {
              scope: {
                name: scope.name,
                ...(scope.version === '' ? {} : { version: scope.version }),
                ...(scope.attributes.length === 0 ? {} : { attributes: encodeKeyValues(scope.attributes) }),
              },
            }),
        spans: spans.map(encodeSpan),
        ...(scope === null || scope.schemaUrl === '' ? {} : { schemaUrl: scope.schemaUrl }),
      });
    }
    resourceSpans.push({
      resource: {
        attributes: encodeKeyValues(resource.attributes),
        ...(resource.droppedAttributesCount === 0
          ? {}
          : { droppedAttributesCount: resource.droppedAttributesCount }),
      },
      scopeSpans,
      ...(resource.schemaUrl === '' ? {} : { schemaUrl: resource.schemaUrl }),
    });
  }
  return { resourceSpans };
}
