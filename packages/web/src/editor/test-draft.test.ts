import { describe, expect, it } from 'vitest';
import type { TestView } from '../api/api-types';
import { findDraftProblems, hasErrors } from './check-draft';
import { createEmptyDraft, draftFromTest, testSpecFromDraft } from './test-draft';

const TESTS: readonly TestView[] = [
  {
    id: 'create-order',
    name: 'Create an order',
    description: 'POST /orders',
    trigger: {
      type: 'http',
      httpRequest: {
        method: 'POST',
        url: 'http://shop/orders',
        headers: [{ key: 'Content-Type', value: 'application/json' }],
        body: '{"qty":2}',
        auth: { type: 'apiKey', apiKey: { key: 'X-Key', value: '${var:KEY}', in: 'header' } },
        sslVerification: true,
      },
    },
    specs: [
      {
        name: 'answers 201',
        selector: 'span[name="POST /orders"]',
        assertions: ['attr:http.status_code = 201'],
      },
    ],
    outputs: [{ name: 'ORDER_ID', selector: '', value: "attr:tracetest.response.body | json_path '$.id'" }],
  },
  {
    id: 'g',
    name: 'rpc',
    description: '',
    trigger: {
      type: 'grpc',
      grpc: {
        protobufFile: 'package p; service S { rpc M (A) returns (B); }',
        address: 'h:1',
        method: 'p.S.M',
        request: '{}',
        metadata: [{ key: 'x', value: 'y' }],
      },
    },
    specs: [],
    outputs: [],
  },
  {
    id: 'q',
    name: 'graphql',
    description: '',
    trigger: {
      type: 'graphql',
      graphql: {
        url: 'http://h/graphql',
        body: { query: 'query Q { a }', variables: { id: '7' }, operationName: 'Q' },
        schema: 'type Query { a: Int }',
        sslVerification: false,
      },
    },
    specs: [],
    outputs: [],
  },
  {
    id: 'k',
    name: 'kafka',
    description: '',
    trigger: {
      type: 'kafka',
      kafka: {
        brokerUrls: ['k1:9092', 'k2:9092'],
        topic: 'orders',
        messageKey: 'key',
        messageValue: '{"id":1}',
        headers: [{ key: 'source', value: 'tc' }],
        authentication: { type: 'plain', plain: { username: 'u', password: 'p' } },
        sslVerification: true,
      },
    },
    specs: [],
    outputs: [],
  },
  {
    id: 't',
    name: 'by id',
    description: '',
    trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
    specs: [],
    outputs: [],
  },
  { id: 'k6', name: 'k6', description: '', trigger: { type: 'k6' }, specs: [], outputs: [] },
];

describe('draftFromTest and testSpecFromDraft', () => {
  it.each(TESTS.map((test) => ({ name: test.trigger.type, test })))('round-trip a $name test', ({ test }) => {
    expect(testSpecFromDraft(draftFromTest(test))).toEqual(test);
  });

  it('drops blank header rows and blank assertions', () => {
    const draft = createEmptyDraft();
    const spec = testSpecFromDraft({
      ...draft,
      name: 'x',
      http: { ...draft.http, url: 'http://h', headers: [{ key: '', value: '' }] },
      specs: [{ name: '', selector: '', assertions: ['attr:a = 1', ' '] }],
    });
    expect(spec.trigger).toMatchObject({ httpRequest: { headers: [] } });
    expect(spec.specs).toEqual([{ selector: '', assertions: ['attr:a = 1'] }]);
  });
});

describe('findDraftProblems', () => {
  it('asks for the name and the URL of a new test', () => {
    const problems = findDraftProblems(createEmptyDraft());
    expect([...problems.keys()]).toEqual(['name', 'http.url']);
    expect(hasErrors(problems)).toBe(true);
  });

  it('reports selector and assertion syntax errors with their column', () => {
    const draft = {
      ...draftFromTest(TESTS[0]!),
      specs: [{ name: '', selector: 'span[name="x"', assertions: ['attr:a = ', 'http.status_code = 200'] }],
    };
    const problems = findDraftProblems(draft);
    expect(problems.get('specs.0.selector')).toMatchObject({ column: 14, severity: 'error' });
    expect(problems.get('specs.0.selector')?.message).toMatch(/expected a filter/);
    expect(problems.get('specs.0.assertions.0')).toMatchObject({ column: 10, severity: 'error' });
    expect(problems.get('specs.0.assertions.1')).toMatchObject({ severity: 'warning' });
  });

  it('checks the proto file, the GraphQL variables and the output names', () => {
    const grpc = draftFromTest(TESTS[1]!);
    expect(
      findDraftProblems({ ...grpc, grpc: { ...grpc.grpc, protobufFile: 'message A {}' } }).get(
        'grpc.protobufFile',
      )?.message,
    ).toMatch(/no service/);
    const graphql = draftFromTest(TESTS[2]!);
    expect(
      findDraftProblems({ ...graphql, graphql: { ...graphql.graphql, variables: '[1]' } }).has(
        'graphql.variables',
      ),
    ).toBe(true);
    const http = draftFromTest(TESTS[0]!);
    expect(
      findDraftProblems({ ...http, outputs: [{ name: 'a b', selector: '', value: 'attr:x' }] }).has(
        'outputs.0.name',
      ),
    ).toBe(true);
    expect(findDraftProblems(http).size).toBe(0);
  });
});
