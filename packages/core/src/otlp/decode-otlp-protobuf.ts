import {
  type AnyValue,
  type KeyValue,
  type Nanos,
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
  type TraceId,
} from '../trace/model';
import { OtlpInputError, prependPath, toOtlpInvalid } from './otlp-input-error';

/**
 * A hand-written protobuf reader that goes straight from the bytes of an OTLP
 * `ExportTraceServiceRequest` to `SpanRecord`s: no generic intermediate objects, ids turned into hex
 * directly, fixed64 times read as exact BigInts, short ASCII strings served from a small cache.
 *
 * Every read is checked against the end of its enclosing message before it happens, so a hostile
 * length can neither make the decoder allocate nor read past the message; nesting is bounded.
 */

/** Deepest nesting of AnyValue arrays/kvlists accepted (a guard against nesting bombs). */
export const MAX_ANY_VALUE_DEPTH = 32;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

/** Field numbers, names and wire types of a message, used to reject a known field with a wrong wire type. */
interface MessageSchema {
  readonly name: string;
  readonly wireTypes: readonly (number | undefined)[];
  readonly fieldNames: readonly (string | undefined)[];
}

function defineSchema(name: string, fields: Record<string, readonly [number, number]>): MessageSchema {
  const wireTypes: (number | undefined)[] = [];
  const fieldNames: (string | undefined)[] = [];
  for (const [fieldName, [field, wireType]] of Object.entries(fields)) {
    wireTypes[field] = wireType;
    fieldNames[field] = fieldName;
  }
  return { name, wireTypes, fieldNames };
}

const REQUEST = defineSchema('ExportTraceServiceRequest', { resource_spans: [1, WIRE_LEN] });
const RESOURCE_SPANS = defineSchema('ResourceSpans', {
  resource: [1, WIRE_LEN],
  scope_spans: [2, WIRE_LEN],
  schema_url: [3, WIRE_LEN],
  instrumentation_library_spans: [1000, WIRE_LEN],
});
const RESOURCE = defineSchema('Resource', {
  attributes: [1, WIRE_LEN],
  dropped_attributes_count: [2, WIRE_VARINT],
});
const SCOPE_SPANS = defineSchema('ScopeSpans', {
  scope: [1, WIRE_LEN],
  spans: [2, WIRE_LEN],
  schema_url: [3, WIRE_LEN],
});
const SCOPE = defineSchema('InstrumentationScope', {
  name: [1, WIRE_LEN],
  version: [2, WIRE_LEN],
  attributes: [3, WIRE_LEN],
  dropped_attributes_count: [4, WIRE_VARINT],
});
const SPAN = defineSchema('Span', {
  trace_id: [1, WIRE_LEN],
  span_id: [2, WIRE_LEN],
  trace_state: [3, WIRE_LEN],
  parent_span_id: [4, WIRE_LEN],
  name: [5, WIRE_LEN],
  kind: [6, WIRE_VARINT],
  start_time_unix_nano: [7, WIRE_FIXED64],
  end_time_unix_nano: [8, WIRE_FIXED64],
  attributes: [9, WIRE_LEN],
  dropped_attributes_count: [10, WIRE_VARINT],
  events: [11, WIRE_LEN],
  dropped_events_count: [12, WIRE_VARINT],
  links: [13, WIRE_LEN],
  dropped_links_count: [14, WIRE_VARINT],
  status: [15, WIRE_LEN],
  flags: [16, WIRE_FIXED32],
});
const EVENT = defineSchema('Span.Event', {
  time_unix_nano: [1, WIRE_FIXED64],
  name: [2, WIRE_LEN],
  attributes: [3, WIRE_LEN],
  dropped_attributes_count: [4, WIRE_VARINT],
});
const LINK = defineSchema('Span.Link', {
  trace_id: [1, WIRE_LEN],
  span_id: [2, WIRE_LEN],
  trace_state: [3, WIRE_LEN],
  attributes: [4, WIRE_LEN],
  dropped_attributes_count: [5, WIRE_VARINT],
  flags: [6, WIRE_FIXED32],
});
const STATUS = defineSchema('Status', { message: [2, WIRE_LEN], code: [3, WIRE_VARINT] });
const KEY_VALUE = defineSchema('KeyValue', { key: [1, WIRE_LEN], value: [2, WIRE_LEN] });
const ANY_VALUE = defineSchema('AnyValue', {
  string_value: [1, WIRE_LEN],
  bool_value: [2, WIRE_VARINT],
  int_value: [3, WIRE_VARINT],
  double_value: [4, WIRE_FIXED64],
  array_value: [5, WIRE_LEN],
  kvlist_value: [6, WIRE_LEN],
  bytes_value: [7, WIRE_LEN],
});
const VALUE_LIST = defineSchema('ArrayValue/KeyValueList', { values: [1, WIRE_LEN] });

