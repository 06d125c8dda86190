import {
  type Attributes,
  context,
  createTraceState,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type {
  AnyValue,
  KeyValue,
  ResourceRecord,
  ScopeRecord,
  SpanId,
  SpanRecord,
  TraceId,
} from '../trace/model';

/**
 * Test fixture: real export bodies written by the OpenTelemetry JS SDK's own serializers
 * (`@opentelemetry/otlp-transformer`), from spans made with a `BasicTracerProvider`. Ids come from a
 * counter and every time is given explicitly, so the bodies are the same on every run.
 */

export const SDK_TRACE_ID = '0af7651916cd43dd8448eb211c80319c' as TraceId;
export const SDK_OTHER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId;
export const SDK_REMOTE_PARENT_ID = 'aaaaaaaaaaaaaaaa' as SpanId;
export const SDK_LINKED_SPAN_ID = 'bbbbbbbbbbbbbbbb' as SpanId;

/** Span attributes of every type the SDK accepts on spans. */
export const SDK_ROOT_ATTRIBUTES: Attributes = {
  'http.method': 'POST',
  'http.status_code': 201,
  'app.negative': -3,
  'app.large': 2 ** 53 + 2,
  'app.price': 19.99,
  'app.ratio': -1.5,
  'app.flag': false,
  'app.tags': ['a', 'b'],
  'app.counts': [1, 2, 3],
  'app.checks': [true, false],
  'app.weights': [0.5, 2.25],
  'app.unicode': 'héllo ✓ 🚀',
};

export interface SdkExport {
  readonly spans: readonly ReadableSpan[];
  readonly protobuf: Uint8Array;
  readonly json: string;
}

function createProvider(
  resourceAttributes: Attributes | Record<string, unknown>,
  schemaUrl: string | undefined,
  traceId: string,
  firstSpanId: number,
): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  let next = firstSpanId;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(
      resourceAttributes as Attributes,
      schemaUrl === undefined ? undefined : { schemaUrl },
    ),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    idGenerator: {
      generateTraceId: () => traceId,
      generateSpanId: () => (next++).toString(16).padStart(16, '0'),
    },
  });
  return { provider, exporter };
}

/**
 * Exports four spans in two resources:
 * - resource `orders` (with bytes, kvlist and int attributes, a schema URL), scope `http@1.2.3`:
 *   `POST /orders` (server, child of a remote parent carrying a trace state; every attribute type; two
 *   events; status ERROR) and `INSERT orders` (client, child of the first; a link; status OK);
 *   scope `worker` (no version): `compute` (internal, child of the first; status unset);
 * - resource `stock`, scope `stock`: `GET /stock`, a root span of another trace.
 */
export function exportSdkSpans(): SdkExport {
  const orders = createProvider(
    {
      'service.name': 'orders',
      'process.pid': 4242,
      'host.arch': 'amd64',
      'app.digest': new Uint8Array([0, 1, 2, 250, 255]),
      'app.owner': { name: 'ana', age: 30, tags: ['x'] },
    },
    'https://opentelemetry.io/schemas/1.24.0',
    SDK_TRACE_ID,
    1,
  );
  const http = orders.provider.getTracer('http', '1.2.3', { schemaUrl: 'https://example.com/scope/1' });
  const worker = orders.provider.getTracer('worker');
  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: SDK_TRACE_ID,
    spanId: SDK_REMOTE_PARENT_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('tracetest=true,vendor=x'),
  });
  const root = http.startSpan(
    'POST /orders',
    { kind: SpanKind.SERVER, startTime: [1_700_000_000, 123_456_789], attributes: SDK_ROOT_ATTRIBUTES },
    remoteParent,
  );
  root.addEvent('retry', { attempt: 2, reason: 'timeout' }, [1_700_000_000, 223_456_789]);
  root.addEvent('cache.miss', undefined, [1_700_000_000, 999_999_999]);
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const inRoot = trace.setSpan(context.active(), root);

  const insert = http.startSpan(
    'INSERT orders',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 300_000_000],
      attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO orders VALUES (7)' },
      links: [
        {
          context: {
            traceId: SDK_OTHER_TRACE_ID,
            spanId: SDK_LINKED_SPAN_ID,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
            traceState: createTraceState('k=v'),
          },
          attributes: { 'link.reason': 'batch' },
        },
      ],
    },
    inRoot,
  );
  insert.setStatus({ code: SpanStatusCode.OK });
  insert.end([1_700_000_000, 350_000_001]);

  const compute = worker.startSpan(
    'compute',
    { kind: SpanKind.INTERNAL, startTime: [1_700_000_000, 400_000_000] },
    inRoot,
  );
  compute.end([1_700_000_000, 400_001_500]);
  root.end([1_700_000_001, 1]);

  const stock = createProvider({ 'service.name': 'stock' }, undefined, SDK_OTHER_TRACE_ID, 0x100);
  const stockSpan = stock.provider
    .getTracer('stock', '0.1.0')
    .startSpan('GET /stock', { kind: SpanKind.SERVER, startTime: [1_699_999_999, 0] });
  stockSpan.end([1_700_000_002, 500]);

  const spans = [...orders.exporter.getFinishedSpans(), ...stock.exporter.getFinishedSpans()];
  const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (!protobuf || !json) throw new Error('the SDK serializers returned nothing');
  return { spans, protobuf, json: new TextDecoder().decode(json) };
}

