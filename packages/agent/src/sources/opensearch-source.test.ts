import type { SpanRecord } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { createTraceSource } from './create-trace-source';
import { createOpenSearchSource } from './opensearch-source';
import { resolveTraceSourceOptions } from './source-options';
import { type Doc, Raw, startFakeSearchServer, toDataPrepperDocument } from './testing/fake-search';
import { FIXTURE_SPANS, STORED_TRACE_ID } from './testing/fixture-trace';
import { basicCredentials } from './testing/http-test-server';
import { TEST_TLS } from './testing/tls-certificate';
import {
  describeTraceSource,
  normalizeSpans,
  reserveClosedPort,
  startHangingServer,
} from './trace-source-contract';

const INDEX = 'otel-v1-apm-span-*';
const AUTHORIZATION = basicCredentials('admin', 'opensearch');

/** What Data Prepper keeps of a span: no trace flags, and the status code even when unset. */
function asStoredByDataPrepper(span: SpanRecord): SpanRecord {
  return { ...span, flags: 0, status: span.status ?? { code: 'STATUS_CODE_UNSET', message: '' } };
}

const settings = (addresses: string[], password = 'opensearch') => ({
  addresses,
  index: INDEX,
  username: 'admin',
  password,
});

describeTraceSource('opensearch (Data Prepper span index)', async () => {
  const server = await startFakeSearchServer({
    index: INDEX,
    documents: FIXTURE_SPANS.map(toDataPrepperDocument),
    authorization: AUTHORIZATION,
  });
  const hanging = await startHangingServer();
  const downPort = await reserveClosedPort();
  const opensearch = (addresses: string[], password?: string) =>
    createTraceSource(
      { type: 'opensearch', opensearch: settings(addresses, password) },
      { requestTimeoutMs: 5_000 },
    );
  return {
    healthy: opensearch([server.url]),
    storedTraceId: STORED_TRACE_ID,
    expectedSpans: FIXTURE_SPANS.map(asStoredByDataPrepper),
    remote: {
      down: opensearch([`http://127.0.0.1:${downPort}`]),
      downAddress: `http://127.0.0.1:${downPort}/otel-v1-apm-span-*/_search`,
      hanging: opensearch([`http://127.0.0.1:${hanging.port}`]),
      badCredentials: opensearch([server.url], 'wrong'),
    },
    close: async () => {
      await server.close();
      await hanging.close();
    },
  };
});

