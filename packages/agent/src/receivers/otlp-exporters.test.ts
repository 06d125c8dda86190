/**
 * End-to-end: spans made by the real OpenTelemetry JS SDK, sent by its real OTLP exporters (HTTP
 * protobuf, HTTP JSON, gRPC; plain and gzip), must reach the span cache with every field intact.
 */
import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { KeyValue, SpanRecord, TraceId } from '@tracecheck/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent, waitForSpans } from '../testing/agent-test-helpers';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId;
const ROOT_ID = '00f067aa0ba902b7';
const CHILD_ID = '53995c3f42cd8ad8';
const LINKED_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN_ID = 'b7ad6b7169203331';

/** Makes two spans with the real SDK tracer, ids and times fixed, every kind of field set. */
function makeSdkSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const spanIds = [ROOT_ID, CHILD_ID];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'deployment.environment.name': 'test',
      'host.cpu.count': 4,
    }),
    idGenerator: { generateTraceId: () => TRACE_ID, generateSpanId: () => spanIds.shift()! },
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('checkout-service', '1.2.3', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
  });

  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, 123_456_789],
    attributes: {
      'http.request.method': 'POST',
      'http.response.status_code': 402,
      'app.ratio': 0.25,
      'app.negative': -3,
      'app.max_safe': Number.MAX_SAFE_INTEGER,
      'app.cached': false,
      'app.tags': ['a', 'b'],
      'app.ports': [80, 443],
    },
  });
  root.addEvent('payment.retry', { attempt: 2, reason: 'timeout' }, [1_700_000_000, 200_000_001]);
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });

  const child = tracer.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 300_000_007],
      attributes: { 'db.system.name': 'postgresql' },
      links: [
        {
          context: {
            traceId: LINKED_TRACE_ID,
            spanId: LINKED_SPAN_ID,
            traceFlags: 1,
            traceState: createTraceState('vendor=abc'),
          },
          attributes: { 'link.reason': 'batch' },
        },
      ],
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.setStatus({ code: SpanStatusCode.OK });
  child.end([1_700_000_000, 400_000_009]);
  root.end([1_700_000_001, 999_999_999]);
  return memory.getFinishedSpans();
}

const str = (key: string, value: string): KeyValue => ({ key, value: { type: 'string', value } });
const int = (key: string, value: bigint): KeyValue => ({ key, value: { type: 'int', value } });

const EXPECTED_RESOURCE = [
  str('service.name', 'checkout'),
  str('deployment.environment.name', 'test'),
  int('host.cpu.count', 4n),
];

const EXPECTED_ROOT = {
  traceId: TRACE_ID,
  spanId: ROOT_ID,
  parentSpanId: null,
  name: 'POST /checkout',
  kind: 'server',
  startTimeUnixNano: 1_700_000_000_123_456_789n,
  endTimeUnixNano: 1_700_000_001_999_999_999n,
  attributes: [
    str('http.request.method', 'POST'),
    int('http.response.status_code', 402n),
    { key: 'app.ratio', value: { type: 'double', value: 0.25 } },
    int('app.negative', -3n),
    int('app.max_safe', 9_007_199_254_740_991n),
    { key: 'app.cached', value: { type: 'bool', value: false } },
    {
      key: 'app.tags',
      value: {
        type: 'array',
        value: [
          { type: 'string', value: 'a' },
          { type: 'string', value: 'b' },
        ],
      },
    },
    {
      key: 'app.ports',
      value: {
        type: 'array',
        value: [
          { type: 'int', value: 80n },
          { type: 'int', value: 443n },
        ],
      },
    },
  ],
  events: [
    {
      name: 'payment.retry',
      timeUnixNano: 1_700_000_000_200_000_001n,
      attributes: [int('attempt', 2n), str('reason', 'timeout')],
      droppedAttributesCount: 0,
    },
  ],
  links: [],
  status: { code: 'STATUS_CODE_ERROR', message: 'card declined' },
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
};

const EXPECTED_CHILD = {
  traceId: TRACE_ID,
  spanId: CHILD_ID,
  parentSpanId: ROOT_ID,
  name: 'SELECT orders',
  kind: 'client',
  startTimeUnixNano: 1_700_000_000_300_000_007n,
  endTimeUnixNano: 1_700_000_000_400_000_009n,
  attributes: [str('db.system.name', 'postgresql')],
  events: [],
  links: [
    {
      traceId: LINKED_TRACE_ID,
      spanId: LINKED_SPAN_ID,
      traceState: 'vendor=abc',
      attributes: [str('link.reason', 'batch')],
      droppedAttributesCount: 0,
    },
  ],
  status: { code: 'STATUS_CODE_OK', message: '' },
};

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
}

type ExporterCase = { name: string; create: (agent: TestAgent) => SpanExporter };

// The exporters' `compression` option is typed with an enum of otlp-exporter-base; its value is 'gzip'.
type Compression = NonNullable<
  NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>['compression']
>;
const GZIP = 'gzip' as Compression;

const EXPORTERS: ExporterCase[] = [
  { name: 'OTLP/HTTP protobuf', create: (a) => new ProtoTraceExporter({ url: a.tracesUrl }) },
  {
    name: 'OTLP/HTTP protobuf, gzip',
    create: (a) => new ProtoTraceExporter({ url: a.tracesUrl, compression: GZIP }),
  },
  { name: 'OTLP/HTTP JSON', create: (a) => new JsonTraceExporter({ url: a.tracesUrl }) },
  {
    name: 'OTLP/HTTP JSON, gzip',
    create: (a) => new JsonTraceExporter({ url: a.tracesUrl, compression: GZIP }),
  },
  { name: 'OTLP/gRPC', create: (a) => new GrpcTraceExporter({ url: `http://${a.grpcEndpoint}` }) },
  {
    name: 'OTLP/gRPC, gzip',
    create: (a) => new GrpcTraceExporter({ url: `http://${a.grpcEndpoint}`, compression: GZIP }),
  },
];

describe('spans from the OpenTelemetry JS SDK exporters', () => {
  let testAgent: TestAgent;
  let exporter: SpanExporter | undefined;

  beforeEach(async () => {
    testAgent = await startTestAgent();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await testAgent.agent.stop();
  });

  it.each(EXPORTERS)('arrive complete over $name', async ({ create }) => {
    const spans = makeSdkSpans();
    const arrived = waitForSpans(testAgent.agent, TRACE_ID, 2);
    exporter = create(testAgent);

    const result = await exportWith(exporter, spans);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0); // ExportResultCode.SUCCESS

    const records = await arrived;
    const byId = new Map<string, SpanRecord>(records.map((r) => [r.spanId, r]));
    const root = byId.get(ROOT_ID)!;
    const child = byId.get(CHILD_ID)!;
    expect(root).toMatchObject(EXPECTED_ROOT);
    expect(child).toMatchObject(EXPECTED_CHILD);
    expect(root.flags & 0xff).toBe(1); // W3C sampled flag
    expect(child.links[0]!.flags & 0xff).toBe(1);
    for (const record of records) {
      expect(record.resource.attributes).toEqual(EXPECTED_RESOURCE);
      expect(record.scope).toMatchObject({
        name: 'checkout-service',
        version: '1.2.3',
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      });
    }
    expect(testAgent.agent.cache.getTrace(TRACE_ID)).toHaveLength(2);
  });
});
