import { TracecheckError } from '@tracecheck/core';
import protobuf from 'protobufjs';

/*
 * Protobuf JSON (the mapping of Go's protojson, which Tracetest uses) over protobufjs types loaded with
 * `keepCase`: requests accept a field's proto name or its JSON name; responses use JSON names, emit
 * default values, write 64-bit integers as strings and enums as names, and render the well-known types
 * Timestamp, Duration, the wrappers, Struct, Value and ListValue as their JSON forms.
 */

type JsonObject = { [key: string]: unknown };

/** protoc's `ToJsonName`: underscores dropped, the letter after each upper-cased. */
export function toJsonName(protoName: string): string {
  return protoName.replace(/_+(.?)/g, (_, next: string) => next.toUpperCase());
}

function jsonNameOf(field: protobuf.Field): string {
  const declared: unknown = field.options?.json_name;
  return typeof declared === 'string' ? declared : toJsonName(field.name);
}

function invalid(path: string, expected: string, value: unknown): TracecheckError {
  return new TracecheckError(
    'REQUEST_INVALID',
    `request field "${path}": expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (name) => `.google.protobuf.${name}Value`,
  ),
);

/**
 * Reads request JSON into the plain object protobufjs `Type.fromObject` expects (proto field names).
 * Unknown fields are ignored; a value of the wrong kind is an error naming the field path.
 */
export function readJsonMessage(type: protobuf.Type, json: unknown, path = ''): JsonObject {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return readTimestamp(json, path);
    case '.google.protobuf.Duration':
      return readDuration(json, path);
    case '.google.protobuf.Struct':
      return readStruct(json, path);
    case '.google.protobuf.Value':
      return readStructValue(json, path);
    case '.google.protobuf.ListValue':
      return readListValue(json, path);
  }
  const valueField = type.fields.value;
  if (WRAPPERS.has(type.fullName) && valueField) return { value: readSingle(valueField, json, path) };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(path || '(request)', `a JSON object for message ${type.name}`, json);
  }
  const message: JsonObject = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? type.fieldsArray.find((candidate) => jsonNameOf(candidate) === key);
    if (!field || value === null) continue;
    message[field.name] = readField(field, value, path ? `${path}.${key}` : key);
  }
  return message;
}

function readField(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field.map) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(path, 'a JSON object (map)', value);
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, readSingle(field, item, `${path}[${key}]`)]),
    );
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw invalid(path, 'a JSON array', value);
    return value.map((item, index) => readSingle(field, item, `${path}[${index}]`));
  }
  return readSingle(field, value, path);
}

const INTEGER_TEXT_RE = /^-?\d+$/;

function readSingle(field: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return readJsonMessage(resolved, value, path);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw invalid(path, `one of ${Object.keys(resolved.values).join(', ')}`, value);
  }
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') throw invalid(path, 'a string', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
      return value;
    case 'bytes':
      if (typeof value !== 'string') throw invalid(path, 'base64 text', value);
      return value.replaceAll('-', '+').replaceAll('_', '/');
    case 'double':
    case 'float':
      return readFloat(value, path);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64': {
      const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
      if (typeof text !== 'string' || !INTEGER_TEXT_RE.test(text)) throw invalid(path, 'an integer', value);
      return text;
    }
    default: {
      const number = typeof value === 'string' && INTEGER_TEXT_RE.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number)) throw invalid(path, 'an integer', value);
      return number;
    }
  }
}

function readFloat(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw invalid(path, 'a number', value);
}

const TIMESTAMP_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

function readTimestamp(json: unknown, path: string): JsonObject {
  const match = typeof json === 'string' ? TIMESTAMP_RE.exec(json) : null;
  const base = match ? Date.parse(`${match[1]}${match[3]!.toUpperCase()}`) : Number.NaN;
  if (!match || Number.isNaN(base))
    throw invalid(path, 'an RFC 3339 timestamp like 2024-01-31T12:00:00Z', json);
  return { seconds: String(base / 1000), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function readDuration(json: unknown, path: string): JsonObject {
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) throw invalid(path, 'a duration like "1.5s"', json);
  const sign = match[1] ? -1 : 1;
  const nanos = Number((match[3] ?? '').padEnd(9, '0'));
  return { seconds: `${match[1] ?? ''}${match[2]}`, nanos: sign * nanos };
}

function readStruct(json: unknown, path: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw invalid(path, 'a JSON object', json);
  return {
    fields: Object.fromEntries(
      Object.entries(json).map(([key, value]) => [key, readStructValue(value, `${path}.${key}`)]),
    ),
  };
}

function readListValue(json: unknown, path: string): JsonObject {
  if (!Array.isArray(json)) throw invalid(path, 'a JSON array', json);
  return { values: json.map((item, index) => readStructValue(item, `${path}[${index}]`)) };
}

function readStructValue(json: unknown, path: string): JsonObject {
  if (json === null) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: readListValue(json, path) };
  return { structValue: readStruct(json, path) };
}

/**
 * Renders a decoded message as protobuf JSON text with a 2-space indent, fields in number order.
 * @example renderJsonMessage(type, message) // '{\n  "orderId": "7",\n  "total": 0\n}'
 */
export function renderJsonMessage(type: protobuf.Type, message: protobuf.Message): string {
  const object = type.toObject(message, {
    longs: String,
    enums: String,
    bytes: String,
    defaults: true,
    json: true,
  });
  return JSON.stringify(renderMessage(type, object), null, 2);
}

function renderMessage(type: protobuf.Type, object: JsonObject): unknown {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return renderTimestamp(object);
    case '.google.protobuf.Duration':
      return renderDuration(object);
    case '.google.protobuf.Struct':
      return renderStruct(object);
    case '.google.protobuf.Value':
      return renderStructValue(object);
    case '.google.protobuf.ListValue':
      return renderListValue(object);
  }
  const valueField = type.fields.value;
  if (WRAPPERS.has(type.fullName) && valueField) return renderSingle(valueField, object.value);
  const json: JsonObject = {};
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    if (!(field.name in object)) continue;
    json[jsonNameOf(field)] = renderField(field, object[field.name]);
  }
  return json;
}

function renderField(field: protobuf.Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.map) {
    return Object.fromEntries(
      Object.entries(value as JsonObject).map(([key, item]) => [key, renderSingle(field, item)]),
    );
  }
  if (field.repeated) return (value as unknown[]).map((item) => renderSingle(field, item));
  return renderSingle(field, value);
}

function renderSingle(field: protobuf.Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.resolvedType instanceof protobuf.Type)
    return renderMessage(field.resolvedType, value as JsonObject);
  if (field.type === 'float' && typeof value === 'number') return shortestFloat32(value);
  return value;
}

/** A float field decodes to the nearest double; Go prints the shortest text of the 32-bit value. */
function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Go prints fractions of seconds with 0, 3, 6 or 9 digits. */
function formatNanos(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function renderTimestamp(object: JsonObject): string {
  const seconds = Number(object.seconds ?? 0);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${iso}${formatNanos(Number(object.nanos ?? 0))}Z`;
}

function renderDuration(object: JsonObject): string {
  const seconds = BigInt(String(object.seconds ?? 0));
  const nanos = Number(object.nanos ?? 0);
  const negative = seconds < 0n || nanos < 0;
  const absSeconds = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${absSeconds}${formatNanos(Math.abs(nanos))}s`;
}

function renderStruct(object: JsonObject): JsonObject {
  const fields = (object.fields ?? {}) as Record<string, JsonObject>;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, renderStructValue(value)]));
}

function renderListValue(object: JsonObject): unknown[] {
  return ((object.values ?? []) as JsonObject[]).map((value) => renderStructValue(value));
}

function renderStructValue(object: JsonObject): unknown {
  if ('numberValue' in object) return object.numberValue;
  if ('stringValue' in object) return object.stringValue;
  if ('boolValue' in object) return object.boolValue;
  if ('structValue' in object) return renderStruct(object.structValue as JsonObject);
  if ('listValue' in object) return renderListValue(object.listValue as JsonObject);
  return null;
}
