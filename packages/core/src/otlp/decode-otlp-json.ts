import {
  type AnyValue,
  bytesToHex,
  isSpanId,
  isTraceId,
  type KeyValue,
  type ResourceRecord,
  type ScopeRecord,
  SPAN_KINDS,
  type SpanEventRecord,
  type SpanId,
  type SpanKind,
  type SpanLinkRecord,
  type SpanRecord,
  type SpanStatus,
  STATUS_CODES,
  type StatusCode,
  type TraceId,
} from '../trace/model';
import { decodeBase64 } from './base64';
import { MAX_ANY_VALUE_DEPTH } from './decode-otlp-protobuf';
import { OtlpInputError, prependPath, toOtlpInvalid } from './otlp-input-error';

type JsonObject = Readonly<Record<string, unknown>>;

const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' });
const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_RE = /^-?[0-9]+$/;
const NUMBER_RE = /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const HEX_RE = /^[0-9a-fA-F]+$/;

/** An `OtlpInputError` located at `field` (relative to the object being read). */
function invalid(field: string | undefined, reason: string): OtlpInputError {
  const error = new OtlpInputError(reason);
  if (field !== undefined) error.path.push(field);
  return error;
}

/** Quotes a bad input value in an error message, shortened. */
function describe(value: unknown): string {
  const text = typeof value === 'string' || typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field under its lowerCamelCase name or its snake_case name; `null` counts as absent. */
function get(obj: JsonObject, camel: string, snake?: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  if (snake === undefined) return undefined;
  return obj[snake] ?? undefined;
}

function objectOf(value: unknown, field: string | undefined, what: string): JsonObject {
  if (!isObject(value)) throw invalid(field, `expected ${what} object, got ${describe(value)}`);
  return value;
}

/** Reads a repeated field: each item read by `read`, errors located at `field[i]`. */
function mapList<T>(value: unknown, field: string, read: (item: unknown) => T): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(field, `expected an array, got ${describe(value)}`);
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) {
    try {
      out.push(read(value[i]));
    } catch (error) {
      throw prependPath(error, `${field}[${i}]`);
    }
  }
  return out;
}

/** Runs `read` with errors located under `field`. */
function within<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw prependPath(error, field);
  }
}

function stringOf(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw invalid(field, `expected a string, got ${describe(value)}`);
  return value;
}

function boolOf(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(field, `expected true or false, got ${describe(value)}`);
  return value;
}

/** An integer given as a JSON number or a decimal string (the protobuf JSON mapping allows both). */
function integerOf(value: unknown, field: string, min: bigint, max: bigint, expected: string): bigint {
  if (value === undefined) return 0n;
  let n: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && INTEGER_RE.test(value)) n = BigInt(value);
  if (n === undefined || n < min || n > max)
    throw invalid(field, `expected ${expected}, got ${describe(value)}`);
  return n;
}

function uint32Of(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
  return Number(integerOf(value, field, 0n, BigInt(UINT32_MAX), 'an unsigned 32-bit integer'));
}

function uint64Of(value: unknown, field: string): bigint {
  return integerOf(value, field, 0n, UINT64_MAX, 'an unsigned 64-bit integer such as "1700000000000000000"');
}

function doubleOf(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (NUMBER_RE.test(value)) return Number(value);
  }
  throw invalid(field, `expected a number, "NaN", "Infinity" or "-Infinity", got ${describe(value)}`);
}

/** An id written in hex (any case) or in base64; `undefined` when absent or empty. */
function idOf(value: unknown, field: string, bytes: number): string | undefined {
  const text = stringOf(value, field);
  if (text === '') return undefined;
  if (text.length === bytes * 2 && HEX_RE.test(text)) return text.toLowerCase();
  const raw = decodeBase64(text);
  if (raw !== undefined && raw.length === bytes) return bytesToHex(raw);
  throw invalid(
    field,
    `${describe(text)} is neither ${bytes * 2} hexadecimal characters nor the base64 of ${bytes} bytes`,
  );
}