const str = (value: string): AnyValue => ({ type: 'string', value });
const int = (value: bigint): AnyValue => ({ type: 'int', value });
const dbl = (value: number): AnyValue => ({ type: 'double', value });
const bool = (value: boolean): AnyValue => ({ type: 'bool', value });
const arr = (...value: AnyValue[]): AnyValue => ({ type: 'array', value });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

const ORDERS_RESOURCE: ResourceRecord = {
  attributes: [
    kv('service.name', str('orders')),
    kv('process.pid', int(4242n)),
    kv('host.arch', str('amd64')),
    kv('app.digest', { type: 'bytes', value: new Uint8Array([0, 1, 2, 250, 255]) }),
    kv('app.owner', {
      type: 'kvlist',
      value: [kv('name', str('ana')), kv('age', int(30n)), kv('tags', arr(str('x')))],
    }),
  ],
  droppedAttributesCount: 0,
  schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
};
const STOCK_RESOURCE: ResourceRecord = {
  attributes: [kv('service.name', str('stock'))],
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const HTTP_SCOPE: ScopeRecord = {
  name: 'http',
  version: '1.2.3',
  attributes: [],
  schemaUrl: 'https://example.com/scope/1',
};
const WORKER_SCOPE: ScopeRecord = { name: 'worker', version: '', attributes: [], schemaUrl: '' };
const STOCK_SCOPE: ScopeRecord = { name: 'stock', version: '0.1.0', attributes: [], schemaUrl: '' };

const NO_EXTRAS = {
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
} as const;

/** What the SDK export of `exportSdkSpans` must decode to: grouped by resource, then scope. */
export const SDK_EXPECTED_RECORDS: readonly SpanRecord[] = [
  {
    ...NO_EXTRAS,
    traceId: SDK_TRACE_ID,
    spanId: '0000000000000002' as SpanId,
    parentSpanId: '0000000000000001' as SpanId,
    traceState: 'tracetest=true,vendor=x',
    flags: 0x101,
    name: 'INSERT orders',
    kind: 'client',
    startTimeUnixNano: 1_700_000_000_300_000_000n,
    endTimeUnixNano: 1_700_000_000_350_000_001n,
    attributes: [
      kv('db.system', str('postgresql')),
      kv('db.statement', str('INSERT INTO orders VALUES (7)')),
    ],
    events: [],
    links: [
      {
        traceId: SDK_OTHER_TRACE_ID,
        spanId: SDK_LINKED_SPAN_ID,
        traceState: 'k=v',
        attributes: [kv('link.reason', str('batch'))],
        droppedAttributesCount: 0,
        flags: 0x301,
      },
    ],
    status: { code: 'STATUS_CODE_OK', message: '' },
    resource: ORDERS_RESOURCE,
    scope: HTTP_SCOPE,
  },
  {
    ...NO_EXTRAS,
    traceId: SDK_TRACE_ID,
    spanId: '0000000000000001' as SpanId,
    parentSpanId: SDK_REMOTE_PARENT_ID,
    traceState: 'tracetest=true,vendor=x',
    flags: 0x301,
    name: 'POST /orders',
    kind: 'server',
    startTimeUnixNano: 1_700_000_000_123_456_789n,
    endTimeUnixNano: 1_700_000_001_000_000_001n,
    attributes: [
      kv('http.method', str('POST')),
      kv('http.status_code', int(201n)),
      kv('app.negative', int(-3n)),
      kv('app.large', int(9_007_199_254_740_994n)),
      kv('app.price', dbl(19.99)),
      kv('app.ratio', dbl(-1.5)),
      kv('app.flag', bool(false)),
      kv('app.tags', arr(str('a'), str('b'))),
      kv('app.counts', arr(int(1n), int(2n), int(3n))),
      kv('app.checks', arr(bool(true), bool(false))),
      kv('app.weights', arr(dbl(0.5), dbl(2.25))),
      kv('app.unicode', str('héllo ✓ 🚀')),
    ],
    events: [
      {
        name: 'retry',
        timeUnixNano: 1_700_000_000_223_456_789n,
        attributes: [kv('attempt', int(2n)), kv('reason', str('timeout'))],
        droppedAttributesCount: 0,
      },
      {
        name: 'cache.miss',
        timeUnixNano: 1_700_000_000_999_999_999n,
        attributes: [],
        droppedAttributesCount: 0,
      },
    ],
    links: [],
    status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    resource: ORDERS_RESOURCE,
    scope: HTTP_SCOPE,
  },
  {
    ...NO_EXTRAS,
    traceId: SDK_TRACE_ID,
    spanId: '0000000000000003' as SpanId,
    parentSpanId: '0000000000000001' as SpanId,
    traceState: 'tracetest=true,vendor=x',
    flags: 0x101,
    name: 'compute',
    kind: 'internal',
    startTimeUnixNano: 1_700_000_000_400_000_000n,
    endTimeUnixNano: 1_700_000_000_400_001_500n,
    attributes: [],
    events: [],
    links: [],
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    resource: ORDERS_RESOURCE,
    scope: WORKER_SCOPE,
  },
  {
    ...NO_EXTRAS,
    traceId: SDK_OTHER_TRACE_ID,
    spanId: '0000000000000100' as SpanId,
    parentSpanId: null,
    traceState: '',
    flags: 0x101,
    name: 'GET /stock',
    kind: 'server',
    startTimeUnixNano: 1_699_999_999_000_000_000n,
    endTimeUnixNano: 1_700_000_002_000_000_500n,
    attributes: [],
    events: [],
    links: [],
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    resource: STOCK_RESOURCE,
    scope: STOCK_SCOPE,
  },
];
