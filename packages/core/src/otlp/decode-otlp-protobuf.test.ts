import { describe, expect, it } from 'vitest';
import { TracecheckError } from '../errors';
import { createSeededRandom, randomOtlpBatch } from '../testing/synthetic-traces';
import type { AnyValue, KeyValue } from '../trace/model';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf';
import { encodeOtlpProtobuf } from './encode-otlp-protobuf';
import { exportSdkSpans, SDK_EXPECTED_RECORDS, SDK_TRACE_ID } from './sdk-export-fixture';

const sdk = exportSdkSpans();

const str = (value: string): AnyValue => ({ type: 'string', value });
const int = (value: bigint): AnyValue => ({ type: 'int', value });
const bool = (value: boolean): AnyValue => ({ type: 'bool', value });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const NO_EXTRAS = { droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0 } as const;

// A minimal protobuf writer for hand-made (and deliberately broken) bodies.
type Bytes = readonly number[];
function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
const ld = (field: number, ...parts: Bytes[]) => {
  const payload = parts.flat();
  return [...tag(field, 2), ...varint(payload.length), ...payload];
};
const vi = (field: number, value: number | bigint) => [...tag(field, 0), ...varint(value)];
const text = (field: number, value: string) => ld(field, [...new TextEncoder().encode(value)]);
const hex = (h: string) =>
  Array.from({ length: h.length / 2 }, (_, i) => Number.parseInt(h.slice(2 * i, 2 * i + 2), 16));
const fixed64 = (field: number, value: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return [...tag(field, 1), ...bytes];
};
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const IDS = [...ld(1, hex(TRACE_ID)), ...ld(2, hex(SPAN_ID))];
/** A request holding one resource, one scope and one span made of `spanFields`. */
const oneSpan = (...spanFields: Bytes[]) => new Uint8Array(ld(1, ld(2, ld(2, ...spanFields))));
const SPAN_PATH = 'resourceSpans[0].scopeSpans[0].spans[0]';

function decodeError(bytes: Uint8Array): TracecheckError {
  try {
    decodeOtlpProtobuf(bytes);
  } catch (error) {
    if (error instanceof TracecheckError) return error;
    throw error;
  }
  throw new Error('expected decodeOtlpProtobuf to throw');
}

/** An AnyValue holding `depth` nested single-element arrays. */
function nestedArrays(depth: number): number[] {
  let value: number[] = [];
  for (let i = 0; i < depth; i++) value = ld(5, ld(1, value));
  return value;
}

