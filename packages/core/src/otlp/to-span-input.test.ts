import { describe, expect, it } from 'vitest';
import type {
  AnyValue,
  KeyValue,
  ResourceRecord,
  ScopeRecord,
  SpanId,
  SpanRecord,
  TraceId,
} from '../trace/model';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf';
import { exportSdkSpans, SDK_OTHER_TRACE_ID, SDK_TRACE_ID } from './sdk-export-fixture';
import { toSpanInput } from './to-span-input';
import { traceFromRecords } from './trace-from-records';

const str = (value: string): AnyValue => ({ type: 'string', value });
const kv = (key: string, value: string): KeyValue => ({ key, value: str(value) });

function record(
  attributes: readonly KeyValue[],
  scope: ScopeRecord | null,
  resourceAttributes: readonly KeyValue[],
): SpanRecord {
  const resource: ResourceRecord = {
    attributes: resourceAttributes,
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
  return {
    traceId: SDK_TRACE_ID,
    spanId: '0000000000000001' as SpanId,
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: 'span',
    kind: 'internal',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource,
    scope,
  };
}

const scope = (name: string, attributes: readonly KeyValue[] = []): ScopeRecord => ({
  name,
  version: '1',
  attributes,
  schemaUrl: '',
});

describe('toSpanInput', () => {
  // SPEC §3.2: span attributes → service.name = scope name → scope attributes → resource attributes.
  it.each([
    ['the span only', [kv('service.name', 'span')], null, [], 'span'],
    ['the scope name over the span', [kv('service.name', 'span')], scope('scope-name'), [], 'scope-name'],
    ['an empty scope name over the span', [kv('service.name', 'span')], scope(''), [], ''],
    [
      'a scope attribute over the scope name',
      [],
      scope('scope-name', [kv('service.name', 'scope-attr')]),
      [],
      'scope-attr',
    ],
    [
      'the resource over everything',
      [kv('service.name', 'span')],
      scope('s', [kv('service.name', 'a')]),
      [kv('service.name', 'resource')],
      'resource',
    ],
    [
      'the resource without a scope',
      [kv('service.name', 'span')],
      null,
      [kv('service.name', 'resource')],
      'resource',
    ],
  ])('takes service.name from %s', (_, attributes, spanScope, resourceAttributes, expected) => {
    const input = toSpanInput(record(attributes, spanScope, resourceAttributes));
    expect(input.attributes.get('service.name')).toBe(expected);
  });

  it('has no service.name when no source gives one', () => {
    expect(toSpanInput(record([kv('a', 'b')], null, [])).attributes.has('service.name')).toBe(false);
  });

  it('flattens every attribute source, events and links, and keeps status and record', () => {
    const [, post] = decodeOtlpProtobuf(exportSdkSpans().protobuf);
    const input = toSpanInput(post!);
    expect(Object.fromEntries(input.attributes)).toEqual({
      'http.method': 'POST',
      'http.status_code': '201',
      'app.negative': '-3',
      'app.large': '9007199254740994',
      'app.price': '19.99',
      'app.ratio': '-1.5',
      'app.flag': 'false',
      'app.tags': '["a","b"]',
      'app.counts': '[1,2,3]',
      'app.checks': '[true,false]',
      'app.weights': '[0.5,2.25]',
      'app.unicode': 'héllo ✓ 🚀',
      'service.name': 'orders',
      'process.pid': '4242',
      'host.arch': 'amd64',
      'app.digest': 'AAEC+v8=',
      'app.owner': '{"name":"ana","age":30,"tags":["x"]}',
    });
    expect(input).toMatchObject({
      id: '0000000000000001',
      parentId: 'aaaaaaaaaaaaaaaa',
      name: 'POST /orders',
      kind: 'server',
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_001_000_000_001n,
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
      resource: post!.resource,
      record: post,
    });
    expect(input.events).toEqual([
      {
        name: 'retry',
        timeUnixNano: 1_700_000_000_223_456_789n,
        attributes: new Map([
          ['attempt', '2'],
          ['reason', 'timeout'],
        ]),
      },
      { name: 'cache.miss', timeUnixNano: 1_700_000_000_999_999_999n, attributes: new Map() },
    ]);
  });

  it('flattens links', () => {
    const [insert] = decodeOtlpProtobuf(exportSdkSpans().protobuf);
    expect(toSpanInput(insert!).links).toEqual([
      {
        traceId: SDK_OTHER_TRACE_ID,
        spanId: 'bbbbbbbbbbbbbbbb',
        attributes: new Map([['link.reason', 'batch']]),
      },
    ]);
  });
});

describe('traceFromRecords', () => {
  const records = decodeOtlpProtobuf(exportSdkSpans().protobuf);

  it('assembles the spans of one trace from a decoded SDK export, ignoring other traces', () => {
    const trace = traceFromRecords(SDK_TRACE_ID, records);
    expect(trace.spans.map((s) => s.name)).toEqual(['POST /orders', 'INSERT orders', 'compute']);
    expect(Array.from(trace.parentIndex)).toEqual([-1, 0, 0]);
    const [post, insert, compute] = trace.spans;
    expect(post!.type).toBe('http');
    expect(insert!.type).toBe('database');
    expect(compute!.attributes.get('service.name')).toBe('orders');
    expect(post!.attributes.get('tracetest.span.duration')).toBe('876543212');
    expect(post!.attributes.get('tracetest.span.start_time')).toBe('1700000000123456789');
    expect(post!.attributes.get('tracetest.span.status_code')).toBe('STATUS_CODE_ERROR');
    expect(post!.attributes.get('tracetest.span.status_description')).toBe('boom');
    expect(compute!.attributes.get('tracetest.span.duration')).toBe('1500');
    expect(JSON.parse(post!.attributes.get('span.events')!)).toEqual([
      {
        name: 'retry',
        timestamp: '2023-11-14T22:13:20.223456789Z',
        attributes: { attempt: '2', reason: 'timeout' },
      },
      { name: 'cache.miss', timestamp: '2023-11-14T22:13:20.999999999Z', attributes: {} },
    ]);
  });

  it('keeps each span’s shared resource, and its record only when asked to', () => {
    const ofTrace = records.filter((r) => r.traceId === SDK_TRACE_ID);
    const byId = new Map(ofTrace.map((r) => [r.spanId, r]));
    const lean = traceFromRecords(SDK_TRACE_ID, records);
    for (const span of lean.spans) {
      expect(span.resource).toBe(byId.get(span.id)!.resource);
      expect('record' in span).toBe(false);
    }
    expect(new Set(lean.spans.map((s) => s.resource)).size).toBe(1);
    const full = traceFromRecords(SDK_TRACE_ID, records, { keepRecords: true });
    for (const span of full.spans) {
      expect(span.record).toBe(byId.get(span.id));
      expect(span.resource).toBe(span.record!.resource);
    }
  });

  it('gives an empty trace for a trace id with no records', () => {
    expect(traceFromRecords('0123456789abcdef0123456789abcdef' as TraceId, records).spans).toEqual([]);
  });
});