const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' });
const NO_KEY_VALUES: readonly KeyValue[] = Object.freeze([]);
const NO_EVENTS: readonly SpanEventRecord[] = Object.freeze([]);
const NO_LINKS: readonly SpanLinkRecord[] = Object.freeze([]);
const TRUE_VALUE: AnyValue = Object.freeze({ type: 'bool', value: true });
const FALSE_VALUE: AnyValue = Object.freeze({ type: 'bool', value: false });
// SDKs send a status on every span, nearly always without a message: share those.
const BARE_STATUSES: readonly SpanStatus[] = STATUS_CODES.map((code) => Object.freeze({ code, message: '' }));

class WireReader {
  pos = 0;
  readonly view: DataView;
  /** Offset of the last trace id decoded and its hex, reused while consecutive spans share it. */
  lastTraceIdAt = -1;
  lastTraceId = '';
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
}

function fail(reason: string, offset: number): never {
  throw new OtlpInputError(reason, offset);
}

/** Number of bytes of `value` as a varint (used to find where a tag started, on errors only). */
function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** Reads a field tag (`field << 3 | wire type`); the caller has checked `r.pos < end`. */
function readTag(r: WireReader, end: number): number {
  const buf = r.buf;
  let pos = r.pos;
  let b = buf[pos++]!;
  if (b < 0x80) {
    if (b < 8) fail(`field number 0 (tag byte 0x${b.toString(16).padStart(2, '0')}) is not allowed`, r.pos);
    r.pos = pos;
    return b;
  }
  let value = b & 0x7f;
  for (let scale = 0x80; scale <= 0x10000000; scale *= 0x80) {
    if (pos >= end) fail('field tag runs past the end of the message', r.pos);
    b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (value > 0xffffffff) fail(`field tag ${value} is larger than 32 bits`, r.pos);
      r.pos = pos;
      return value;
    }
  }
  return fail('field tag varint is longer than 5 bytes', r.pos);
}

/** Reads a varint and returns its low 32 bits as an unsigned number (uint32 and enum fields). */
function readVarint32(r: WireReader, end: number): number {
  const buf = r.buf;
  let pos = r.pos;
  if (pos >= end) fail('varint runs past the end of the message', pos);
  let b = buf[pos++]!;
  if (b < 0x80) {
    r.pos = pos;
    return b;
  }
  let value = b & 0x7f;
  for (let i = 1; i < 10; i++) {
    if (pos >= end) fail('varint runs past the end of the message', r.pos);
    b = buf[pos++]!;
    if (i < 5) value |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      r.pos = pos;
      return value >>> 0;
    }
  }
  return fail('varint is longer than 10 bytes', r.pos);
}

/** Reads a varint as a bool: true when any of its bits is set. */
function readBool(r: WireReader, end: number): boolean {
  const buf = r.buf;
  let pos = r.pos;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) fail('varint runs past the end of the message', r.pos);
    const b = buf[pos++]!;
    bits |= b & 0x7f;
    if (b < 0x80) {
      r.pos = pos;
      return bits !== 0;
    }
  }
  return fail('varint is longer than 10 bytes', r.pos);
}

const TWO_POW_32 = 0x100000000;

/** Reads an int64 varint (two's complement) exactly. */
function readInt64(r: WireReader, end: number): bigint {
  const buf = r.buf;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  let b = 0;
  for (let i = 0; i < 4; i++) {
    if (pos >= end) fail('varint runs past the end of the message', r.pos);
    b = buf[pos++]!;
    lo |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      r.pos = pos;
      return BigInt(lo);
    }
  }
  if (pos >= end) fail('varint runs past the end of the message', r.pos);
  b = buf[pos++]!;
  lo |= (b & 0x0f) << 28;
  hi = (b & 0x7f) >> 4;
  let done = b < 0x80;
  for (let i = 0; !done && i < 5; i++) {
    if (pos >= end) fail('varint runs past the end of the message', r.pos);
    b = buf[pos++]!;
    hi |= (b & 0x7f) << (7 * i + 3);
    done = b < 0x80;
  }
  if (!done) fail('varint is longer than 10 bytes', r.pos);
  r.pos = pos;
  const low = lo >>> 0;
  const high = hi >>> 0;
  // Most values fit in 53 bits, where a double is exact: one BigInt conversion instead of three.
  if (high < 0x200000) return BigInt(high * TWO_POW_32 + low);
  if (high >= 0xffe00000) return BigInt((high - TWO_POW_32) * TWO_POW_32 + low);
  return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low));
}

