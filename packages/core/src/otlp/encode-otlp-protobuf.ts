import { TracecheckError } from '../errors';
import {
  type AnyValue,
  type KeyValue,
  type ResourceRecord,
  type ScopeRecord,
  SPAN_KINDS,
  type SpanEventRecord,
  type SpanLinkRecord,
  type SpanRecord,
  type SpanStatus,
  STATUS_CODES,
} from '../trace/model';
import { groupRecords } from './group-records';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const encoder = new TextEncoder();

/** Value of a lowercase or uppercase hex digit (ids are validated hex when they reach the encoder). */
function hexNibble(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

/** A growable protobuf writer. Lengths are back-patched: one byte is reserved and widened if needed. */
class WireWriter {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  pos = 0;

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  varint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  uint32Field(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 0);
    this.varint(value);
  }

  int64(value: bigint): void {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new TracecheckError(
        'OTLP_INVALID',
        `int attribute value ${value} is outside the int64 range: OTLP cannot carry it`,
      );
    }
    let v = BigInt.asUintN(64, value);
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  fixed64(field: number, value: bigint): void {
    this.tag(field, 1);
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
  }

  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 5);
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Starts a length-delimited field; returns the position to pass to `end`. */
  begin(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return this.pos++;
  }

  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buf[start] = length;
      return;
    }
    let size = 1;
    for (let v = length; v >= 0x80; v >>>= 7) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(start + size, start + 1, this.pos);
    this.pos += size - 1;
    let v = length;
    let at = start;
    while (v >= 0x80) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
  }

  /** Writes a string field, even when empty (an empty AnyValue string must keep its type). */
  string(field: number, text: string): void {
    const start = this.begin(field);
    const n = text.length;
    this.ensure(n * 3);
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      this.buf[this.pos + i] = c;
    }
    if (ascii) this.pos += n;
    else this.pos += encoder.encodeInto(text, this.buf.subarray(this.pos)).written;
    this.end(start);
  }

  optionalString(field: number, text: string): void {
    if (text !== '') this.string(field, text);
  }

  bytes(field: number, bytes: Uint8Array): void {
    const start = this.begin(field);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    this.end(start);
  }

  hexBytes(field: number, hex: string): void {
    const start = this.begin(field);
    const n = hex.length >> 1;
    this.ensure(n);
    for (let i = 0; i < n; i++) {
      this.buf[this.pos++] = (hexNibble(hex.charCodeAt(2 * i)) << 4) | hexNibble(hex.charCodeAt(2 * i + 1));
    }
    this.end(start);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function writeAnyValue(w: WireWriter, value: AnyValue): void {
  switch (value.type) {
    case 'string':
      w.string(1, value.value);
      return;
    case 'bool':
      w.tag(2, 0);
      w.varint(value.value ? 1 : 0);
      return;
    case 'int':
      w.tag(3, 0);
      w.int64(value.value);
      return;
    case 'double':
      w.double(4, value.value);
      return;
    case 'array': {
      const start = w.begin(5);
      for (const item of value.value) {
        const itemStart = w.begin(1);
        writeAnyValue(w, item);
        w.end(itemStart);
      }
      w.end(start);
      return;
    }
    case 'kvlist': {
      const start = w.begin(6);
      writeKeyValues(w, 1, value.value);
      w.end(start);
      return;
    }
    case 'bytes':
      w.bytes(7, value.value);
      return;
    case 'empty':
      return;
  }
}

function writeKeyValues(w: WireWriter, field: number, list: readonly KeyValue[]): void {
  for (const kv of list) {
    const start = w.begin(field);
    w.string(1, kv.key);
    const valueStart = w.begin(2);
    writeAnyValue(w, kv.value);
    w.end(valueStart);
    w.end(start);
  }
}

function writeStatus(w: WireWriter, status: SpanStatus): void {
  const start = w.begin(15);
  w.optionalString(2, status.message);
  w.uint32Field(3, STATUS_CODES.indexOf(status.code));
  w.end(start);
}

function writeEvent(w: WireWriter, event: SpanEventRecord): void {
  const start = w.begin(11);
  w.fixed64(1, event.timeUnixNano);
  w.optionalString(2, event.name);
  writeKeyValues(w, 3, event.attributes);
  w.uint32Field(4, event.droppedAttributesCount);
  w.end(start);
}

function writeLink(w: WireWriter, link: SpanLinkRecord): void {
  const start = w.begin(13);
  w.hexBytes(1, link.traceId);
  w.hexBytes(2, link.spanId);
  w.optionalString(3, link.traceState);
  writeKeyValues(w, 4, link.attributes);
  w.uint32Field(5, link.droppedAttributesCount);
  w.fixed32(6, link.flags);
  w.end(start);
}

function writeSpan(w: WireWriter, span: SpanRecord): void {
  const start = w.begin(2);
  w.hexBytes(1, span.traceId);
  w.hexBytes(2, span.spanId);
  w.optionalString(3, span.traceState);
  if (span.parentSpanId !== null) w.hexBytes(4, span.parentSpanId);
  w.optionalString(5, span.name);
  w.uint32Field(6, SPAN_KINDS.indexOf(span.kind));
  w.fixed64(7, span.startTimeUnixNano);
  w.fixed64(8, span.endTimeUnixNano);
  writeKeyValues(w, 9, span.attributes);
  w.uint32Field(10, span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.uint32Field(12, span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.uint32Field(14, span.droppedLinksCount);
  if (span.status !== null) writeStatus(w, span.status);
  w.fixed32(16, span.flags);
  w.end(start);
}

function writeResource(w: WireWriter, resource: ResourceRecord): void {
  const start = w.begin(1);
  writeKeyValues(w, 1, resource.attributes);
  w.uint32Field(2, resource.droppedAttributesCount);
  w.end(start);
}

function writeScope(w: WireWriter, scope: ScopeRecord): void {
  const start = w.begin(1);
  w.optionalString(1, scope.name);
  w.optionalString(2, scope.version);
  writeKeyValues(w, 3, scope.attributes);
  w.end(start);
}

/**
 * Encodes span records as an OTLP `ExportTraceServiceRequest` in protobuf. Records are grouped by
 * resource object, then by scope object (first appearance order), so
 * `decodeOtlpProtobuf(encodeOtlpProtobuf(records))` deep-equals `records` and keeps the sharing.
 * @example await fetch(url, { method: 'POST', body: encodeOtlpProtobuf(records) })
 */
export function encodeOtlpProtobuf(records: readonly SpanRecord[]): Uint8Array {
  const w = new WireWriter();
  for (const [resource, scopes] of groupRecords(records)) {
    const resourceSpansStart = w.begin(1);
    writeResource(w, resource);
    for (const [scope, spans] of scopes) {
      const scopeSpansStart = w.begin(2);
      if (scope !== null) writeScope(w, scope);
      for (const span of spans) writeSpan(w, span);
      if (scope !== null) w.optionalString(3, scope.schemaUrl);
      w.end(scopeSpansStart);
    }
    w.optionalString(3, resource.schemaUrl);
    w.end(resourceSpansStart);
  }
  return w.finish();
}
