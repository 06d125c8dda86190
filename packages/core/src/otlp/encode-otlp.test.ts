import { describe, expect, it } from 'vitest';
import { TracecheckError } from '../errors';
import { randomOtlpBatch } from '../testing/synthetic-traces';
import type {
  AnyValue,
  KeyValue,
  ResourceRecord,
  ScopeRecord,
  SpanId,
  SpanRecord,
  TraceId,
} from '../trace/model';
import { decodeOtlpJson } from './decode-otlp-json';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf';
import { encodeOtlpJson } from './encode-otlp-json';
import { encodeOtlpProtobuf } from './encode-otlp-protobuf';
import { exportSdkSpans, SDK_EXPECTED_RECORDS } from './sdk-export-fixture';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

const EDGE_RESOURCE: ResourceRecord = {
  attributes: [
    kv('service.name', { type: 'string', value: 'edge' }),
    kv('empty.string', { type: 'string', value: '' }),
    kv('empty.value', { type: 'empty' }),
    kv('empty.bytes', { type: 'bytes', value: new Uint8Array(0) }),
    kv('empty.array', { type: 'array', value: [] }),
    kv('empty.kvlist', { type: 'kvlist', value: [] }),
  ],
  droppedAttributesCount: 3,
  schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
};
const EDGE_SCOPE: ScopeRecord = {
  name: 'edge-scope',
  version: '9.9.9',
  attributes: [kv('scope.attr', { type: 'bool', value: true })],
  schemaUrl: 'https://example.com/scope',
};
const OTHER_RESOURCE: ResourceRecord = { attributes: [], droppedAttributesCount: 0, schemaUrl: '' };

const LONG_TEXT = `${'x'.repeat(300)} — ünïcödé 🚀`;