/**
 * Reads the length of a length-delimited field, checks it against the bytes left in the enclosing
 * message, leaves `r.pos` at the first byte of the content and returns the content's end.
 */
function readLengthEnd(r: WireReader, end: number): number {
  const buf = r.buf;
  const start = r.pos;
  let pos = start;
  if (pos >= end) fail('length runs past the end of the message', pos);
  let b = buf[pos++]!;
  let length = b;
  if (b >= 0x80) {
    length = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; b >= 0x80; i++) {
      if (i === 10) fail('length varint is longer than 10 bytes', start);
      if (pos >= end) fail('length runs past the end of the message', start);
      b = buf[pos++]!;
      length += (b & 0x7f) * scale;
      scale *= 0x80;
    }
  }
  if (length > end - pos) {
    fail(
      `length ${length > Number.MAX_SAFE_INTEGER ? 'of 2^53 or more' : length} runs past the end of the enclosing message (${end - pos} bytes left): the body is truncated or corrupt`,
      start,
    );
  }
  r.pos = pos;
  return pos + length;
}

function readFixed64(r: WireReader, end: number): Nanos {
  const pos = r.pos;
  if (end - pos < 8) fail('fixed64 runs past the end of the message', pos);
  r.pos = pos + 8;
  return r.view.getBigUint64(pos, true);
}

function readDouble(r: WireReader, end: number): number {
  const pos = r.pos;
  if (end - pos < 8) fail('double runs past the end of the message', pos);
  r.pos = pos + 8;
  return r.view.getFloat64(pos, true);
}