describe('opensearch source', () => {
  it('reads the span document of Data Prepper’s documentation', async () => {
    // The example document of data-prepper docs/schemas/trace-analytics/otel-v1-apm-span-index-template.md.
    const documented: Doc = {
      traceId: '0000000000000000856bfa5aeba5ec77',
      spanId: 'fe0e3811627189df',
      traceState: '',
      parentSpanId: '856bfa5aeba5ec77',
      name: '/getcart',
      kind: 'SPAN_KIND_UNSPECIFIED',
      startTime: '2021-05-18T18:58:44.695Z',
      endTime: '2021-05-18T18:58:44.760Z',
      durationInNanos: 65000000,
      serviceName: 'cartservice',
      events: [],
      links: [],
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      traceGroup: '/cart',
      'traceGroupFields.endTime': '2021-05-18T18:58:44.983Z',
      'traceGroupFields.statusCode': 0,
      'traceGroupFields.durationInNanos': 387000000,
      'span.attributes.http@method': 'GET',
      'span.attributes.http@url': 'http://cartservice/GetCart',
      'span.attributes.instance': 'cartservice-d847fdcf5-j6s2f',
      'span.attributes.version': 'v5',
      'span.attributes.region': 'us-east-1',
      'resource.attributes.service@name': 'cartservice',
      'span.attributes.net@host@ip': '172.22.0.8',
      'status.code': 0,
    };
    const server = await startFakeSearchServer({ index: 'otel-v1-apm-span-000006', documents: [documented] });
    try {
      const source = createTraceSource({
        type: 'opensearch',
        opensearch: { addresses: [server.url], index: 'otel-v1-apm-span-000006' },
      });
      const result = await source.fetchTrace('0000000000000000856bfa5aeba5ec77' as typeof STORED_TRACE_ID);
      const string = (value: string) => ({ type: 'string', value }) as const;
      expect(result).toEqual({
        found: true,
        spans: [
          {
            traceId: '0000000000000000856bfa5aeba5ec77',
            spanId: 'fe0e3811627189df',
            parentSpanId: '856bfa5aeba5ec77',
            traceState: '',
            flags: 0,
            name: '/getcart',
            kind: 'unespecified',
            startTimeUnixNano: 1621364324695000000n,
            endTimeUnixNano: 1621364324760000000n,
            attributes: [
              { key: 'http.method', value: string('GET') },
              { key: 'http.url', value: string('http://cartservice/GetCart') },
              { key: 'instance', value: string('cartservice-d847fdcf5-j6s2f') },
              { key: 'version', value: string('v5') },
              { key: 'region', value: string('us-east-1') },
              { key: 'net.host.ip', value: string('172.22.0.8') },
            ],
            droppedAttributesCount: 0,
            events: [],
            droppedEventsCount: 0,
            links: [],
            droppedLinksCount: 0,
            status: { code: 'STATUS_CODE_UNSET', message: '' },
            resource: {
              attributes: [{ key: 'service.name', value: string('cartservice') }],
              droppedAttributesCount: 0,
              schemaUrl: '',
            },
            scope: null,
          },
        ],
      });
      expect(server.searches[0]?.query).toEqual({ term: { traceId: '0000000000000000856bfa5aeba5ec77' } });
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'an integer literal as int',
      new Raw('9007199254740993'),
      { type: 'int', value: 9_007_199_254_740_993n },
    ],
    ['a literal with a fraction as double', new Raw('5.0'), { type: 'double', value: 5 }],
    ['an exponent literal as double', new Raw('1.0E20'), { type: 'double', value: 1e20 }],
    ['a boolean as bool', true, { type: 'bool', value: true }],
    [
      'a JSON-encoded array as the string Data Prepper stored',
      '["a","b"]',
      { type: 'string', value: '["a","b"]' },
    ],
  ])('types %s', async (_, stored, expected) => {
    const document = {
      ...(toDataPrepperDocument(FIXTURE_SPANS[1] as SpanRecord) as object),
      'span.attributes.x': stored,
    };
    const server = await startFakeSearchServer({ index: INDEX, documents: [document] });
    try {
      const result = await createTraceSource({
        type: 'opensearch',
        opensearch: { addresses: [server.url], index: INDEX },
      }).fetchTrace(STORED_TRACE_ID);
      expect(result.found && result.spans[0]?.attributes.find((a) => a.key === 'x')?.value).toEqual(expected);
    } finally {
      await server.close();
    }
  });

  it('follows search_after until a page is not full', async () => {
    const server = await startFakeSearchServer({
      index: INDEX,
      documents: FIXTURE_SPANS.map(toDataPrepperDocument),
    });
    try {
      const source = createOpenSearchSource(
        { addresses: [server.url], index: INDEX },
        resolveTraceSourceOptions({}),
        3,
      );
      const result = await source.fetchTrace(STORED_TRACE_ID);
      expect(result.found && normalizeSpans(result.spans)).toEqual(
        normalizeSpans(FIXTURE_SPANS.map(asStoredByDataPrepper)),
      );
      expect(server.searches.map((search) => [search.size, search.search_after])).toEqual([
        [3, undefined],
        [3, ['c0ffee0000000003']],
      ]);
    } finally {
      await server.close();
    }
  });

  it('tries the next address when one cannot be reached', async () => {
    const server = await startFakeSearchServer({
      index: INDEX,
      documents: FIXTURE_SPANS.map(toDataPrepperDocument),
    });
    const downPort = await reserveClosedPort();
    try {
      const source = createTraceSource({
        type: 'opensearch',
        opensearch: { addresses: [`http://127.0.0.1:${downPort}`, server.url], index: INDEX },
      });
      const result = await source.fetchTrace(STORED_TRACE_ID);
      expect(result.found && result.spans.length).toBe(FIXTURE_SPANS.length);
      const test = await source.testConnection();
      expect(test.passed).toBe(true);
      expect(test.steps[0]?.message).toContain(`127.0.0.1:${server.port}`);
    } finally {
      await server.close();
    }
  });

  it('names every address when none can be reached', async () => {
    const [a, b] = [await reserveClosedPort(), await reserveClosedPort()];
    const source = createTraceSource({
      type: 'opensearch',
      opensearch: { addresses: [`http://127.0.0.1:${a}`, `http://127.0.0.1:${b}/`], index: INDEX },
    });
    await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
      code: 'DATASTORE_UNREACHABLE',
      message: expect.stringContaining(
        `could not reach OpenSearch at any of http://127.0.0.1:${a}/otel-v1-apm-span-*/_search, http://127.0.0.1:${b}/otel-v1-apm-span-*/_search`,
      ),
    });
  });

  it('says which index is missing', async () => {
    const server = await startFakeSearchServer({ index: INDEX, documents: [] });
    try {
      const source = createTraceSource({
        type: 'opensearch',
        opensearch: { addresses: [server.url], index: 'traces' },
      });
      await expect(source.fetchTrace(STORED_TRACE_ID)).rejects.toMatchObject({
        code: 'DATASTORE_UNREACHABLE',
        message: `OpenSearch at ${server.url}/traces/_search answered HTTP 404 (index_not_found_exception: no such index [traces]): check opensearch.index ("traces")`,
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['trusts a server whose certificate authority is given', { certificate: TEST_TLS.cert }, true],
    ['skips verification when insecureSkipVerify is set', { insecureSkipVerify: true }, true],
    ['rejects an unknown certificate otherwise', {}, false],
  ])('%s', async (_, tls, passes) => {
    const server = await startFakeSearchServer({
      index: INDEX,
      documents: FIXTURE_SPANS.map(toDataPrepperDocument),
      tls: TEST_TLS,
    });
    try {
      const source = createTraceSource({
        type: 'opensearch',
        opensearch: { addresses: [server.url], index: INDEX, ...tls },
      });
      const fetching = source.fetchTrace(STORED_TRACE_ID);
      if (passes) await expect(fetching).resolves.toMatchObject({ found: true });
      else {
        await expect(fetching).rejects.toMatchObject({
          code: 'DATASTORE_UNREACHABLE',
          message: expect.stringContaining(
            "The TLS handshake failed: give the certificate authority's PEM in opensearch.certificate, or set opensearch.insecureSkipVerify: true.",
          ),
        });
      }
    } finally {
      await server.close();
    }
  });

  it('rejects settings without addresses', () => {
    expect(() => createTraceSource({ type: 'opensearch', opensearch: { index: INDEX } })).toThrow(
      /opensearch\.addresses is empty: list the URLs of the cluster's nodes/,
    );
  });
});
