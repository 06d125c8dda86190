import { type AnyValue, isSpanId, parseRfc3339Nano, type SpanId, type TraceId } from '@tracecheck/core';
import {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  type JsonValue,
  jsonInteger,
  jsonText,
} from './parse-json-lossless';

/** Thrown for a search hit that is not a span document; the caller names the URL. */
export class SpanDocumentError extends Error {
  override readonly name = 'SpanDocumentError';
}

/**
 * The fields of a document by dotted path: `{"span": {"id": "a"}}` and `{"span.id": "a"}` both give
 * `span.id`. Arrays are values (not flattened), as are empty objects.
 */
export function flattenDocument(document: JsonObject): Map<string, JsonValue> {
  const fields = new Map<string, JsonValue>();
  const walk = (object: JsonObject, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isJsonObject(value) && Object.keys(value).length > 0) walk(value, path);
      else fields.set(path, value);
    }
  };
  walk(document, '');
  return fields;
}

/**
 * A JSON value as a typed attribute value: the number literal decides between `int` (`12`) and
 * `double` (`12.0`, `1e3`); arrays and objects keep their structure.
 */
export function anyValueFromJson(value: JsonValue): AnyValue {
  if (value === null) return { type: 'empty' };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (value instanceof JsonNumber) {
    return value.isInteger
      ? { type: 'int', value: value.toBigInt() }
      : { type: 'double', value: value.toNumber() };
  }
  if (Array.isArray(value)) return { type: 'array', value: value.map(anyValueFromJson) };
  return {
    type: 'kvlist',
    value: Object.entries(value as JsonObject).map(([key, item]) => ({ key, value: anyValueFromJson(item) })),
  };
}

/** A trace id written in hex; 16-digit ids are padded. */
export function traceIdField(value: JsonValue | undefined, where: string): TraceId {
  const text = (jsonText(value) ?? '').trim().toLowerCase().padStart(32, '0');
  if (!/^[0-9a-f]{32}$/.test(text) || /^0+$/.test(text)) {
    throw new SpanDocumentError(
      `${where} is ${JSON.stringify(jsonText(value) ?? null)}, expected a hex trace id`,
    );
  }
  return text as TraceId;
}

/** A span id written in hex; `undefined` when absent, empty or all zero. */
export function optionalSpanIdField(value: JsonValue | undefined, where: string): SpanId | undefined {
  const text = (jsonText(value) ?? '').trim().toLowerCase();
  if (text === '' || /^0+$/.test(text)) return undefined;
  const padded = text.padStart(16, '0');
  if (!isSpanId(padded))
    throw new SpanDocumentError(`${where} is ${JSON.stringify(text)}, expected a hex span id`);
  return padded;
}

/** A span id that must be there. */
export function spanIdField(value: JsonValue | undefined, where: string): SpanId {
  const id = optionalSpanIdField(value, where);
  if (!id) throw new SpanDocumentError(`${where} is missing, expected a hex span id`);
  return id;
}

/** An RFC 3339 time (any precision) as Unix ns. */
export function timeField(value: JsonValue | undefined, where: string): bigint {
  const text = jsonText(value);
  const ns = text === undefined ? undefined : parseRfc3339Nano(text);
  if (ns === undefined)
    throw new SpanDocumentError(`${where} is ${JSON.stringify(text ?? null)}, expected an RFC 3339 time`);
  return ns;
}

/** An integer field; `undefined` when absent. */
export function optionalIntegerField(value: JsonValue | undefined, where: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const integer = jsonInteger(value);
  if (integer === undefined)
    throw new SpanDocumentError(
      `${where} is ${JSON.stringify(jsonText(value) ?? value)}, expected an integer`,
    );
  return integer;
}

/** A string field; `''` when absent. */
export function stringField(value: JsonValue | undefined): string {
  return jsonText(value) ?? '';
}