function readFixed32(r: WireReader, end: number): number {
  const pos = r.pos;
  if (end - pos < 4) fail('fixed32 runs past the end of the message', pos);
  r.pos = pos + 4;
  return r.view.getUint32(pos, true);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Attribute keys and many values repeat across spans: direct-mapped caches keyed by a few bytes of
// their encoding and checked against all of them avoid decoding (and allocating) the same thing
// again. A cache maps bytes to what they decode to, so it can never change a result.
const CACHE_SLOTS = 2048;
const MAX_CACHED_BYTES = 128;

/** A direct-mapped cache from short byte strings (at most `MAX_CACHED_BYTES`) to their decoded value. */
class BytesCache<T> {
  readonly values: (T | undefined)[] = new Array<T | undefined>(CACHE_SLOTS).fill(undefined);
  readonly lengths = new Uint8Array(CACHE_SLOTS);
  readonly bytes = new Uint8Array(CACHE_SLOTS * MAX_CACHED_BYTES);
  readonly view = new DataView(this.bytes.buffer);
  /** The slot of the bytes `start … stop - 1` of the last `find`, for `store`. */
  slot = 0;

  /** The value cached for the bytes `start … stop - 1` of `r`, if any (1 to `MAX_CACHED_BYTES` bytes). */
  find(r: WireReader, start: number, stop: number): T | undefined {
    const length = stop - start;
    const buf = r.buf;
    const view = r.view;
    let hash =
      length >= 4
        ? view.getUint32(start, true) ^ Math.imul(view.getUint32(stop - 4, true), 0x9e3779b1) ^ length
        : buf[start]! | (buf[stop - 1]! << 8) | (length << 16);
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    const slot = (hash ^ (hash >>> 13)) & (CACHE_SLOTS - 1);
    this.slot = slot;
    if (this.lengths[slot] !== length) return undefined;
    const base = slot * MAX_CACHED_BYTES;
    let j = 0;
    while (j + 4 <= length && view.getUint32(start + j) === this.view.getUint32(base + j)) j += 4;
    if (j + 4 <= length) return undefined;
    while (j < length && buf[start + j] === this.bytes[base + j]) j++;
    return j === length ? this.values[slot] : undefined;
  }

  /** Caches `value` for the bytes of the last `find`. */
  store(r: WireReader, start: number, stop: number, value: T): void {
    const slot = this.slot;
    const base = slot * MAX_CACHED_BYTES;
    for (let j = start; j < stop; j++) this.bytes[base + j - start] = r.buf[j]!;
    this.lengths[slot] = stop - start;
    this.values[slot] = value;
  }
}

const cachedTexts = new BytesCache<string>();

function decodeUtf8(r: WireReader, start: number, stop: number): string {
  const length = stop - start;
  if (length === 0) return '';
  if (length > MAX_CACHED_BYTES) return decodeUtf8Slow(r.buf, start, stop);
  const cached = cachedTexts.find(r, start, stop);
  if (cached !== undefined) return cached;
  const text = decodeUtf8Slow(r.buf, start, stop);
  // Only ASCII strings (one char per byte) are cached: their bytes are then valid UTF-8 by themselves.
  if (text.length === length) cachedTexts.store(r, start, stop, text);
  return text;
}

function decodeUtf8Slow(buf: Uint8Array, start: number, stop: number): string {
  try {
    return utf8.decode(buf.subarray(start, stop));
  } catch {
    return fail(`string of ${stop - start} bytes is not valid UTF-8`, start);
  }
}

function readString(r: WireReader, end: number): string {
  const stop = readLengthEnd(r, end);
  const start = r.pos;
  r.pos = stop;
  return decodeUtf8(r, start, stop);
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Hex of the 8 bytes at `i`. */
function hex8(buf: Uint8Array, i: number): string {
  const h = HEX_CODES;
  const b0 = buf[i]!;
  const b1 = buf[i + 1]!;
  const b2 = buf[i + 2]!;
  const b3 = buf[i + 3]!;
  const b4 = buf[i + 4]!;
  const b5 = buf[i + 5]!;
  const b6 = buf[i + 6]!;
  const b7 = buf[i + 7]!;
  return String.fromCharCode(
    h[b0 >> 4]!,
    h[b0 & 15]!,
    h[b1 >> 4]!,
    h[b1 & 15]!,
    h[b2 >> 4]!,
    h[b2 & 15]!,
    h[b3 >> 4]!,
    h[b3 & 15]!,
    h[b4 >> 4]!,
    h[b4 & 15]!,
    h[b5 >> 4]!,
    h[b5 & 15]!,
    h[b6 >> 4]!,
    h[b6 & 15]!,
    h[b7 >> 4]!,
    h[b7 & 15]!,
  );
}

function isZero(view: DataView, start: number, length: number): boolean {
  for (let i = 0; i < length; i += 4) if (view.getUint32(start + i) !== 0) return false;
  return true;
}

function readTraceId(r: WireReader, end: number, field: string): TraceId {
  const stop = readLengthEnd(r, end);
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== 16) {
    fail(`${field} has ${stop - start} bytes, expected 16 (a trace id is 16 bytes, not all zero)`, start);
  }
  const last = r.lastTraceIdAt;
  if (last >= 0) {
    const view = r.view;
    if (
      view.getUint32(start) === view.getUint32(last) &&
      view.getUint32(start + 4) === view.getUint32(last + 4) &&
      view.getUint32(start + 8) === view.getUint32(last + 8) &&
      view.getUint32(start + 12) === view.getUint32(last + 12)
    ) {
      return r.lastTraceId as TraceId;
    }
  }
  if (isZero(r.view, start, 16)) fail(`${field} is all zero, which OTLP defines as invalid`, start);
  const hex = hex8(r.buf, start) + hex8(r.buf, start + 8);
  r.lastTraceIdAt = start;
  r.lastTraceId = hex;
  return hex as TraceId;
}

function readSpanId(r: WireReader, end: number, field: string): SpanId {
  const stop = readLengthEnd(r, end);
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== 8) {
    fail(`${field} has ${stop - start} bytes, expected 8 (a span id is 8 bytes, not all zero)`, start);
  }
  if (isZero(r.view, start, 8)) fail(`${field} is all zero, which OTLP defines as invalid`, start);
  return hex8(r.buf, start) as SpanId;
}

