import type { AnyValue, KeyValue, ResourceRecord, SpanRecord } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { createTraceSource } from './create-trace-source';
import { createElasticApmSource } from './elastic-apm-source';
import { resolveTraceSourceOptions } from './source-options';
import { type Doc, startFakeSearchServer, toElasticApmDocuments } from './testing/fake-search';
import {
  at,
  CHARGE_ID,
  FIXTURE_SPANS,
  QUERY_ID,
  ROOT_ID,
  STORED_TRACE_ID,
  VALIDATE_ID,
} from './testing/fixture-trace';
import { basicCredentials } from './testing/http-test-server';
import {
  describeTraceSource,
  normalizeSpans,
  reserveClosedPort,
  startHangingServer,
} from './trace-source-contract';

const INDEX = 'traces-apm*,logs-apm*';
const AUTHORIZATION = basicCredentials('elastic', 'changeme');

const str = (value: string): AnyValue => ({ type: 'string', value });
const dbl = (value: number): AnyValue => ({ type: 'double', value });
const int = (value: bigint): AnyValue => ({ type: 'int', value });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

const AGENT = [kv('agent.name', str('opentelemetry/nodejs')), kv('agent.version', str('1.30.0'))];
const CHECKOUT: ResourceRecord = {
  attributes: [
    ...AGENT,
    kv('service.name', str('checkout')),
    kv('host.hostname', str('web-1')),
    kv('process.pid', int(4242n)),
  ],
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const PAYMENTS: ResourceRecord = {
  attributes: [...AGENT, kv('service.name', str('payments')), kv('service.environment', str('staging'))],
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const BASE = {
  traceId: STORED_TRACE_ID,
  traceState: '',
  flags: 0,
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
  events: [],
  links: [],
  scope: null,
} as const;

/**
 * The fixture as Elastic APM keeps it: semantic attributes in ECS fields, the others as labels
 * (dots become underscores, numbers become doubles, booleans strings), status as an outcome without
 * message, microseconds, span events as separate documents.
 */
const EXPECTED: readonly SpanRecord[] = [
  {
    ...BASE,
    spanId: ROOT_ID,
    parentSpanId: null,
    name: 'POST /orders',
    kind: 'server',
    startTimeUnixNano: at(0),
    endTimeUnixNano: at(250),
    attributes: [
      kv('http_route', str('/orders')),
      kv('order_express', str('true')),
      kv('http.request.method', str('POST')),
      kv('http.response.status_code', int(201n)),
      kv('transaction.type', str('request')),
    ],
    events: [
      {
        name: 'order.validated',
        timeUnixNano: at(10.5),
        attributes: [kv('order_items', dbl(3))],
        droppedAttributesCount: 0,
      },
    ],
    status: { code: 'STATUS_CODE_OK', message: '' },
    resource: CHECKOUT,
    scope: { name: 'checkout-http', version: '1.4.0', attributes: [], schemaUrl: '' },
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
      kv('order_total', dbl(19.99)),
      kv('span.type', str('db')),
      kv('span.subtype', str('postgresql')),
      kv('span.db.type', str('postgresql')),
      kv('span.db.statement', str('SELECT * FROM orders WHERE id = $1')),
    ],
    status: null,
    resource: CHECKOUT,
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
      kv('payment_currency', str('EUR')),
      // A double: APM stores numeric labels as doubles, so 2^53 + 1 comes back as 2^53.
      kv('payment_amount_cents', dbl(9_007_199_254_740_992)),
      kv('transaction.type', str('unknown')),
      kv('transaction.result', str('Error')),
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
    status: { code: 'STATUS_CODE_ERROR', message: '' },
    resource: PAYMENTS,
    scope: { name: 'payments-grpc', version: '0.9.1', attributes: [], schemaUrl: '' },
  },
  {
    ...BASE,
    spanId: VALIDATE_ID,
    parentSpanId: CHARGE_ID,
    name: 'validate card',
    kind: 'internal',
    startTimeUnixNano: at(80),
    endTimeUnixNano: at(90.25),
    attributes: [
      kv('card_valid', str('false')),
      kv('card_score', dbl(0.25)),
      kv('span.type', str('app')),
      kv('span.subtype', str('internal')),
    ],
    status: null,
    resource: PAYMENTS,
  },
];

const DOCUMENTS: Doc[] = FIXTURE_SPANS.flatMap(toElasticApmDocuments);

describeTraceSource('elasticapm (APM indices)', async () => {
  const server = await startFakeSearchServer({
    index: INDEX,
    documents: DOCUMENTS,
    authorization: AUTHORIZATION,
  });
  const hanging = await startHangingServer();
  const downPort = await reserveClosedPort();
  const elastic = (address: string, password = 'changeme') =>
    createTraceSource(
      {
        type: 'elasticapm',
        elasticapm: { addresses: [address], index: INDEX, username: 'elastic', password },
      },
      { requestTimeoutMs: 5_000 },
    );
  return {
    healthy: elastic(server.url),
    storedTraceId: STORED_TRACE_ID,
    expectedSpans: EXPECTED,
    remote: {
      down: elastic(`http://127.0.0.1:${downPort}`),
      downAddress: `http://127.0.0.1:${downPort}/traces-apm*,logs-apm*/_search`,
      hanging: elastic(`http://127.0.0.1:${hanging.port}`),
      badCredentials: elastic(server.url, 'wrong'),
    },
    close: async () => {
      await server.close();
      await hanging.close();
    },
  };
});

describe('elasticapm source', () => {
  it('reads a span document of the APM Server documentation', async () => {
    // The first example span document of APM Server 7.15 "Example span documents" (abridged).
    const documented: Doc = {
      '@timestamp': '2017-05-30T18:53:27.154Z',
      agent: { name: 'elastic-node', version: '3.14.0' },
      ecs: { version: '1.11.0' },
      event: { outcome: 'unknown' },
      http: { request: { method: 'GET' }, response: { status_code: 200 } },
      labels: { span_tag: 'something' },
      observer: { hostname: 'ix.lan', type: 'apm-server', version: '8.0.0' },
      parent: { id: '945254c567a5417e' },
      processor: { event: 'span', name: 'transaction' },
      service: { environment: 'staging', name: '1234_service-12a3' },
      span: {
        action: 'query',
        db: {
          instance: 'customers',
          statement: 'SELECT * FROM product_types WHERE user_id=?',
          type: 'sql',
          user: { name: 'readonly_user' },
        },
        duration: { us: 3781 },
        id: '0aaaaaaaaaaaaaaa',
        name: 'SELECT FROM product_types',
        subtype: 'postgresql',
        type: 'db',
      },
      timestamp: { us: 1496170407154000 },
      trace: { id: '945254c567a5417eaaaaaaaaaaaaaaaa' },
      transaction: { id: '945254c567a5417e' },
    };
    const server = await startFakeSearchServer({ index: 'apm-*', documents: [documented] });
    try {
      const source = createTraceSource({
        type: 'elasticapm',
        elasticapm: { addresses: [server.url], index: 'apm-*' },
      });
      const result = await source.fetchTrace('945254c567a5417eaaaaaaaaaaaaaaaa' as typeof STORED_TRACE_ID);
      expect(result).toEqual({
        found: true,
        spans: [
          {
            traceId: '945254c567a5417eaaaaaaaaaaaaaaaa',
            spanId: '0aaaaaaaaaaaaaaa',
            parentSpanId: '945254c567a5417e',
            traceState: '',
            flags: 0,
            name: 'SELECT FROM product_types',
            kind: 'client',
            startTimeUnixNano: 1496170407154000000n,
            endTimeUnixNano: 1496170407157781000n,
            attributes: [
              kv('span_tag', str('something')),
              kv('http.request.method', str('GET')),
              kv('http.response.status_code', int(200n)),
              kv('span.action', str('query')),
              kv('span.db.instance', str('customers')),
              kv('span.db.statement', str('SELECT * FROM product_types WHERE user_id=?')),
              kv('span.db.type', str('sql')),
              kv('span.db.user.name', str('readonly_user')),
              kv('span.subtype', str('postgresql')),
              kv('span.type', str('db')),
            ],
            droppedAttributesCount: 0,
            events: [],
            droppedEventsCount: 0,
            links: [],
            droppedLinksCount: 0,
            status: null,
            resource: {
              attributes: [
                kv('agent.name', str('elastic-node')),
                kv('agent.version', str('3.14.0')),
                kv('service.environment', str('staging')),
                kv('service.name', str('1234_service-12a3')),
              ],
              droppedAttributesCount: 0,
              schemaUrl: '',
            },
            scope: null,
          },
        ],
      });
      expect(server.searches[0]?.query).toEqual({ term: { 'trace.id': '945254c567a5417eaaaaaaaaaaaaaaaa' } });
    } finally {
      await server.close();
    }
  });

  it('follows search_after until a page is not full', async () => {
    const server = await startFakeSearchServer({ index: INDEX, documents: DOCUMENTS });
    try {
      const source = createElasticApmSource(
        { addresses: [server.url], index: INDEX },
        resolveTraceSourceOptions({}),
        2,
      );
      const result = await source.fetchTrace(STORED_TRACE_ID);
      expect(result.found && normalizeSpans(result.spans)).toEqual(normalizeSpans(EXPECTED));
      expect(server.searches.length).toBe(Math.ceil((DOCUMENTS.length + 1) / 2));
    } finally {
      await server.close();
    }
  });

  it.each([
    ['the transaction type is messaging', { transaction: { type: 'messaging' } }, 'transaction', 'consumer'],
    ['the span sends a message', { span: { type: 'messaging', action: 'send' } }, 'span', 'producer'],
    ['the span receives a message', { span: { type: 'messaging', action: 'receive' } }, 'span', 'consumer'],
    ['the document says so in span.kind', { span: { kind: 'PRODUCER', type: 'app' } }, 'span', 'producer'],
    ['the span has no type', { span: {} }, 'span', 'unespecified'],
  ])('derives the kind when %s', async (_, fields, event, kind) => {
    const document: Doc = {
      'timestamp.us': 1_700_000_000_000_000,
      'trace.id': STORED_TRACE_ID,
      'processor.event': event,
      [`${event}.id`]: 'aaaaaaaaaaaaaaaa',
      [`${event}.name`]: 'x',
      [`${event}.duration.us`]: 5,
      ...fields,
    };
    const server = await startFakeSearchServer({ index: INDEX, documents: [document] });
    try {
      const result = await createTraceSource({
        type: 'elasticapm',
        elasticapm: { addresses: [server.url], index: INDEX },
      }).fetchTrace(STORED_TRACE_ID);
      expect(result.found && result.spans[0]?.kind).toBe(kind);
    } finally {
      await server.close();
    }
  });

  it('answers found:false when only events of a trace are stored', async () => {
    const events = DOCUMENTS.filter(
      (doc) =>
        (doc as { processor: { event: string } }).processor.event !== 'span' &&
        (doc as { processor: { event: string } }).processor.event !== 'transaction',
    );
    const server = await startFakeSearchServer({ index: INDEX, documents: events });
    try {
      const source = createTraceSource({
        type: 'elasticapm',
        elasticapm: { addresses: [server.url], index: INDEX },
      });
      await expect(source.fetchTrace(STORED_TRACE_ID)).resolves.toEqual({ found: false });
    } finally {
      await server.close();
    }
  });

  it('rejects a document without duration as not an APM event', async () => {
    const server = await startFakeSearchServer({
      index: INDEX,
      documents: [
        {
          'trace.id': STORED_TRACE_ID,
          'processor.event': 'span',
          'span.id': 'aaaaaaaaaaaaaaaa',
          'timestamp.us': 1,
        },
      ],
    });
    try {
      const source = createTraceSource({
        type: 'elasticapm',
        elasticapm: { addresses: [server.url], index: INDEX },
      });
      await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message: expect.stringMatching(
          /returned a document that is not an APM event \(document 0 \(span\) has no span\.duration\.us\)/,
        ),
      });
    } finally {
      await server.close();
    }
  });
});
