import { describe, expect, it } from 'vitest';
import { TracecheckError } from '../errors';
import type { SpanRecord } from '../trace/model';
import { decodeOtlpJson } from './decode-otlp-json';
import { exportSdkSpans, SDK_EXPECTED_RECORDS } from './sdk-export-fixture';

const sdk = exportSdkSpans();

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** A request with one span: `span` fields are merged over valid ids. */
function oneSpan(span: Record<string, unknown>, scope: Record<string, unknown> = {}): string {
  return JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ ...scope, spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, ...span }] }] }],
  });
}

function decodeOne(input: unknown): SpanRecord {
  const records = decodeOtlpJson(input);
  expect(records).toHaveLength(1);
  return records[0]!;
}

function decodeError(input: unknown): TracecheckError {
  try {
    decodeOtlpJson(input);
  } catch (error) {
    if (error instanceof TracecheckError) return error;
    throw error;
  }
  throw new Error('expected decodeOtlpJson to throw');
}

describe('decodeOtlpJson', () => {
  it('decodes the OpenTelemetry JS SDK JSON export exactly like its protobuf export', () => {
    expect(decodeOtlpJson(sdk.json)).toEqual(SDK_EXPECTED_RECORDS);
  });

  it('accepts the export as UTF-8 bytes and as a parsed object', () => {
    expect(decodeOtlpJson(new TextEncoder().encode(sdk.json))).toEqual(SDK_EXPECTED_RECORDS);
    expect(decodeOtlpJson(JSON.parse(sdk.json))).toEqual(SDK_EXPECTED_RECORDS);
  });

  it('shares resource and scope objects within their groups', () => {
    const [insert, post, compute] = decodeOtlpJson(sdk.json);
    expect(post!.resource).toBe(insert!.resource);
    expect(compute!.resource).toBe(insert!.resource);
    expect(post!.scope).toBe(insert!.scope);
    expect(compute!.scope).not.toBe(insert!.scope);
  });

  it('decodes an empty request as no spans', () => {
    expect(decodeOtlpJson('{}')).toEqual([]);
    expect(decodeOtlpJson({ resourceSpans: [] })).toEqual([]);
  });

  it('accepts snake_case keys', () => {
    const span = decodeOne(
      JSON.stringify({
        resource_spans: [
          {
            resource: {
              attributes: [{ key: 'service.name', value: { string_value: 'snake' } }],
              dropped_attributes_count: 1,
            },
            schema_url: 'r',
            scope_spans: [
              {
                scope: { name: 's' },
                schema_url: 'u',
                spans: [
                  {
                    trace_id: TRACE_ID,
                    span_id: SPAN_ID,
                    parent_span_id: '0000000000000001',
                    trace_state: 'a=b',
                    start_time_unix_nano: '5',
                    end_time_unix_nano: '6',
                    attributes: [
                      { key: 'i', value: { int_value: '7' } },
                      { key: 'd', value: { double_value: 1.5 } },
                      { key: 'b', value: { bool_value: true } },
                      { key: 'y', value: { bytes_value: 'AQI=' } },
                      { key: 'a', value: { array_value: { values: [{ string_value: 'x' }] } } },
                      {
                        key: 'k',
                        value: { kvlist_value: { values: [{ key: 'z', value: { int_value: 1 } }] } },
                      },
                    ],
                    dropped_attributes_count: 2,
                    events: [{ name: 'e', time_unix_nano: '9', dropped_attributes_count: 3 }],
                    dropped_events_count: 4,
                    links: [{ trace_id: TRACE_ID, span_id: SPAN_ID, trace_state: 't' }],
                    dropped_links_count: 5,
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(span).toMatchObject({
      parentSpanId: '0000000000000001',
      traceState: 'a=b',
      startTimeUnixNano: 5n,
      endTimeUnixNano: 6n,
      attributes: [
        { key: 'i', value: { type: 'int', value: 7n } },
        { key: 'd', value: { type: 'double', value: 1.5 } },
        { key: 'b', value: { type: 'bool', value: true } },
        { key: 'y', value: { type: 'bytes', value: new Uint8Array([1, 2]) } },
        { key: 'a', value: { type: 'array', value: [{ type: 'string', value: 'x' }] } },
        { key: 'k', value: { type: 'kvlist', value: [{ key: 'z', value: { type: 'int', value: 1n } }] } },
      ],
      droppedAttributesCount: 2,
      events: [{ name: 'e', timeUnixNano: 9n, attributes: [], droppedAttributesCount: 3 }],
      droppedEventsCount: 4,
      links: [{ traceId: TRACE_ID, spanId: SPAN_ID, traceState: 't' }],
      droppedLinksCount: 5,
      resource: { droppedAttributesCount: 1, schemaUrl: 'r' },
      scope: { name: 's', schemaUrl: 'u' },
    });
  });

  it.each([
    ['base64 ids', 'W47/95gDgQPSabYzgT/GDA==', '7uGbfsPBsXQ=', 'AAAAAAAAAAE='],
    ['URL-safe base64 ids without padding', 'W47_95gDgQPSabYzgT_GDA', '7uGbfsPBsXQ', 'AAAAAAAAAAE'],
    ['uppercase hex ids', TRACE_ID.toUpperCase(), SPAN_ID.toUpperCase(), '0000000000000001'],
  ])('accepts %s', (_, traceId, spanId, parentSpanId) => {
    const span = decodeOne(oneSpan({ traceId, spanId, parentSpanId }));
    expect([span.traceId, span.spanId, span.parentSpanId]).toEqual([TRACE_ID, SPAN_ID, '0000000000000001']);
  });

  it.each([
    ['an empty parent id', ''],
    ['an all-zero parent id', '0000000000000000'],
    ['a null parent id', null],
  ])('treats %s as a root', (_, parentSpanId) => {
    expect(decodeOne(oneSpan({ parentSpanId })).parentSpanId).toBeNull();
  });

  it('keeps unquoted int64 numbers beyond 2^53 exact when given text', () => {
    const body =
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}",` +
      '"name":"a:12345678901234567890 \\"b\\":12345678901234567890",' +
      '"startTimeUnixNano": 1700000000123456789,"endTimeUnixNano":18446744073709551615,' +
      '"attributes":[{"key":"i","value":{"intValue":-9223372036854775808}},' +
      '{"key":"j","value":{"intValue":9007199254740993}},{"key":"d","value":{"doubleValue":12345678901234567890}}]}]}]}]}';
    const span = decodeOne(body);
    expect(span.name).toBe('a:12345678901234567890 "b":12345678901234567890');
    expect(span.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(span.endTimeUnixNano).toBe(2n ** 64n - 1n);
    expect(span.attributes.map((a) => a.value)).toEqual([
      { type: 'int', value: -(2n ** 63n) },
      { type: 'int', value: 9_007_199_254_740_993n },
      { type: 'double', value: Number('12345678901234567890') },
    ]);
  });

  it.each([
    ['names', 'SPAN_KIND_CLIENT', 'STATUS_CODE_ERROR'],
    ['numbers', 3, 2],
  ])('accepts enums as %s', (_, kind, code) => {
    const span = decodeOne(oneSpan({ kind, status: { code, message: 'm' } }));
    expect([span.kind, span.status]).toEqual(['client', { code: 'STATUS_CODE_ERROR', message: 'm' }]);
  });

  it('gives SPAN_KIND_UNSPECIFIED and a missing kind the name unespecified', () => {
    expect(decodeOne(oneSpan({ kind: 'SPAN_KIND_UNSPECIFIED' })).kind).toBe('unespecified');
    expect(decodeOne(oneSpan({})).kind).toBe('unespecified');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-0', -0],
    ['2.5e3', 2500],
  ])('accepts the double %s written as a string', (doubleValue, expected) => {
    const span = decodeOne(oneSpan({ attributes: [{ key: 'd', value: { doubleValue } }] }));
    expect(span.attributes[0]!.value).toEqual({ type: 'double', value: expected });
  });

  it('reads the deprecated instrumentationLibrarySpans and instrumentationLibrary', () => {
    const span = decodeOne({
      resourceSpans: [
        {
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'lib', version: '1' },
              spans: [{ traceId: TRACE_ID, spanId: SPAN_ID }],
            },
          ],
        },
      ],
    });
    expect(span.scope).toEqual({ name: 'lib', version: '1', attributes: [], schemaUrl: '' });
  });

  const invalidCases: readonly (readonly [string, unknown, RegExp])[] = [
    ['text that is not JSON', '{"resourceSpans": [', /^invalid OTLP JSON: the body is not JSON \(/],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /the body is not valid UTF-8/],
    ['an array', '[]', /expected an ExportTraceServiceRequest object, got \[\]/],
    ['null', null, /expected an ExportTraceServiceRequest object, got null/],
    [
      'resourceSpans that is not an array',
      { resourceSpans: 5 },
      /\(at resourceSpans\): expected an array, got 5/,
    ],
    [
      'a span that is a string',
      { resourceSpans: [{ scopeSpans: [{ spans: ['x'] }] }] },
      /\(at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\): expected a Span object, got "x"/,
    ],
    [
      'a span without trace id',
      oneSpan({ traceId: undefined }),
      /\(at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId\): span has no traceId/,
    ],
    ['a span with an empty span id', oneSpan({ spanId: '' }), /spans\[0\]\.spanId\): span has no spanId/],
    [
      'an id that is neither hex nor base64',
      oneSpan({ spanId: 'xyz!' }),
      /spanId\): "xyz!" is neither 16 hexadecimal characters nor the base64 of 8 bytes/,
    ],
    [
      'a trace id of 15 bytes in hex',
      oneSpan({ traceId: TRACE_ID.slice(2) }),
      /traceId\): "[0-9a-f]{30}" is neither 32 hexadecimal characters nor the base64 of 16 bytes/,
    ],
    ['an all-zero trace id', oneSpan({ traceId: '0'.repeat(32) }), /traceId\): traceId is all zero/],
    ['an all-zero span id', oneSpan({ spanId: '0'.repeat(16) }), /spanId\): spanId is all zero/],
    ['a name that is a number', oneSpan({ name: 42 }), /spans\[0\]\.name\): expected a string, got 42/],
    [
      'an unknown kind name',
      oneSpan({ kind: 'SPAN_KIND_FOO' }),
      /kind\): expected a SpanKind \(0 to 5, or a name such as "SPAN_KIND_SERVER"\), got "SPAN_KIND_FOO"/,
    ],
    ['kind 6', oneSpan({ kind: 6 }), /kind\): expected a SpanKind/],
    ['status code 9', oneSpan({ status: { code: 9 } }), /spans\[0\]\.status\.code\): expected a StatusCode/],
    [
      'a negative time',
      oneSpan({ startTimeUnixNano: '-1' }),
      /startTimeUnixNano\): expected an unsigned 64-bit integer/,
    ],
    [
      'a fractional time',
      oneSpan({ endTimeUnixNano: 1.5 }),
      /endTimeUnixNano\): expected an unsigned 64-bit integer/,
    ],
    [
      'a time beyond 2^64',
      oneSpan({ endTimeUnixNano: '18446744073709551616' }),
      /endTimeUnixNano\): expected an unsigned 64-bit integer/,
    ],
    [
      'a dropped count beyond 32 bits',
      oneSpan({ droppedAttributesCount: 2 ** 32 }),
      /droppedAttributesCount\): expected an unsigned 32-bit integer, got 4294967296/,
    ],
    [
      'an int value that is not a number',
      oneSpan({ attributes: [{ key: 'i', value: { intValue: 'abc' } }] }),
      /attributes\[0\]\.value\.intValue\): expected a 64-bit integer, got "abc"/,
    ],
    [
      'an int value beyond int64',
      oneSpan({ attributes: [{ key: 'i', value: { intValue: '9223372036854775808' } }] }),
      /intValue\): expected a 64-bit integer/,
    ],
    [
      'a double that is text',
      oneSpan({ attributes: [{ key: 'd', value: { doubleValue: 'many' } }] }),
      /doubleValue\): expected a number, "NaN", "Infinity" or "-Infinity", got "many"/,
    ],
    [
      'a bool that is text',
      oneSpan({ attributes: [{ key: 'b', value: { boolValue: 'true' } }] }),
      /boolValue\): expected true or false, got "true"/,
    ],
    [
      'bytes that are not base64',
      oneSpan({ attributes: [{ key: 'y', value: { bytesValue: '!!' } }] }),
      /bytesValue\): expected base64, got "!!"/,
    ],
    [
      'an attribute that is not an object',
      oneSpan({ attributes: ['x'] }),
      /attributes\[0\]\): expected a KeyValue object, got "x"/,
    ],
    [
      'an event attribute error',
      oneSpan({ events: [{ attributes: [{ key: 1 }] }] }),
      /spans\[0\]\.events\[0\]\.attributes\[0\]\.key\): expected a string, got 1/,
    ],
    [
      'a link without span id',
      oneSpan({ links: [{ traceId: TRACE_ID }] }),
      /links\[0\]\.spanId\): link has no spanId/,
    ],
    [
      'a scope that is not an object',
      oneSpan({}, { scope: 'x' }),
      /scopeSpans\[0\]\.scope\): expected an InstrumentationScope object, got "x"/,
    ],
  ];

  it.each(invalidCases)('rejects %s with OTLP_INVALID', (_, input, message) => {
    const error = decodeError(input);
    expect(error.code).toBe('OTLP_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/the body must be an OTLP ExportTraceServiceRequest in OTLP\/JSON/);
  });

  it('rejects AnyValue nesting deeper than 32 levels, however deep', () => {
    const nested = (depth: number) => {
      let value: unknown = { stringValue: 'leaf' };
      for (let i = 0; i < depth; i++) value = { arrayValue: { values: [value] } };
      return value;
    };
    expect(decodeOne(oneSpan({ attributes: [{ key: 'ok', value: nested(32) }] })).attributes).toHaveLength(1);
    for (const depth of [33, 100_000]) {
      const error = decodeError({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: TRACE_ID, spanId: SPAN_ID, attributes: [{ key: 'x', value: nested(depth) }] },
                ],
              },
            ],
          },
        ],
      });
      expect(error.message).toMatch(/nested deeper than 32 arrays\/kvlists/);
    }
  });
});
