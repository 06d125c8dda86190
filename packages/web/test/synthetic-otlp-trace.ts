/**
 * A deterministic OTLP/JSON trace of any size, shaped like a real request: a trigger span, an HTTP
 * server span, then many order items, each with HTTP, database and messaging work across five
 * services. Used by the browser test and the timeline benchmark (100,000 spans).
 */
import { createSeededRandom } from '@tracecheck/core/testing';

export const SYNTHETIC_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
/** 2023-11-14T22:13:20Z in Unix nanoseconds. */
const T0_NS = 1_700_000_000_000_000_000n;

type OtlpValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  events?: { name: string; timeUnixNano: string; attributes: { key: string; value: OtlpValue }[] }[];
  links?: { traceId: string; spanId: string; attributes: { key: string; value: OtlpValue }[] }[];
  status?: { code: number; message?: string };
}

const SERVICES = ['tracetest', 'api', 'worker', 'inventory', 'postgres-proxy'] as const;
type Service = (typeof SERVICES)[number];

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
const integer = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** Span id of the n-th span: 16 hex digits, never all zero. */
export function syntheticSpanId(n: number): string {
  return (n + 1).toString(16).padStart(16, '0');
}

/** Options of `createSyntheticOtlpTrace`. */
export interface SyntheticTraceOptions {
  /** About this many spans (the last item may be cut short); at least 3. */
  readonly spanCount: number;
  readonly seed?: number;
}

/**
 * Builds the trace. Span n has id `syntheticSpanId(n)`: 0 is `Tracetest trigger`, 1 is
 * `POST /orders`, then items of ten spans. Every 97th item's database span fails with an exception
 * event; every consumer span links to its producer.
 * @example JSON.stringify(createSyntheticOtlpTrace({ spanCount: 100_000 }))
 */