describe('decodeOtlpProtobuf', () => {
  it('decodes every field of an OpenTelemetry JS SDK export exactly', () => {
    expect(decodeOtlpProtobuf(sdk.protobuf)).toEqual(SDK_EXPECTED_RECORDS);
  });

  it('shares one resource object per ResourceSpans and one scope object per ScopeSpans', () => {
    const [insert, post, compute, stock] = decodeOtlpProtobuf(sdk.protobuf);
    expect(insert!.resource).toBe(post!.resource);
    expect(compute!.resource).toBe(post!.resource);
    expect(insert!.scope).toBe(post!.scope);
    expect(compute!.scope).not.toBe(post!.scope);
    expect(stock!.resource).not.toBe(post!.resource);
  });

  it('decodes a body that is a view at an offset into a larger buffer, copying bytes values', () => {
    const backing = new Uint8Array(sdk.protobuf.length + 13).fill(0xff);
    backing.set(sdk.protobuf, 7);
    const records = decodeOtlpProtobuf(backing.subarray(7, 7 + sdk.protobuf.length));
    expect(records).toEqual(SDK_EXPECTED_RECORDS);
    const digest = records[0]!.resource.attributes[3]!.value;
    expect(digest.type === 'bytes' && digest.value.buffer.byteLength).toBe(5);
  });

  it('shares a repeated scalar attribute between spans, never a bytes, array or kvlist value', () => {
    const attributes = [
      ld(9, text(1, 'db.system'), ld(2, text(1, 'postgresql'))),
      ld(9, text(1, 'digest'), ld(2, ld(7, [1, 2, 3]))),
      ld(9, text(1, 'tags'), ld(2, ld(5, ld(1, text(1, 'a'))))),
    ];
    const span = (id: string) => ld(2, ld(1, hex(TRACE_ID)), ld(2, hex(id)), ...attributes);
    const body = new Uint8Array(ld(1, ld(2, span('00f067aa0ba902b7'), span('00f067aa0ba902b8'))));
    const [first, second] = decodeOtlpProtobuf(body);
    expect(second!.attributes).toEqual(first!.attributes);
    expect(second!.attributes[0]).toBe(first!.attributes[0]);
    expect(second!.attributes[1]!.value).not.toBe(first!.attributes[1]!.value);
    expect(second!.attributes[2]!.value).not.toBe(first!.attributes[2]!.value);
    // A body decoded again gives equal records, whatever the caches hold by then.
    expect(decodeOtlpProtobuf(body)).toEqual([first, second]);
  });

  it('decodes an empty body as no spans', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0))).toEqual([]);
  });

  it('keeps nanosecond times and int64 values beyond 2^53 exact', () => {
    const body = oneSpan(
      IDS,
      fixed64(7, 2n ** 64n - 1n),
      fixed64(8, 2n ** 53n + 1n),
      ld(9, text(1, 'min'), ld(2, vi(3, -(2n ** 63n)))),
      ld(9, text(1, 'max'), ld(2, vi(3, 2n ** 63n - 1n))),
      ld(9, text(1, 'neg'), ld(2, vi(3, -(2n ** 60n) - 7n))),
      ld(9, text(1, 'mid'), ld(2, vi(3, 2n ** 40n + 3n))),
    );
    const [span] = decodeOtlpProtobuf(body);
    expect(span!.startTimeUnixNano).toBe(2n ** 64n - 1n);
    expect(span!.endTimeUnixNano).toBe(2n ** 53n + 1n);
    expect(span!.attributes.map((a) => a.value)).toEqual([
      int(-(2n ** 63n)),
      int(2n ** 63n - 1n),
      int(-(2n ** 60n) - 7n),
      int(2n ** 40n + 3n),
    ]);
  });

  it.each([
    ['no parent id', []],
    ['an empty parent id', ld(4, [])],
    ['an all-zero parent id', ld(4, hex('0000000000000000'))],
  ])('treats a span with %s as a root', (_, parentField) => {
    expect(decodeOtlpProtobuf(oneSpan(IDS, parentField))[0]!.parentSpanId).toBeNull();
  });

  it('defaults absent fields (kind unspecified, no status, no scope)', () => {
    const body = new Uint8Array(ld(1, ld(2, ld(2, IDS))));
    expect(decodeOtlpProtobuf(body)).toEqual([
      {
        ...NO_EXTRAS,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: null,
        traceState: '',
        flags: 0,
        name: '',
        kind: 'unespecified',
        startTimeUnixNano: 0n,
        endTimeUnixNano: 0n,
        attributes: [],
        events: [],
        links: [],
        status: null,
        resource: { attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
        scope: null,
      },
    ]);
  });

  it('skips unknown fields of every wire type, including nested groups', () => {
    const unknown = [
      ...vi(99, 123456789),
      ...tag(98, 1),
      ...[1, 2, 3, 4, 5, 6, 7, 8],
      ...ld(97, [1, 2, 3]),
      ...tag(96, 5),
      ...[1, 2, 3, 4],
      ...tag(95, 3),
      ...vi(1, 5),
      ...tag(94, 3),
      ...tag(94, 4),
      ...tag(95, 4),
    ];
    const body = oneSpan(IDS, unknown, text(5, 'named'), ld(15, vi(1, 2), vi(3, 1)));
    const [span] = decodeOtlpProtobuf(body);
    expect(span!.name).toBe('named');
    // Status field 1 is the deprecated code, sent by old exporters: ignored.
    expect(span!.status).toEqual({ code: 'STATUS_CODE_OK', message: '' });
  });

  it('reads the deprecated instrumentation_library_spans (field 1000)', () => {
    const body = new Uint8Array(
      ld(
        1,
        ld(1, ld(1, text(1, 'service.name'), ld(2, text(1, 'legacy')))),
        ld(1000, ld(1, text(1, 'lib'), text(2, '0.9')), ld(2, IDS, text(5, 'old'))),
      ),
    );
    const [span] = decodeOtlpProtobuf(body);
    expect(span!.name).toBe('old');
    expect(span!.scope).toEqual({ name: 'lib', version: '0.9', attributes: [], schemaUrl: '' });
    expect(span!.resource.attributes).toEqual([kv('service.name', str('legacy'))]);
  });

  it('reads a resource, scope and schema URLs that come after the spans', () => {
    const body = new Uint8Array(
      ld(
        1,
        ld(
          2,
          ld(2, IDS, text(5, 'first')),
          ld(2, ld(1, hex(TRACE_ID)), ld(2, hex('0000000000000002'))),
          text(3, 'scope-url'),
          ld(1, text(1, 'late-scope')),
        ),
        text(3, 'resource-url'),
        ld(1, ld(1, text(1, 'service.name'), ld(2, text(1, 'late')))),
      ),
    );
    const [first, second] = decodeOtlpProtobuf(body);
    expect(first!.resource).toEqual({
      attributes: [kv('service.name', str('late'))],
      droppedAttributesCount: 0,
      schemaUrl: 'resource-url',
    });
    expect(first!.scope).toEqual({ name: 'late-scope', version: '', attributes: [], schemaUrl: 'scope-url' });
    expect(second!.scope).toBe(first!.scope);
  });

  it('reads a bool whose varint has only high bits set as true', () => {
    const body = oneSpan(IDS, ld(9, text(1, 'b'), ld(2, tag(2, 0), [0x80, 0x80, 0x80, 0x80, 0x10])));
    expect(decodeOtlpProtobuf(body)[0]!.attributes).toEqual([kv('b', bool(true))]);
  });

  it('accepts AnyValue nesting up to 32 levels', () => {
    const body = oneSpan(IDS, ld(9, text(1, 'deep'), ld(2, nestedArrays(32))));
    let value = decodeOtlpProtobuf(body)[0]!.attributes[0]!.value;
    let depth = 0;
    while (value.type === 'array') {
      value = value.value[0]!;
      depth++;
    }
    expect(depth).toBe(32);
  });

  const invalidCases: readonly (readonly [string, Bytes, RegExp])[] = [
    ['a tag without its length', [0x0a], /^invalid OTLP protobuf \(byte 1\): length runs past the end/],
    [
      'a length past the end',
      [0x0a, 0x05, 0x01],
      /\(byte 1\): length 5 runs past the end of the enclosing message \(1 bytes left\)/,
    ],
    ['a hostile 4 GiB length', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /length 4294967295 runs past the end/],
    ['a 2^63 length', [0x0a, ...varint(2n ** 63n)], /length of 2\^53 or more runs past the end/],
    [
      'a known field with a wrong wire type',
      vi(1, 1),
      /\(byte 0\): field resource_spans \(1\) of ExportTraceServiceRequest has wire type 0, expected 2/,
    ],
    ['wire type 7', [0x2f], /invalid wire type 7 for field 5/],
    ['field number 0', [0x00, 0x01], /field number 0 \(tag byte 0x00\) is not allowed/],
    [
      'a tag longer than 5 bytes',
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      /field tag varint is longer than 5 bytes/,
    ],
    ['an unexpected end-group tag', tag(50, 4), /unexpected end-group tag for field 50/],
    [
      'an unclosed group',
      [...oneSpan(IDS, tag(99, 3), vi(1, 1))],
      /at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\].*group of field 99 is not closed/,
    ],
    [
      'a varint longer than 10 bytes',
      [...oneSpan(IDS, tag(6, 0), new Array(11).fill(0xff), [0x01])],
      /varint is longer than 10 bytes/,
    ],
    ['a truncated varint', [...oneSpan(IDS, tag(6, 0), [0x80])], /varint runs past the end of the message/],
    [
      'a truncated fixed64',
      [...oneSpan(IDS, tag(7, 1), [1, 2, 3])],
      /fixed64 runs past the end of the message/,
    ],
    ['a truncated fixed32', [...oneSpan(IDS, tag(16, 5), [1])], /fixed32 runs past the end of the message/],
    [
      'a 15-byte trace id',
      [...oneSpan(ld(1, hex(TRACE_ID).slice(1)), ld(2, hex(SPAN_ID)))],
      /trace_id has 15 bytes, expected 16/,
    ],
    ['an empty trace id', [...oneSpan(ld(1, []), ld(2, hex(SPAN_ID)))], /trace_id has 0 bytes, expected 16/],
    [
      'an all-zero trace id',
      [...oneSpan(ld(1, new Array(16).fill(0)), ld(2, hex(SPAN_ID)))],
      /trace_id is all zero, which OTLP defines as invalid/,
    ],
    ['no trace id', [...oneSpan(ld(2, hex(SPAN_ID)))], /span has no trace_id/],
    ['no span id', [...oneSpan(ld(1, hex(TRACE_ID)))], /span has no span_id/],
    [
      'a 9-byte span id',
      [...oneSpan(ld(1, hex(TRACE_ID)), ld(2, [...hex(SPAN_ID), 1]))],
      /span_id has 9 bytes, expected 8/,
    ],
    [
      'an all-zero span id',
      [...oneSpan(ld(1, hex(TRACE_ID)), ld(2, new Array(8).fill(0)))],
      /span_id is all zero/,
    ],
    [
      'a 4-byte parent id',
      [...oneSpan(IDS, ld(4, [1, 2, 3, 4]))],
      /parent_span_id has 4 bytes, expected 8 or none/,
    ],
    [
      'a name that is not UTF-8',
      [...oneSpan(IDS, ld(5, [0x61, 0xff, 0xfe]))],
      /string of 3 bytes is not valid UTF-8/,
    ],
    [
      'a long attribute that is not UTF-8',
      [...oneSpan(IDS, ld(9, text(1, 'k'), ld(2, ld(1, [...new Array(200).fill(0x61), 0xc3]))))],
      /attributes\[0\]\.value.*string of 201 bytes is not valid UTF-8/,
    ],
    ['span kind 9', [...oneSpan(IDS, vi(6, 9))], /span kind 9 is not a SpanKind \(expected 0 to 5\)/],
    [
      'status code 7',
      [...oneSpan(IDS, ld(15, vi(3, 7)))],
      /at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.status.*status code 7 is not a StatusCode/,
    ],
    [
      'an attribute value with a wrong wire type',
      [...oneSpan(IDS, ld(9, text(1, 'a')), ld(9, text(1, 'k'), ld(2, vi(1, 3))))],
      /at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[1\]\.value.*field string_value \(1\) of AnyValue has wire type 0, expected 2/,
    ],
    [
      'an event attribute past its event',
      [...oneSpan(IDS, ld(11, text(2, 'e'), [...tag(3, 2), 9, 1]))],
      /spans\[0\]\.events\[0\].*length 9 runs past the end/,
    ],
    [
      'a link without span id',
      [...oneSpan(IDS, ld(13, ld(1, hex(TRACE_ID))))],
      /spans\[0\]\.links\[0\].*link has no span_id/,
    ],
    [
      '33 nested arrays',
      [...oneSpan(IDS, ld(9, text(1, 'deep'), ld(2, nestedArrays(33))))],
      /attributes\[0\]\.value(\.arrayValue\.values\[0\]){32}.*nested deeper than 32 arrays\/kvlists/,
    ],
    [
      '2000 nested arrays',
      [...oneSpan(IDS, ld(9, text(1, 'bomb'), ld(2, nestedArrays(2000))))],
      /nested deeper than 32 arrays\/kvlists/,
    ],
  ];

  it.each(invalidCases)('rejects %s with OTLP_INVALID', (_, bytes, message) => {
    const error = decodeError(new Uint8Array(bytes));
    expect(error.code).toBe('OTLP_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/the body must be an OTLP ExportTraceServiceRequest encoded as protobuf/);
  });

  it('reports the span path and byte offset of a bad id in the SDK body', () => {
    const bytes = sdk.protobuf.slice();
    // Turn the first span's trace id field (tag 0x0a, length 16, the id) into a 15-byte id.
    const field = [0x0a, 16, ...hex(SDK_TRACE_ID)];
    const at = bytes.findIndex((_, i) => field.every((b, j) => bytes[i + j] === b));
    bytes[at + 1] = 15;
    const error = decodeError(bytes);
    expect(error.message).toContain(`at ${SPAN_PATH}`);
    expect(error.message).toContain(`byte ${at + 2}`);
    expect(error.details).toMatchObject({ path: SPAN_PATH, offset: at + 2 });
  });

  it('throws only OTLP_INVALID on random mutations, truncations and splices, and always ends', () => {
    const random = createSeededRandom(20240601);
    const seeds = [sdk.protobuf, encodeOtlpProtobuf(randomOtlpBatch(24, 9))];
    const unexpected: unknown[] = [];
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 4000; i++) {
      const base = random.pick(seeds);
      let bytes: Uint8Array;
      const op = random.int(4);
      if (op === 0) {
        bytes = base.slice();
        for (let n = 1 + random.int(4); n > 0; n--) bytes[random.int(bytes.length)] = random.int(256);
      } else if (op === 1) {
        bytes = base.slice(0, random.int(base.length));
      } else if (op === 2) {
        const at = random.int(base.length);
        const noise = Array.from({ length: 1 + random.int(12) }, () => random.int(256));
        bytes = new Uint8Array([...base.subarray(0, at), ...noise, ...base.subarray(at)]);
      } else {
        const from = random.int(base.length);
        const to = random.int(base.length);
        bytes = new Uint8Array([...base.subarray(0, to), ...base.subarray(from, from + 1 + random.int(64))]);
      }
      try {
        decodeOtlpProtobuf(bytes);
        decoded++;
      } catch (error) {
        if (error instanceof TracecheckError && error.code === 'OTLP_INVALID') rejected++;
        else unexpected.push(error);
      }
    }
    expect(unexpected).toEqual([]);
    expect(decoded).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('decodes or rejects every prefix of a real body', () => {
    for (let end = 0; end < sdk.protobuf.length; end++) {
      try {
        decodeOtlpProtobuf(sdk.protobuf.subarray(0, end));
      } catch (error) {
        expect(error).toBeInstanceOf(TracecheckError);
      }
    }
  });
});