function traceIdOf(value: unknown, field: string, owner: string): TraceId {
  const hex = idOf(value, field, 16);
  if (hex === undefined)
    throw invalid(field, `${owner} has no ${field}: a trace id is 16 bytes, not all zero`);
  if (!isTraceId(hex)) throw invalid(field, `${field} is all zero, which OTLP defines as invalid`);
  return hex;
}

function spanIdOf(value: unknown, field: string, owner: string): SpanId {
  const hex = idOf(value, field, 8);
  if (hex === undefined) throw invalid(field, `${owner} has no ${field}: a span id is 8 bytes, not all zero`);
  if (!isSpanId(hex)) throw invalid(field, `${field} is all zero, which OTLP defines as invalid`);
  return hex;
}

/** An enum given as its number or its name. */
function enumOf<T>(value: unknown, values: readonly T[], names: readonly string[]): T | undefined {
  const index = typeof value === 'number' ? value : typeof value === 'string' ? names.indexOf(value) : -1;
  return Number.isInteger(index) ? values[index] : undefined;
}

function kindOf(value: unknown): SpanKind {
  if (value === undefined) return 'unespecified';
  const kind = enumOf(value, SPAN_KINDS, KIND_NAMES);
  if (kind === undefined) {
    throw invalid(
      'kind',
      `expected a SpanKind (0 to 5, or a name such as "SPAN_KIND_SERVER"), got ${describe(value)}`,
    );
  }
  return kind;
}

function statusOf(value: unknown): SpanStatus {
  const obj = objectOf(value, undefined, 'a Status');
  const codeValue = get(obj, 'code');
  let code: StatusCode = 'STATUS_CODE_UNSET';
  if (codeValue !== undefined) {
    const known = enumOf(codeValue, STATUS_CODES, STATUS_CODES);
    if (known === undefined) {
      throw invalid(
        'code',
        `expected a StatusCode (0, 1, 2, or a name such as "STATUS_CODE_ERROR"), got ${describe(codeValue)}`,
      );
    }
    code = known;
  }
  return { code, message: stringOf(get(obj, 'message'), 'message') };
}

function anyValueOf(value: unknown, depth: number): AnyValue {
  if (value === undefined) return EMPTY_VALUE;
  const obj = objectOf(value, undefined, 'an AnyValue');
  let v = get(obj, 'stringValue', 'string_value');
  if (v !== undefined) return { type: 'string', value: stringOf(v, 'stringValue') };
  v = get(obj, 'boolValue', 'bool_value');
  if (v !== undefined) return { type: 'bool', value: boolOf(v, 'boolValue') };
  v = get(obj, 'intValue', 'int_value');
  if (v !== undefined) {
    return { type: 'int', value: integerOf(v, 'intValue', INT64_MIN, INT64_MAX, 'a 64-bit integer') };
  }
  v = get(obj, 'doubleValue', 'double_value');
  if (v !== undefined) return { type: 'double', value: doubleOf(v, 'doubleValue') };
  v = get(obj, 'bytesValue', 'bytes_value');
  if (v !== undefined) {
    const bytes = decodeBase64(stringOf(v, 'bytesValue'));
    if (bytes === undefined) throw invalid('bytesValue', `expected base64, got ${describe(v)}`);
    return { type: 'bytes', value: bytes };
  }
  v = get(obj, 'arrayValue', 'array_value');
  if (v !== undefined) {
    checkDepth(depth, 'arrayValue');
    const values = get(objectOf(v, 'arrayValue', 'an ArrayValue'), 'values');
    return {
      type: 'array',
      value: within('arrayValue', () => mapList(values, 'values', (item) => anyValueOf(item, depth + 1))),
    };
  }
  v = get(obj, 'kvlistValue', 'kvlist_value');
  if (v !== undefined) {
    checkDepth(depth, 'kvlistValue');
    const values = get(objectOf(v, 'kvlistValue', 'a KeyValueList'), 'values');
    return {
      type: 'kvlist',
      value: within('kvlistValue', () => mapList(values, 'values', (item) => keyValueOf(item, depth + 1))),
    };
  }
  return EMPTY_VALUE;
}