export function createSyntheticOtlpTrace(options: SyntheticTraceOptions): { resourceSpans: unknown[] } {
  const random = createSeededRandom(options.seed ?? 1);
  const byService = new Map<Service, OtlpSpan[]>(SERVICES.map((service) => [service, []]));
  let next = 0;
  const add = (service: Service, span: Omit<OtlpSpan, 'traceId' | 'spanId'>): string => {
    const spanId = syntheticSpanId(next++);
    byService.get(service)!.push({ traceId: SYNTHETIC_TRACE_ID, spanId, ...span });
    return spanId;
  };
  const at = (offsetNs: number) => (T0_NS + BigInt(Math.round(offsetNs))).toString();

  const items = Math.max(0, Math.ceil((options.spanCount - 2) / 10));
  const itemNs = 40_000;
  const totalNs = items * itemNs + 2_000_000;
  const root = add('tracetest', {
    name: 'Tracetest trigger',
    kind: KIND.internal,
    startTimeUnixNano: at(0),
    endTimeUnixNano: at(totalNs + 1_000_000),
    attributes: [text('tracetest.response.status', '201')],
  });
  const server = add('api', {
    parentSpanId: root,
    name: 'POST /orders',
    kind: KIND.server,
    startTimeUnixNano: at(500_000),
    endTimeUnixNano: at(totalNs + 500_000),
    attributes: [
      text('http.method', 'POST'),
      text('http.route', '/orders'),
      text('http.target', '/orders'),
      text('http.scheme', 'http'),
      integer('http.status_code', 201),
      text('net.host.name', 'api'),
    ],
  });

  for (let item = 0; item < items; item++) {
    const start = 1_000_000 + item * itemNs;
    const jitter = () => random.int(2_000);
    const failing = item % 97 === 96;
    const handle = add('api', {
      parentSpanId: server,
      name: 'handle order item',
      kind: KIND.internal,
      startTimeUnixNano: at(start),
      endTimeUnixNano: at(start + 36_000 + jitter()),
      attributes: [integer('order.item', item), text('order.sku', `SKU-${(item * 7919) % 100_000}`)],
    });
    add('api', {
      parentSpanId: handle,
      name: 'validate item',
      kind: KIND.internal,
      startTimeUnixNano: at(start + 500),
      endTimeUnixNano: at(start + 2_500 + jitter()),
      attributes: [text('validation.result', 'ok')],
    });
    add('postgres-proxy', {
      parentSpanId: handle,
      name: 'SELECT shop.orders',
      kind: KIND.client,
      startTimeUnixNano: at(start + 3_000),
      endTimeUnixNano: at(start + 9_000 + jitter()),
      attributes: [
        text('db.system', 'postgresql'),
        text('db.name', 'shop'),
        text('db.operation', 'SELECT'),
        text('db.sql.table', 'orders'),
        text('db.statement', `SELECT * FROM orders WHERE item = ${item}`),
      ],
      // A query that fails says so in its status; the others say OK, so assertions can read the status.
      ...(failing
        ? {
            status: { code: 2, message: 'deadlock detected' },
            events: [
              {
                name: 'exception',
                timeUnixNano: at(start + 8_000),
                attributes: [
                  text('exception.type', 'DeadlockError'),
                  text('exception.message', 'deadlock detected while locking orders'),
                ],
              },
            ],
          }
        : { status: { code: 1 } }),
    });
    const inventoryClient = add('api', {
      parentSpanId: handle,
      name: 'GET',
      kind: KIND.client,
      startTimeUnixNano: at(start + 10_000),
      endTimeUnixNano: at(start + 20_000 + jitter()),
      attributes: [
        text('http.method', 'GET'),
        text('http.url', `http://inventory/stock/${item}`),
        text('net.peer.name', 'inventory'),
        integer('http.status_code', 200),
      ],
    });
    const inventoryServer = add('inventory', {
      parentSpanId: inventoryClient,
      name: 'GET /stock/:id',
      kind: KIND.server,
      startTimeUnixNano: at(start + 11_000),
      endTimeUnixNano: at(start + 19_000),
      attributes: [
        text('http.method', 'GET'),
        text('http.route', '/stock/:id'),
        text('http.target', `/stock/${item}`),
        integer('http.status_code', 200),
      ],
    });
    add('inventory', {
      parentSpanId: inventoryServer,
      name: 'GET',
      kind: KIND.client,
      startTimeUnixNano: at(start + 12_000),
      endTimeUnixNano: at(start + 13_000 + jitter()),
      attributes: [
        text('db.system', 'redis'),
        text('db.statement', `GET stock:${item}`),
        text('net.peer.name', 'redis'),
      ],
    });
    const producer = add('api', {
      parentSpanId: handle,
      name: 'orders.created publish',
      kind: KIND.producer,
      startTimeUnixNano: at(start + 21_000),
      endTimeUnixNano: at(start + 22_000),
      attributes: [
        text('messaging.system', 'rabbitmq'),
        text('messaging.destination', 'orders.created'),
        text('messaging.operation', 'publish'),
      ],
    });
    const consumer = add('worker', {
      parentSpanId: producer,
      name: 'orders.created process',
      kind: KIND.consumer,
      startTimeUnixNano: at(start + 23_000),
      endTimeUnixNano: at(start + 34_000 + jitter()),
      attributes: [
        text('messaging.system', 'rabbitmq'),
        text('messaging.destination', 'orders.created'),
        text('messaging.operation', 'process'),
      ],
      links: [
        { traceId: SYNTHETIC_TRACE_ID, spanId: producer, attributes: [text('link.reason', 'message')] },
      ],
    });
    add('postgres-proxy', {
      parentSpanId: consumer,
      name: 'INSERT shop.shipments',
      kind: KIND.client,
      startTimeUnixNano: at(start + 24_000),
      endTimeUnixNano: at(start + 30_000 + jitter()),
      attributes: [
        text('db.system', 'postgresql'),
        text('db.name', 'shop'),
        text('db.operation', 'INSERT'),
        text('db.sql.table', 'shipments'),
      ],
    });
    add('worker', {
      parentSpanId: consumer,
      name: 'notify customer',
      kind: KIND.internal,
      startTimeUnixNano: at(start + 31_000),
      endTimeUnixNano: at(start + 33_000),
      attributes: [text('notification.channel', 'email')],
    });
  }

  return {
    resourceSpans: SERVICES.map((service) => ({
      resource: { attributes: [text('service.name', service), text('telemetry.sdk.language', 'nodejs')] },
      scopeSpans: [
        { scope: { name: `${service}-instrumentation`, version: '1.0.0' }, spans: byService.get(service) },
      ],
    })),
  };
}