/** A parent span id: empty or all zero means "no parent". */
function readParentSpanId(r: WireReader, end: number): SpanId | null {
  const stop = readLengthEnd(r, end);
  const start = r.pos;
  r.pos = stop;
  if (stop === start) return null;
  if (stop - start !== 8) {
    fail(`parent_span_id has ${stop - start} bytes, expected 8 or none (for a root span)`, start);
  }
  return isZero(r.view, start, 8) ? null : (hex8(r.buf, start) as SpanId);
}

/** Skips a field this decoder does not read, after checking a known field has its expected wire type. */
function skipField(r: WireReader, end: number, tag: number, schema: MessageSchema): void {
  const field = tag >>> 3;
  const wireType = tag & 7;
  const expected = schema.wireTypes[field];
  if (expected !== undefined && expected !== wireType) {
    fail(
      `field ${schema.fieldNames[field]} (${field}) of ${schema.name} has wire type ${wireType}, expected ${expected}`,
      r.pos - varintSize(tag),
    );
  }
  skipValue(r, end, field, wireType, tag);
}

function skipValue(r: WireReader, end: number, field: number, wireType: number, tag: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      readBool(r, end);
      return;
    case WIRE_FIXED64:
      if (end - r.pos < 8) fail('fixed64 runs past the end of the message', r.pos);
      r.pos += 8;
      return;
    case WIRE_LEN:
      r.pos = readLengthEnd(r, end);
      return;
    case WIRE_FIXED32:
      if (end - r.pos < 4) fail('fixed32 runs past the end of the message', r.pos);
      r.pos += 4;
      return;
    case WIRE_START_GROUP:
      skipGroup(r, end, field);
      return;
    case WIRE_END_GROUP:
      fail(`unexpected end-group tag for field ${field}`, r.pos - varintSize(tag));
      break;
    default:
      fail(`invalid wire type ${wireType} for field ${field}`, r.pos - varintSize(tag));
  }
}

/** Skips a (deprecated) group without recursion: nested groups are only counted. */
function skipGroup(r: WireReader, end: number, field: number): void {
  let depth = 1;
  while (depth > 0) {
    if (r.pos >= end) fail(`group of field ${field} is not closed before the end of the message`, r.pos);
    const tag = readTag(r, end);
    const wireType = tag & 7;
    if (wireType === WIRE_START_GROUP) depth++;
    else if (wireType === WIRE_END_GROUP) depth--;
    else skipValue(r, end, tag >>> 3, wireType, tag);
  }
}

function readAnyValue(r: WireReader, end: number, depth: number): AnyValue {
  let value = EMPTY_VALUE;
  while (r.pos < end) {
    const tag = readTag(r, end);
    switch (tag) {
      case 0x0a:
        value = { type: 'string', value: readString(r, end) };
        break;
      case 0x10:
        value = readBool(r, end) ? TRUE_VALUE : FALSE_VALUE;
        break;
      case 0x18:
        value = { type: 'int', value: readInt64(r, end) };
        break;
      case 0x21:
        value = { type: 'double', value: readDouble(r, end) };
        break;
      case 0x2a:
        value = { type: 'array', value: readValueList(r, end, depth, 'arrayValue', readArrayItem) };
        break;
      case 0x32:
        value = { type: 'kvlist', value: readValueList(r, end, depth, 'kvlistValue', readKeyValue) };
        break;
      case 0x3a: {
        const stop = readLengthEnd(r, end);
        // A plain copy (also for a Node Buffer, whose slice is a view): a record never pins the body.
        value = { type: 'bytes', value: new Uint8Array(r.buf.subarray(r.pos, stop)) };
        r.pos = stop;
        break;
      }
      default:
        skipField(r, end, tag, ANY_VALUE);
    }
  }
  return value;
}

function readArrayItem(r: WireReader, end: number, depth: number): AnyValue {
  return readAnyValue(r, end, depth);
}

/** Reads an ArrayValue or a KeyValueList (both are `repeated … values = 1`). */
function readValueList<T>(
  r: WireReader,
  end: number,
  depth: number,
  field: string,
  readItem: (r: WireReader, end: number, depth: number) => T,
): T[] {
  const stop = readLengthEnd(r, end);
  if (depth >= MAX_ANY_VALUE_DEPTH) {
    fail(`attribute value is nested deeper than ${MAX_ANY_VALUE_DEPTH} arrays/kvlists`, r.pos);
  }
  const items: T[] = [];
  while (r.pos < stop) {
    const tag = readTag(r, stop);
    if (tag === 0x0a) {
      const itemEnd = readLengthEnd(r, stop);
      try {
        items.push(readItem(r, itemEnd, depth + 1));
      } catch (error) {
        throw prependPath(error, `${field}.values[${items.length}]`);
      }
    } else {
      skipField(r, stop, tag, VALUE_LIST);
    }
  }
  return items;
}

