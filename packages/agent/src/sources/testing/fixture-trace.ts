/**
 * The trace every source's fake server serves (test support). Two services, typed attributes of each
 * kind, events, a link and all three statuses; times are whole microseconds so that backends storing
 * microseconds (Jaeger, Elastic APM) can carry them exactly.
 */
import type {
  AnyValue,
  KeyValue,
  ResourceRecord,
  ScopeRecord,
  SpanId,
  SpanRecord,
  TraceId,
} from '@tracecheck/core';

export const STORED_TRACE_ID = 'b7ad6b7169203331f4a8e1a64c7f4e2b' as TraceId;

/** Unix ns of the trace's start: 2023-11-14T22:13:20.123456Z. */
const T0_NS = 1_700_000_000_123_456_000n;

/** Unix ns `ms` milliseconds (whole microseconds) after `T0_NS`. */
export function at(ms: number): bigint {
  return T0_NS + BigInt(Math.round(ms * 1000)) * 1000n;
}

export const ROOT_ID = '5fb397be34d26b51' as SpanId;
export const QUERY_ID = '1a2b3c4d5e6f7081' as SpanId;
export const CHARGE_ID = 'c0ffee0000000003' as SpanId;
export const VALIDATE_ID = 'c0ffee0000000004' as SpanId;

export function str(value: string): AnyValue {
  return { type: 'string', value };
}
export function int(value: bigint): AnyValue {
  return { type: 'int', value };
}
export function dbl(value: number): AnyValue {
  return { type: 'double', value };
}
export function bool(value: boolean): AnyValue {
  return { type: 'bool', value };
}
export function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

const CHECKOUT: ResourceRecord = {
  attributes: [
    kv('service.name', str('checkout')),
    kv('host.name', str('web-1')),
    kv('process.pid', int(4242n)),
  ],
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const PAYMENTS: ResourceRecord = {
  attributes: [kv('service.name', str('payments')), kv('deployment.environment', str('staging'))],
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const CHECKOUT_SCOPE: ScopeRecord = {
  name: 'checkout-http',
  version: '1.4.0',
  attributes: [],
  schemaUrl: '',
};
const PAYMENTS_SCOPE: ScopeRecord = {
  name: 'payments-grpc',
  version: '0.9.1',
  attributes: [],
  schemaUrl: '',
};

const BASE = {
  traceId: STORED_TRACE_ID,
  traceState: '',
  flags: 1,
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
  events: [],
  links: [],
} as const;

/** The stored trace, as OTLP would carry it. */
export const FIXTURE_SPANS: readonly SpanRecord[] = [
  {
    ...BASE,
    spanId: ROOT_ID,
    parentSpanId: null,
    traceState: 'congo=t61rcWkgMzE',
    name: 'POST /orders',
    kind: 'server',
    startTimeUnixNano: at(0),
    endTimeUnixNano: at(250),
    attributes: [
      kv('http.method', str('POST')),
      kv('http.route', str('/orders')),
      kv('http.status_code', int(201n)),
      kv('order.express', bool(true)),
    ],
    events: [
      {
        name: 'order.validated',
        timeUnixNano: at(10.5),
        attributes: [kv('order.items', int(3n))],
        droppedAttributesCount: 0,
      },
    ],
    status: { code: 'STATUS_CODE_OK', message: '' },
    resource: CHECKOUT,
    scope: CHECKOUT_SCOPE,
  },
  {
    ...BASE,
    spanId: QUERY_ID,
    parentSpanId: ROOT_ID,
    name: 'SELECT orders',
    kind: 'client',
    startTimeUnixNano: at(20),
    endTimeUnixNano: at(65.5),
    attributes: [
      kv('db.system', str('postgresql')),
      kv('db.statement', str('SELECT * FROM orders WHERE id = $1')),
      kv('order.total', dbl(19.99)),
    ],
    status: null,
    resource: CHECKOUT,
    scope: CHECKOUT_SCOPE,
  },
  {
    ...BASE,
    spanId: CHARGE_ID,
    parentSpanId: ROOT_ID,
    name: 'POST /charge',
    kind: 'server',
    startTimeUnixNano: at(70),
    endTimeUnixNano: at(240),
    attributes: [
      // Above 2^53: exact only as a bigint.
      kv('payment.amount_cents', int(9_007_199_254_740_993n)),
      kv('payment.currency', str('EUR')),
    ],
    events: [
      {
        name: 'exception',
        timeUnixNano: at(230),
        attributes: [
          kv('exception.type', str('CardDeclined')),
          kv('exception.message', str('card declined')),
        ],
        droppedAttributesCount: 0,
      },
    ],
    links: [
      {
        traceId: STORED_TRACE_ID,
        spanId: QUERY_ID,
        traceState: '',
        attributes: [],
        droppedAttributesCount: 0,
        flags: 0,
      },
    ],
    status: { code: 'STATUS_CODE_ERROR', message: 'card declined' },
    resource: PAYMENTS,
    scope: PAYMENTS_SCOPE,
  },
  {
    ...BASE,
    spanId: VALIDATE_ID,
    parentSpanId: CHARGE_ID,
    name: 'validate card',
    kind: 'internal',
    startTimeUnixNano: at(80),
    endTimeUnixNano: at(90.25),
    attributes: [kv('card.valid', bool(false)), kv('card.score', dbl(0.25))],
    status: null,
    resource: PAYMENTS,
    scope: PAYMENTS_SCOPE,
  },
];

/** The value of attribute `key` of `attributes`. */
function attributeOf(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  return attributes.find((attribute) => attribute.key === key)?.value;
}

/** The string value of `service.name` of a resource. */
export function serviceNameOf(resource: ResourceRecord): string {
  const value = attributeOf(resource.attributes, 'service.name');
  return value?.type === 'string' ? value.value : '';
}