function checkDepth(depth: number, field: string): void {
  if (depth >= MAX_ANY_VALUE_DEPTH) {
    throw invalid(field, `attribute value is nested deeper than ${MAX_ANY_VALUE_DEPTH} arrays/kvlists`);
  }
}

function keyValueOf(item: unknown, depth: number): KeyValue {
  const obj = objectOf(item, undefined, 'a KeyValue');
  const key = stringOf(get(obj, 'key'), 'key');
  const value = within('value', () => anyValueOf(get(obj, 'value'), depth));
  return { key, value };
}

function attributesOf(obj: JsonObject): KeyValue[] {
  return mapList(get(obj, 'attributes'), 'attributes', (item) => keyValueOf(item, 0));
}

function droppedAttributesOf(obj: JsonObject): number {
  return uint32Of(get(obj, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount');
}

function eventOf(item: unknown): SpanEventRecord {
  const obj = objectOf(item, undefined, 'a Span.Event');
  return {
    name: stringOf(get(obj, 'name'), 'name'),
    timeUnixNano: uint64Of(get(obj, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    attributes: attributesOf(obj),
    droppedAttributesCount: droppedAttributesOf(obj),
  };
}

function linkOf(item: unknown): SpanLinkRecord {
  const obj = objectOf(item, undefined, 'a Span.Link');
  return {
    traceId: traceIdOf(get(obj, 'traceId', 'trace_id'), 'traceId', 'link'),
    spanId: spanIdOf(get(obj, 'spanId', 'span_id'), 'spanId', 'link'),
    traceState: stringOf(get(obj, 'traceState', 'trace_state'), 'traceState'),
    attributes: attributesOf(obj),
    droppedAttributesCount: droppedAttributesOf(obj),
    flags: uint32Of(get(obj, 'flags'), 'flags'),
  };
}

function spanOf(item: unknown, resource: ResourceRecord, scope: ScopeRecord | null): SpanRecord {
  const obj = objectOf(item, undefined, 'a Span');
  const parent = idOf(get(obj, 'parentSpanId', 'parent_span_id'), 'parentSpanId', 8);
  const status = get(obj, 'status');
  return {
    traceId: traceIdOf(get(obj, 'traceId', 'trace_id'), 'traceId', 'span'),
    spanId: spanIdOf(get(obj, 'spanId', 'span_id'), 'spanId', 'span'),
    parentSpanId: parent !== undefined && isSpanId(parent) ? parent : null,
    traceState: stringOf(get(obj, 'traceState', 'trace_state'), 'traceState'),
    flags: uint32Of(get(obj, 'flags'), 'flags'),
    name: stringOf(get(obj, 'name'), 'name'),
    kind: kindOf(get(obj, 'kind')),
    startTimeUnixNano: uint64Of(get(obj, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    endTimeUnixNano: uint64Of(get(obj, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
    attributes: attributesOf(obj),
    droppedAttributesCount: droppedAttributesOf(obj),
    events: mapList(get(obj, 'events'), 'events', eventOf),
    droppedEventsCount: uint32Of(
      get(obj, 'droppedEventsCount', 'dropped_events_count'),
      'droppedEventsCount',
    ),
    links: mapList(get(obj, 'links'), 'links', linkOf),
    droppedLinksCount: uint32Of(get(obj, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount'),
    status: status === undefined ? null : within('status', () => statusOf(status)),
    resource,
    scope,
  };
}

function readScopeSpans(item: unknown, resource: ResourceRecord, out: SpanRecord[]): void {
  const obj = objectOf(item, undefined, 'a ScopeSpans');
  const scopeValue = get(obj, 'scope') ?? get(obj, 'instrumentationLibrary', 'instrumentation_library');
  const schemaUrl = stringOf(get(obj, 'schemaUrl', 'schema_url'), 'schemaUrl');
  const scope: ScopeRecord | null =
    scopeValue === undefined
      ? null
      : within('scope', () => {
          const s = objectOf(scopeValue, undefined, 'an InstrumentationScope');
          return {
            name: stringOf(get(s, 'name'), 'name'),
            version: stringOf(get(s, 'version'), 'version'),
            attributes: attributesOf(s),
            schemaUrl,
          };
        });
  mapList(get(obj, 'spans'), 'spans', (span) => out.push(spanOf(span, resource, scope)));
}

function readResourceSpans(item: unknown, out: SpanRecord[]): void {
  const obj = objectOf(item, undefined, 'a ResourceSpans');
  const resourceValue = get(obj, 'resource');
  const schemaUrl = stringOf(get(obj, 'schemaUrl', 'schema_url'), 'schemaUrl');
  const resource: ResourceRecord =
    resourceValue === undefined
      ? { attributes: [], droppedAttributesCount: 0, schemaUrl }
      : within('resource', () => {
          const r = objectOf(resourceValue, undefined, 'a Resource');
          return { attributes: attributesOf(r), droppedAttributesCount: droppedAttributesOf(r), schemaUrl };
        });
  mapList(get(obj, 'scopeSpans', 'scope_spans'), 'scopeSpans', (scopeSpans) =>
    readScopeSpans(scopeSpans, resource, out),
  );
  mapList(
    get(obj, 'instrumentationLibrarySpans', 'instrumentation_library_spans'),
    'instrumentationLibrarySpans',
    (librarySpans) => readScopeSpans(librarySpans, resource, out),
  );
}

// A JSON number beyond 2^53 loses digits in JSON.parse: an int64 such as a nanosecond time written
// unquoted must be quoted before parsing to stay exact. Only texts that may hold one are rescanned.
const MAYBE_LONG_INTEGER_RE = /[:[,]\s*-?[0-9]{16}/;

/** Quotes every integer token of 16 digits or more that is outside a string. */
function quoteLongIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: find its closing quote, one not escaped by an odd run of backslashes.
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) return text; // unterminated: JSON.parse reports it
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        j++;
      }
      i = j + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      if (/^-?[0-9]{16,}$/.test(token)) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(MAYBE_LONG_INTEGER_RE.test(text) ? quoteLongIntegers(text) : text);
  } catch (error) {
    throw invalid(
      undefined,
      `the body is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid(undefined, 'the body is not valid UTF-8');
  }
  return parseJsonText(text);
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` given as text, UTF-8 bytes or an already parsed
 * value. Accepts lowerCamelCase and snake_case keys, hex or base64 ids, int64 values as strings or
 * numbers (unquoted ones beyond 2^53 stay exact when the input is text), enums as numbers or names,
 * and the deprecated `instrumentationLibrarySpans`. Throws `TracecheckError('OTLP_INVALID')` with the
 * field path of the first problem.
 * @example decodeOtlpJson(await request.text())
 */
export function decodeOtlpJson(input: unknown): SpanRecord[] {
  try {
    const body =
      typeof input === 'string'
        ? parseJsonText(input)
        : input instanceof Uint8Array
          ? parseJsonBytes(input)
          : input;
    const request = objectOf(body, undefined, 'an ExportTraceServiceRequest');
    const out: SpanRecord[] = [];
    mapList(get(request, 'resourceSpans', 'resource_spans'), 'resourceSpans', (item) =>
      readResourceSpans(item, out),
    );
    return out;
  } catch (error) {
    throw toOtlpInvalid(error, 'JSON');
  }
}