function readKeyValue(r: WireReader, end: number, depth: number): KeyValue {
  let key = '';
  let value = EMPTY_VALUE;
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x0a) key = readString(r, end);
    else if (tag === 0x12) {
      const stop = readLengthEnd(r, end);
      try {
        value = readAnyValue(r, stop, depth);
      } catch (error) {
        throw prependPath(error, 'value');
      }
    } else skipField(r, end, tag, KEY_VALUE);
  }
  return { key, value };
}

// Whole attributes repeat too (`db.system` = `postgresql` on every query span): a `KeyValue` with a
// scalar value is shared by every record where the same bytes appear, as records already share their
// resource and scope (records are read-only). A `KeyValue` whose value holds an object (bytes, array,
// kvlist) is never shared.
const cachedKeyValues = new BytesCache<KeyValue>();

/** Reads one `KeyValue` field and appends it to `list`, naming it `field[i]` in errors. */
function pushKeyValue(r: WireReader, end: number, list: KeyValue[], field: string): void {
  const stop = readLengthEnd(r, end);
  const start = r.pos;
  const cacheable = stop - start > 0 && stop - start <= MAX_CACHED_BYTES;
  if (cacheable) {
    const cached = cachedKeyValues.find(r, start, stop);
    if (cached !== undefined) {
      r.pos = stop;
      list.push(cached);
      return;
    }
  }
  let keyValue: KeyValue;
  try {
    keyValue = readKeyValue(r, stop, 0);
  } catch (error) {
    throw prependPath(error, `${field}[${list.length}]`);
  }
  const type = keyValue.value.type;
  if (cacheable && type !== 'bytes' && type !== 'array' && type !== 'kvlist') {
    cachedKeyValues.store(r, start, stop, keyValue);
  }
  list.push(keyValue);
}

function readStatus(r: WireReader, end: number): SpanStatus {
  let message = '';
  let code = 0;
  let codeAt = r.pos;
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x12) message = readString(r, end);
    else if (tag === 0x18) {
      codeAt = r.pos;
      code = readVarint32(r, end);
    } else skipField(r, end, tag, STATUS);
  }
  const name = STATUS_CODES[code];
  if (name === undefined) fail(`status code ${code} is not a StatusCode (expected 0, 1 or 2)`, codeAt);
  return message === '' ? BARE_STATUSES[code]! : { code: name, message };
}

function readEvent(r: WireReader, end: number): SpanEventRecord {
  let timeUnixNano = 0n;
  let name = '';
  let attributes: KeyValue[] | undefined;
  let droppedAttributesCount = 0;
  while (r.pos < end) {
    const tag = readTag(r, end);
    switch (tag) {
      case 0x09:
        timeUnixNano = readFixed64(r, end);
        break;
      case 0x12:
        name = readString(r, end);
        break;
      case 0x1a:
        attributes ??= [];
        pushKeyValue(r, end, attributes, 'attributes');
        break;
      case 0x20:
        droppedAttributesCount = readVarint32(r, end);
        break;
      default:
        skipField(r, end, tag, EVENT);
    }
  }
  return { name, timeUnixNano, attributes: attributes ?? NO_KEY_VALUES, droppedAttributesCount };
}

function readLink(r: WireReader, end: number): SpanLinkRecord {
  const linkStart = r.pos;
  let traceId: TraceId | undefined;
  let spanId: SpanId | undefined;
  let traceState = '';
  let attributes: KeyValue[] | undefined;
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < end) {
    const tag = readTag(r, end);
    switch (tag) {
      case 0x0a:
        traceId = readTraceId(r, end, 'trace_id');
        break;
      case 0x12:
        spanId = readSpanId(r, end, 'span_id');
        break;
      case 0x1a:
        traceState = readString(r, end);
        break;
      case 0x22:
        attributes ??= [];
        pushKeyValue(r, end, attributes, 'attributes');
        break;
      case 0x28:
        droppedAttributesCount = readVarint32(r, end);
        break;
      case 0x35:
        flags = readFixed32(r, end);
        break;
      default:
        skipField(r, end, tag, LINK);
    }
  }
  if (traceId === undefined) fail('link has no trace_id (16 bytes)', linkStart);
  if (spanId === undefined) fail('link has no span_id (8 bytes)', linkStart);
  return {
    traceId,
    spanId,
    traceState,
    attributes: attributes ?? NO_KEY_VALUES,
    droppedAttributesCount,
    flags,
  };
}

