/**
 * The system under test of the pipeline's tests: a real HTTP service that, for each request, answers
 * and exports the spans of its work over OTLP/HTTP (protobuf) to an agent, as an instrumented service
 * would: a server span continuing the trigger's `traceparent`, a database child span, and optionally
 * a consumer span exported later (an asynchronous worker finishing after the response).
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  encodeOtlpProtobuf,
  type KeyValue,
  type ResourceRecord,
  type SpanId,
  type SpanRecord,
  type TraceId,
} from '@tracecheck/core';

export interface OrderServiceOptions {
  /** The agent's OTLP/HTTP traces URL (`http://127.0.0.1:<port>/v1/traces`). */
  readonly tracesUrl: string;
  /** Export the consumer span this long after the response; absent: no consumer span. */
  readonly consumerDelayMs?: number;
  /** Export no span at all (an uninstrumented service). */
  readonly silent?: boolean;
  /** Answer after this long. */
  readonly respondAfterMs?: number;
  /** Adds this many child spans of the server span (`cache get <n>`) to the first export. */
  readonly extraSpans?: number;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly traceId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface OrderService {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests that carried trace `traceId`. */
  requestsOf(traceId: string): ReceivedRequest[];
  close(): Promise<void>;
}

const RESOURCE: ResourceRecord = {
  attributes: [{ key: 'service.name', value: { type: 'string', value: 'orders' } }],
  droppedAttributesCount: 0,
  schemaUrl: '',
};

function text(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

function spanOf(
  fields: Pick<SpanRecord, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'attributes'>,
  startMs: number,
  endMs: number,
): SpanRecord {
  return {
    ...fields,
    traceState: '',
    flags: 1,
    startTimeUnixNano: BigInt(Math.round(startMs * 1000)) * 1000n,
    endTimeUnixNano: BigInt(Math.round(endMs * 1000)) * 1000n,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource: RESOURCE,
    scope: null,
  };
}

let nextSpan = 1;
function newSpanId(): SpanId {
  return (0xa000000000000000n + BigInt(nextSpan++)).toString(16) as SpanId;
}

async function exportSpans(tracesUrl: string, spans: readonly SpanRecord[]): Promise<void> {
  const response = await fetch(tracesUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: Buffer.from(encodeOtlpProtobuf(spans)),
  });
  await response.arrayBuffer();
}

/** Starts the service on a free loopback port. */
export async function startOrderService(options: OrderServiceOptions): Promise<OrderService> {
  const requests: ReceivedRequest[] = [];
  const exports = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (work: Promise<void>) => {
    exports.add(work);
    void work.catch(() => undefined).finally(() => exports.delete(work));
  };

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const startedMs = Date.now();
      const traceparent = String(request.headers.traceparent ?? '');
      const [, traceId = '', parentId = ''] = traceparent.split('-');
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers[key] = value;
      requests.push({ method: request.method ?? '', path: request.url ?? '', traceId, headers, body });

      const answer = () => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 42, path: request.url }));
        if (options.silent || traceId === '') return;
        const server = newSpanId();
        const ids = { traceId: traceId as TraceId };
        const endedMs = Date.now();
        const spans = [
          spanOf(
            {
              ...ids,
              spanId: newSpanId(),
              parentSpanId: server,
              name: 'INSERT orders',
              kind: 'client',
              attributes: [
                text('db.system', 'postgresql'),
                text('db.statement', 'INSERT INTO orders VALUES (42)'),
              ],
            },
            startedMs + 1,
            startedMs + 2,
          ),
          spanOf(
            {
              ...ids,
              spanId: server,
              parentSpanId: parentId as SpanId,
              name: `${request.method} ${request.url}`,
              kind: 'server',
              attributes: [
                text('http.method', request.method ?? ''),
                { key: 'http.status_code', value: { type: 'int', value: 201n } },
              ],
            },
            startedMs,
            endedMs,
          ),
        ];
        for (let n = 0; n < (options.extraSpans ?? 0); n++) {
          spans.push(
            spanOf(
              {
                ...ids,
                spanId: newSpanId(),
                parentSpanId: server,
                name: `cache get ${n}`,
                kind: 'client',
                attributes: [text('cache.key', `order-${n}`)],
              },
              startedMs + 1,
              startedMs + 2,
            ),
          );
        }
        track(exportSpans(options.tracesUrl, spans));
        if (options.consumerDelayMs !== undefined) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            const consumerStart = Date.now();
            track(
              exportSpans(options.tracesUrl, [
                spanOf(
                  {
                    ...ids,
                    spanId: newSpanId(),
                    parentSpanId: server,
                    name: 'orders process',
                    kind: 'consumer',
                    attributes: [text('messaging.system', 'kafka')],
                  },
                  consumerStart - 5,
                  consumerStart,
                ),
              ]),
            );
          }, options.consumerDelayMs);
          timers.add(timer);
        }
      };
      if (options.respondAfterMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, options.respondAfterMs);
        timers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsOf: (traceId) => requests.filter((request) => request.traceId === traceId),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...exports]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
