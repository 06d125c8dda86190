// A small service instrumented with the OpenTelemetry JS SDK, for the end-to-end tests: it continues
// the caller's W3C trace context, records an HTTP server span and a database span, answers, and one
// second later records the span of an asynchronous consumer (as a message worker would).
import http from 'node:http';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const exporter = new OTLPTraceExporter({ url: process.env.OTLP_TRACES_URL });
// SPAN_PROCESSOR=batch sends many spans per export: tests that fire many triggers at once need it, as
// the exporter drops spans while 30 exports are in flight (one export per span otherwise).
const processor =
  process.env.SPAN_PROCESSOR === 'batch'
    ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 100 })
    : new SimpleSpanProcessor(exporter);
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'orders' }),
  spanProcessors: [processor],
});
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = trace.getTracer('orders-service');

const server = http.createServer((req, res) => {
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    `${req.method} /orders`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.method': req.method,
        'http.route': '/orders',
        'http.target': req.url,
        'http.status_code': 201,
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  const db = tracer.startSpan(
    'INSERT orders',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO orders VALUES (7)' },
    },
    ctx,
  );
  db.end();
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: 7, path: req.url }));
  span.end();
  setTimeout(
    () => {
      const consumer = tracer.startSpan(
        'orders process',
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'messaging.system': 'kafka', 'messaging.operation': 'process' },
        },
        ctx,
      );
      consumer.end();
    },
    Number(process.env.CONSUMER_DELAY_MS ?? 1000),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
process.on('SIGTERM', async () => {
  await provider.shutdown();
  server.close(() => process.exit(0));
});