function readSpan(
  r: WireReader,
  end: number,
  resource: ResourceRecord,
  scope: ScopeRecord | null,
): SpanRecord {
  const spanStart = r.pos;
  let traceId: TraceId | undefined;
  let spanId: SpanId | undefined;
  let parentSpanId: SpanId | null = null;
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind: SpanKind = 'unespecified';
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  let attributes: KeyValue[] | undefined;
  let droppedAttributesCount = 0;
  let events: SpanEventRecord[] | undefined;
  let droppedEventsCount = 0;
  let links: SpanLinkRecord[] | undefined;
  let droppedLinksCount = 0;
  let status: SpanStatus | null = null;
  while (r.pos < end) {
    const tag = readTag(r, end);
    switch (tag) {
      case 0x0a:
        traceId = readTraceId(r, end, 'trace_id');
        break;
      case 0x12:
        spanId = readSpanId(r, end, 'span_id');
        break;
      case 0x1a:
        traceState = readString(r, end);
        break;
      case 0x22:
        parentSpanId = readParentSpanId(r, end);
        break;
      case 0x2a:
        name = readString(r, end);
        break;
      case 0x30: {
        const at = r.pos;
        const value = readVarint32(r, end);
        const known = SPAN_KINDS[value];
        if (known === undefined) fail(`span kind ${value} is not a SpanKind (expected 0 to 5)`, at);
        kind = known;
        break;
      }
      case 0x39:
        startTimeUnixNano = readFixed64(r, end);
        break;
      case 0x41:
        endTimeUnixNano = readFixed64(r, end);
        break;
      case 0x4a:
        attributes ??= [];
        pushKeyValue(r, end, attributes, 'attributes');
        break;
      case 0x50:
        droppedAttributesCount = readVarint32(r, end);
        break;
      case 0x5a: {
        events ??= [];
        const stop = readLengthEnd(r, end);
        try {
          events.push(readEvent(r, stop));
        } catch (error) {
          throw prependPath(error, `events[${events.length}]`);
        }
        break;
      }
      case 0x60:
        droppedEventsCount = readVarint32(r, end);
        break;
      case 0x6a: {
        links ??= [];
        const stop = readLengthEnd(r, end);
        try {
          links.push(readLink(r, stop));
        } catch (error) {
          throw prependPath(error, `links[${links.length}]`);
        }
        break;
      }
      case 0x70:
        droppedLinksCount = readVarint32(r, end);
        break;
      case 0x7a: {
        const stop = readLengthEnd(r, end);
        try {
          status = readStatus(r, stop);
        } catch (error) {
          throw prependPath(error, 'status');
        }
        break;
      }
      case 0x85:
        flags = readFixed32(r, end);
        break;
      default:
        skipField(r, end, tag, SPAN);
    }
  }
  if (traceId === undefined) fail('span has no trace_id: every span needs a 16-byte trace id', spanStart);
  if (spanId === undefined) fail('span has no span_id: every span needs an 8-byte span id', spanStart);
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: attributes ?? NO_KEY_VALUES,
    droppedAttributesCount,
    events: events ?? NO_EVENTS,
    droppedEventsCount,
    links: links ?? NO_LINKS,
    droppedLinksCount,
    status,
    resource,
    scope,
  };
}

interface ScopeFields {
  name: string;
  version: string;
  attributes: KeyValue[];
}

/** Reads an InstrumentationScope (or the deprecated InstrumentationLibrary), merging into `into`. */
function readScope(r: WireReader, end: number, into: ScopeFields | null): ScopeFields {
  const scope = into ?? { name: '', version: '', attributes: [] };
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x0a) scope.name = readString(r, end);
    else if (tag === 0x12) scope.version = readString(r, end);
    else if (tag === 0x1a) pushKeyValue(r, end, scope.attributes, 'attributes');
    else skipField(r, end, tag, SCOPE);
  }
  return scope;
}