/** Records exercising every field and the extreme values of every type. */
const EDGE_RECORDS: readonly SpanRecord[] = [
  {
    traceId: 'ffffffffffffffffffffffffffffffff' as TraceId,
    spanId: '0000000000000001' as SpanId,
    parentSpanId: 'ffffffffffffffff' as SpanId,
    traceState: 'a=b,c=d',
    flags: 0xffffffff,
    name: LONG_TEXT,
    kind: 'consumer',
    startTimeUnixNano: 0n,
    endTimeUnixNano: 2n ** 64n - 1n,
    attributes: [
      kv('int.min', { type: 'int', value: -(2n ** 63n) }),
      kv('int.max', { type: 'int', value: 2n ** 63n - 1n }),
      kv('int.unsafe', { type: 'int', value: 2n ** 53n + 1n }),
      kv('int.negative', { type: 'int', value: -3n }),
      kv('double.neg.zero', { type: 'double', value: -0 }),
      kv('double.nan', { type: 'double', value: Number.NaN }),
      kv('double.inf', { type: 'double', value: Number.POSITIVE_INFINITY }),
      kv('double.minus.inf', { type: 'double', value: Number.NEGATIVE_INFINITY }),
      kv('double.tiny', { type: 'double', value: 5e-324 }),
      kv('double.huge', { type: 'double', value: 1.7976931348623157e308 }),
      kv('bool.false', { type: 'bool', value: false }),
      kv('bytes', { type: 'bytes', value: new Uint8Array([0, 255, 128, 7]) }),
      kv('nested', {
        type: 'kvlist',
        value: [
          kv('list', {
            type: 'array',
            value: [
              { type: 'int', value: 1n },
              { type: 'empty' },
              { type: 'kvlist', value: [kv('deep', { type: 'string', value: 'yes' })] },
            ],
          }),
        ],
      }),
      kv(LONG_TEXT, { type: 'string', value: LONG_TEXT }),
    ],
    droppedAttributesCount: 1,
    events: [
      {
        name: 'event',
        timeUnixNano: 2n ** 63n,
        attributes: [kv('k', { type: 'string', value: 'v' })],
        droppedAttributesCount: 2,
      },
      { name: '', timeUnixNano: 0n, attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 4,
    links: [
      {
        traceId: '0000000000000000000000000000000a' as TraceId,
        spanId: '000000000000000b' as SpanId,
        traceState: 'x=y',
        attributes: [kv('l', { type: 'int', value: 5n })],
        droppedAttributesCount: 6,
        flags: 1,
      },
    ],
    droppedLinksCount: 7,
    status: { code: 'STATUS_CODE_ERROR', message: 'failed: ✗' },
    resource: EDGE_RESOURCE,
    scope: EDGE_SCOPE,
  },
  {
    traceId: '0000000000000000000000000000000a' as TraceId,
    spanId: '000000000000000c' as SpanId,
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: '',
    kind: 'unespecified',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource: OTHER_RESOURCE,
    scope: null,
  },
  {
    traceId: '0000000000000000000000000000000a' as TraceId,
    spanId: '000000000000000d' as SpanId,
    parentSpanId: '000000000000000c' as SpanId,
    traceState: '',
    flags: 0,
    name: 'unset status',
    kind: 'producer',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    resource: EDGE_RESOURCE,
    scope: EDGE_SCOPE,
  },
];

const codecs = [
  ['protobuf', (records: readonly SpanRecord[]) => decodeOtlpProtobuf(encodeOtlpProtobuf(records))],
  ['JSON text', (records: readonly SpanRecord[]) => decodeOtlpJson(JSON.stringify(encodeOtlpJson(records)))],
  ['JSON object', (records: readonly SpanRecord[]) => decodeOtlpJson(encodeOtlpJson(records))],
] as const;

/** Records in the order an encoder writes them: grouped by resource, then scope. */
function grouped(records: readonly SpanRecord[]): SpanRecord[] {
  return [records[0]!, records[2]!, records[1]!];
}

describe.each(codecs)('encode then decode (%s)', (_, roundTrip) => {
  it('gives back every field of records with extreme values', () => {
    expect(roundTrip(EDGE_RECORDS)).toEqual(grouped(EDGE_RECORDS));
  });

  it('keeps resource and scope sharing', () => {
    const [first, third, second] = roundTrip(EDGE_RECORDS);
    expect(third!.resource).toBe(first!.resource);
    expect(third!.scope).toBe(first!.scope);
    expect(second!.resource).not.toBe(first!.resource);
  });

  it.each([1, 2, 3])('gives back a synthetic SDK-like batch (seed %i)', (seed) => {
    const batch = randomOtlpBatch(300, seed);
    expect(roundTrip(batch)).toEqual(batch);
  });

  it('gives back the records of a real SDK export', () => {
    expect(roundTrip(SDK_EXPECTED_RECORDS)).toEqual(SDK_EXPECTED_RECORDS);
  });
});

describe('encodeOtlpProtobuf', () => {
  it('writes a body that decodes like the SDK body it was decoded from', () => {
    const records = decodeOtlpProtobuf(exportSdkSpans().protobuf);
    expect(decodeOtlpProtobuf(encodeOtlpProtobuf(records))).toEqual(records);
  });

  it('writes an empty request for no records', () => {
    expect(encodeOtlpProtobuf([])).toEqual(new Uint8Array(0));
  });

  it('rejects an int value outside int64', () => {
    const record = { ...EDGE_RECORDS[1]!, attributes: [kv('big', { type: 'int', value: 2n ** 63n })] };
    expect(() => encodeOtlpProtobuf([record])).toThrow(TracecheckError);
  });
});

describe('encodeOtlpJson', () => {
  it('writes OTLP/JSON with hex ids, decimal-string int64s and numeric enums', () => {
    const json = encodeOtlpJson([EDGE_RECORDS[2]!]);
    expect(json).toEqual({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'edge' } },
              { key: 'empty.string', value: { stringValue: '' } },
              { key: 'empty.value', value: {} },
              { key: 'empty.bytes', value: { bytesValue: '' } },
              { key: 'empty.array', value: { arrayValue: { values: [] } } },
              { key: 'empty.kvlist', value: { kvlistValue: { values: [] } } },
            ],
            droppedAttributesCount: 3,
          },
          scopeSpans: [
            {
              scope: {
                name: 'edge-scope',
                version: '9.9.9',
                attributes: [{ key: 'scope.attr', value: { boolValue: true } }],
              },
              spans: [
                {
                  traceId: '0000000000000000000000000000000a',
                  spanId: '000000000000000d',
                  parentSpanId: '000000000000000c',
                  name: 'unset status',
                  kind: 4,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [],
                  status: { code: 0 },
                },
              ],
              schemaUrl: 'https://example.com/scope',
            },
          ],
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
        },
      ],
    });
  });

  it('writes int64 as strings and non-finite or negative-zero doubles as strings', () => {
    const span = encodeOtlpJson([EDGE_RECORDS[0]!]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const values = Object.fromEntries(span.attributes.map((a) => [a.key, a.value]));
    expect(values['int.min']).toEqual({ intValue: '-9223372036854775808' });
    expect(values['double.neg.zero']).toEqual({ doubleValue: '-0' });
    expect(values['double.nan']).toEqual({ doubleValue: 'NaN' });
    expect(values['double.minus.inf']).toEqual({ doubleValue: '-Infinity' });
    expect(values['double.tiny']).toEqual({ doubleValue: 5e-324 });
    expect(values.bytes).toEqual({ bytesValue: 'AP+ABw==' });
    expect(span.endTimeUnixNano).toBe('18446744073709551615');
  });
});