/**
 * Reads a ScopeSpans (or the deprecated InstrumentationLibrarySpans, same field numbers). The scope and
 * schema_url may follow the spans on the wire (the OpenTelemetry JS SDK writes schema_url last), so a
 * first pass reads them and a second pass reads the spans.
 */
function readScopeSpans(r: WireReader, end: number, resource: ResourceRecord, out: SpanRecord[]): void {
  const begin = r.pos;
  let fields: ScopeFields | null = null;
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x0a) {
      const stop = readLengthEnd(r, end);
      try {
        fields = readScope(r, stop, fields);
      } catch (error) {
        throw prependPath(error, 'scope');
      }
    } else if (tag === 0x12) r.pos = readLengthEnd(r, end);
    else if (tag === 0x1a) schemaUrl = readString(r, end);
    else skipField(r, end, tag, SCOPE_SPANS);
  }
  const scope: ScopeRecord | null =
    fields === null
      ? null
      : {
          name: fields.name,
          version: fields.version,
          attributes: fields.attributes.length === 0 ? NO_KEY_VALUES : fields.attributes,
          schemaUrl,
        };
  r.pos = begin;
  let index = 0;
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x12) {
      const stop = readLengthEnd(r, end);
      try {
        out.push(readSpan(r, stop, resource, scope));
      } catch (error) {
        throw prependPath(error, `spans[${index}]`);
      }
      index++;
    } else skipField(r, end, tag, SCOPE_SPANS);
  }
}

/** Reads a ResourceSpans: resource and schema_url first (first pass), then its scope groups. */
function readResourceSpans(r: WireReader, end: number, out: SpanRecord[]): void {
  const begin = r.pos;
  let attributes: KeyValue[] | undefined;
  let droppedAttributesCount = 0;
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 0x0a) {
      const stop = readLengthEnd(r, end);
      try {
        while (r.pos < stop) {
          const inner = readTag(r, stop);
          if (inner === 0x0a) {
            attributes ??= [];
            pushKeyValue(r, stop, attributes, 'attributes');
          } else if (inner === 0x10) droppedAttributesCount = readVarint32(r, stop);
          else skipField(r, stop, inner, RESOURCE);
        }
      } catch (error) {
        throw prependPath(error, 'resource');
      }
    } else if (tag === 0x1a) schemaUrl = readString(r, end);
    else skipField(r, end, tag, RESOURCE_SPANS);
  }
  const resource: ResourceRecord = {
    attributes: attributes ?? NO_KEY_VALUES,
    droppedAttributesCount,
    schemaUrl,
  };
  r.pos = begin;
  let scopeIndex = 0;
  let libraryIndex = 0;
  while (r.pos < end) {
    const tag = readTag(r, end);
    // 0x1f42 is field 1000 (the deprecated instrumentation_library_spans) with wire type 2.
    if (tag === 0x12 || tag === 0x1f42) {
      const stop = readLengthEnd(r, end);
      const segment =
        tag === 0x12 ? `scopeSpans[${scopeIndex++}]` : `instrumentationLibrarySpans[${libraryIndex++}]`;
      try {
        readScopeSpans(r, stop, resource, out);
      } catch (error) {
        throw prependPath(error, segment);
      }
    } else skipField(r, end, tag, RESOURCE_SPANS);
  }
}

/**
 * Decodes an OTLP `ExportTraceServiceRequest` (or `TracesData`, same layout) encoded as protobuf into
 * span records. Spans of one `ResourceSpans` share one `ResourceRecord` object, spans of one
 * `ScopeSpans` one `ScopeRecord`. Also reads the deprecated `instrumentation_library_spans` (1000).
 * Throws `TracecheckError('OTLP_INVALID')` naming the byte offset and field path of the first problem.
 * @example decodeOtlpProtobuf(new Uint8Array(await request.arrayBuffer()))
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): SpanRecord[] {
  const r = new WireReader(bytes);
  const out: SpanRecord[] = [];
  const end = bytes.length;
  try {
    let index = 0;
    while (r.pos < end) {
      const tag = readTag(r, end);
      if (tag === 0x0a) {
        const stop = readLengthEnd(r, end);
        try {
          readResourceSpans(r, stop, out);
        } catch (error) {
          throw prependPath(error, `resourceSpans[${index}]`);
        }
        index++;
      } else skipField(r, end, tag, REQUEST);
    }
  } catch (error) {
    throw toOtlpInvalid(error, 'protobuf');
  }
  return out;
}
