import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  encodeOtlpProtobuf,
  SECRET_MASK,
  type TraceId,
} from '@tracecheck/core';
import { F1_ROWS } from '@tracecheck/core/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiErrorBodySchema,
  DryRunResultSchema,
  MissingVariablesErrorSchema,
  RunEventSchema,
  RunListSchema,
  TestRunSchema,
  TestRunSummarySchema,
  TestSuiteRunSchema,
} from './api-schemas';
import { type ApiHarness, createApiHarness, fixtureRecords, SCOPE } from './api-test-harness';

const YAML = { 'content-type': 'text/yaml' };

/** Test J01 of SPEC §12.8 on fixture F1. */
const J01 = `type: Test
spec:
  id: j01
  name: J01
  trigger:
    type: http
    httpRequest:
      method: POST
      url: http://shop.local/orders
  specs:
    - selector: span[tracetest.span.type="database"]
      assertions:
        - attr:tracetest.span.duration < 10ms
        - attr:db.system = "postgresql"
    - selector: span[name="compute"]
      assertions:
        - attr:app.missing = 1
`;

const NEEDS_VARIABLES = `type: Test
spec:
  id: needs-vars
  name: needs variables
  trigger:
    type: http
    httpRequest:
      method: GET
      url: \${var:BASE_URL}/orders
      headers:
        - key: Authorization
          value: \${env:TOKEN}
`;

const EXPECTED_JUNIT = `<testsuites name="J01" tests="5" failures="2" errors="1" skipped="0" time="3">
	<testsuite name="span[tracetest.span.type=&#34;database&#34;]" tests="4" failures="2" errors="0" skipped="0">
		<testcase name="attr:tracetest.span.duration &lt; 10ms">
			<failure type="attr:tracetest.span.duration &lt; 10ms" message="50ms"></failure>
		</testcase>
		<testcase name="attr:tracetest.span.duration &lt; 10ms"></testcase>
		<testcase name="attr:db.system = &#34;postgresql&#34;"></testcase>
		<testcase name="attr:db.system = &#34;postgresql&#34;">
			<failure type="attr:db.system = &#34;postgresql&#34;" message="redis"></failure>
		</testcase>
	</testsuite>
	<testsuite name="span[name=&#34;compute&#34;]" tests="1" failures="0" errors="1" skipped="0">
		<testcase name="attr:app.missing = 1">
			<error type="error" message="resolution error: attribute &#34;app.missing&#34; not found"></error>
		</testcase>
	</testsuite>
</testsuites>`;

function expectError(response: LightMyRequestResponse, status: number, code: string): { detail: string } {
  expect(response.statusCode).toBe(status);
  const body = ApiErrorBodySchema.parse(response.json());
  expect(body).toMatchObject({ status, code });
  return body;
}

let h: ApiHarness;

async function startRun(
  testId: string,
  payload: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const response = await h.app.inject({ method: 'POST', url: `/api/tests/${testId}/run`, payload });
  expect(response.statusCode).toBe(200);
  return TestRunSchema.parse(response.json());
}

beforeAll(async () => {
  h = await createApiHarness();
  for (const payload of [
    J01,
    NEEDS_VARIABLES,
    J01.replace('id: j01', 'id: j02').replace('name: J01', 'name: J02'),
  ]) {
    expect(
      (await h.app.inject({ method: 'PUT', url: '/api/tests', headers: YAML, payload })).statusCode,
    ).toBe(201);
  }
});
afterAll(async () => {
  await h.close();
});

describe('POST /api/tests/<id>/run', () => {
  it('starts a run with variables, metadata, gates and group, its source from x-source', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/tests/j01/run',
      headers: { 'x-source': 'cli' },
      payload: {
        variables: [{ key: 'COUNT', value: 5 }],
        metadata: { branch: 'main', commit: 'abc' },
        requiredGates: ['test-specs', 'analyzer-score'],
        runGroupId: 'group-1',
      },
    });
    expect(response.statusCode).toBe(200);
    const run = TestRunSchema.parse(response.json());
    expect(run).toMatchObject({
      testId: 'j01',
      testVersion: 1,
      state: 'CREATED',
      source: 'cli',
      branch: 'main',
      runGroupId: 'group-1',
      metadata: { branch: 'main', commit: 'abc' },
      variableSet: { id: null, values: [{ key: 'COUNT', value: '5', type: 'raw' }] },
      passed: null,
    });
    const stored = await h.store.getRun(SCOPE, Number(run.id));
    expect(stored?.requiredGates).toEqual(['test-specs', 'analyzer-score']);
  });

  it.each([
    ['no body', {}],
    ['an empty JSON body', { headers: { 'content-type': 'application/json' }, payload: '' }],
    [
      'the nulls a Go client sends',
      { payload: { metadata: null, variableSetId: '', variables: null, requiredGates: null } },
    ],
  ])('starts a run with %s', async (_name, options) => {
    const response = await h.app.inject({ method: 'POST', url: '/api/tests/j01/run', ...options });
    expect(response.statusCode).toBe(200);
    expect(TestRunSchema.parse(response.json()).source).toBe('api');
  });

  it('refuses a run with missing variables: 422 with their list, then runs with them', async () => {
    const refused = await h.app.inject({ method: 'POST', url: '/api/tests/needs-vars/run', payload: {} });
    expect(refused.statusCode).toBe(422);
    const body = MissingVariablesErrorSchema.parse(refused.json());
    expect(body).toMatchObject({
      status: 422,
      code: 'VARIABLES_MISSING',
      missingVariables: [
        {
          testId: 'needs-vars',
          variables: [
            { key: 'BASE_URL', defaultValue: '' },
            { key: 'TOKEN', defaultValue: '' },
          ],
        },
      ],
    });
    expect(body.detail).toContain('BASE_URL, TOKEN');
    const started = await startRun('needs-vars', {
      variables: [
        { key: 'BASE_URL', value: 'http://shop.local' },
        { key: 'TOKEN', value: 't' },
      ],
    });
    expect(started.state).toBe('CREATED');
  });

  it.each([
    ['an unknown gate', { requiredGates: ['speed'] }, 'body field "requiredGates.0"'],
    ['variables that are not a list', { variables: 'A=1' }, 'body field "variables"'],
    ['metadata with a number', { metadata: { step: 1 } }, 'body field "metadata.step"'],
  ])('refuses %s, quoting the field', async (_name, payload, quoted) => {
    const response = await h.app.inject({ method: 'POST', url: '/api/tests/j01/run', payload });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain(quoted);
  });

  it('answers 404 for an unknown test', async () => {
    expectError(
      await h.app.inject({ method: 'POST', url: '/api/tests/ghost/run', payload: {} }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('reading runs', () => {
  it('computes executionTime and triggerTime of a running run up to now, of a finished one from its times', async () => {
    const run = await startRun('j01');
    const runId = Number(run.id);
    const created = new Date(String(run.createdAt)).getTime();
    await h.runs.advanceRun(SCOPE, runId, {
      state: 'EXECUTING',
      serviceTriggeredAt: new Date(created + 200),
    });
    h.clock.advance(1500);
    const running = TestRunSchema.parse(
      (await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${runId}` })).json(),
    );
    expect(running).toMatchObject({
      state: 'EXECUTING',
      executionTime: 2,
      triggerTime: 1300,
      completedAt: null,
    });

    await h.runs.finishRunOnF1(SCOPE, runId, { completedAt: new Date(created + 2500) });
    h.clock.advance(60_000);
    const finished = TestRunSchema.parse(
      (await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${runId}` })).json(),
    );
    expect(finished).toMatchObject({
      state: 'FINISHED',
      executionTime: 3,
      triggerTime: 250,
      completedAt: new Date(created + 2500).toISOString(),
      pass: 2,
      fail: 3,
      passed: false,
      result: { allPassed: false },
    });
    expect(finished.trace?.tree?.name).toBe('Tracetest trigger');
    expect(finished.trace?.tree?.children.map((child) => child.name)).toEqual(['POST /orders']);
    expect(Object.keys(finished.trace?.flat ?? {})).toHaveLength(F1_ROWS.length);
    expect(
      Object.values(finished.trace?.flat ?? {}).some(
        (span) => span.attributes['tracetest.span.type'] === 'database',
      ),
    ).toBe(true);
  });

  it('renders JUnit as SPEC §12.8, and 409 with a reason when there are no results', async () => {
    const run = await startRun('j01');
    const runId = Number(run.id);
    const created = new Date(String(run.createdAt)).getTime();
    const early = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${runId}/junit.xml` });
    expect(expectError(early, 409, 'CONFLICT').detail).toContain('has no results yet');

    await h.runs.finishRunOnF1(SCOPE, runId, { completedAt: new Date(created + 2500) });
    const junit = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${runId}/junit.xml` });
    expect(junit.statusCode).toBe(200);
    expect(junit.headers['content-type']).toContain('application/xml');
    expect(junit.body).toBe(EXPECTED_JUNIT);

    const failed = await startRun('j01');
    await h.runs.advanceRun(SCOPE, Number(failed.id), {
      state: 'TRIGGER_FAILED',
      lastErrorState: 'connection refused',
    });
    const none = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${failed.id}/junit.xml` });
    expect(expectError(none, 409, 'CONFLICT').detail).toContain(
      'ended TRIGGER_FAILED before its assertions ran (connection refused)',
    );
  });

  it('answers 404 for a run of another test and 400 for a run id that is not a number', async () => {
    const run = await startRun('j01');
    expectError(await h.app.inject({ method: 'GET', url: `/api/tests/j02/run/${run.id}` }), 404, 'NOT_FOUND');
    const invalid = await h.app.inject({ method: 'GET', url: '/api/tests/j01/run/abc' });
    expect(expectError(invalid, 400, 'REQUEST_INVALID').detail).toContain('path parameter "runId"');
  });

  it('answers 500 INTERNAL, not a client error, when a stored trace cannot be read', async () => {
    const run = await startRun('j01');
    await h.store.saveRunTrace(SCOPE, Number(run.id), Uint8Array.from([0x0a, 0xff, 0xff, 0xff]));
    const response = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${run.id}` });
    expect(expectError(response, 500, 'INTERNAL').detail).toContain(
      `the stored trace of run ${run.id} cannot be read`,
    );
  });

  it('answers the spans as OTLP/JSON, or as OTLP/protobuf when asked, while collecting and once stored', async () => {
    const run = await startRun('j01');
    const url = `/api/tests/j01/run/${run.id}/trace`;
    const protobuf = { accept: 'application/x-protobuf' };
    expectError(await h.app.inject({ method: 'GET', url }), 404, 'TRACE_NOT_FOUND');
    expectError(await h.app.inject({ method: 'GET', url, headers: protobuf }), 404, 'TRACE_NOT_FOUND');

    // Two chunks received so far: the protobuf answer joins them without decoding.
    const records = fixtureRecords(String(run.traceId) as TraceId);
    const half = Math.floor(records.length / 2);
    await h.store.appendRunSpans(SCOPE, Number(run.id), [
      encodeOtlpProtobuf(records.slice(0, half)),
      encodeOtlpProtobuf(records.slice(half)),
    ]);
    const ids = records.map((record) => record.spanId);
    const collecting = await h.app.inject({ method: 'GET', url, headers: protobuf });
    expect(collecting.statusCode).toBe(200);
    expect(collecting.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeOtlpProtobuf(collecting.rawPayload).map((record) => record.spanId)).toEqual(ids);
    const json = await h.app.inject({ method: 'GET', url });
    expect(json.headers['content-type']).toContain('application/json');
    expect(decodeOtlpJson(json.body).map((record) => record.spanId)).toEqual(ids);

    // The stored trace is answered byte for byte.
    const stored = encodeOtlpProtobuf(records);
    await h.store.saveRunTrace(SCOPE, Number(run.id), stored);
    const final = await h.app.inject({
      method: 'GET',
      url,
      headers: { accept: 'application/protobuf, application/json;q=0.5' },
    });
    expect(new Uint8Array(final.rawPayload)).toEqual(stored);
  });

  it('lists the run event log', async () => {
    const run = await startRun('j01');
    await h.store.appendRunEvents(SCOPE, [
      {
        runId: Number(run.id),
        type: 'TRIGGER_STARTED',
        stage: 'trigger',
        title: 'Trigger started',
        description: 'POST http://shop.local/orders',
      },
      {
        runId: Number(run.id),
        type: 'TRACE_COMPLETE',
        stage: 'collect',
        title: 'Trace complete',
        description: 'every selector matched',
        data: { spans: 8 },
      },
    ]);
    const response = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${run.id}/events` });
    const events = RunEventSchema.array().parse(response.json());
    expect(events).toMatchObject([
      { runId: run.id, testId: 'j01', seq: 1, type: 'TRIGGER_STARTED', stage: 'trigger' },
      { seq: 2, type: 'TRACE_COMPLETE', data: { spans: 8 } },
    ]);
  });
});

describe('listing runs', () => {
  const ids: Record<string, string> = {};
  const createdAt: Record<string, string> = {};
  beforeAll(async () => {
    const headers = { 'x-environment-id': 'env2' };
    expect(
      (
        await h.app.inject({
          method: 'PUT',
          url: '/api/tests',
          headers: { ...YAML, ...headers },
          payload: J01,
        })
      ).statusCode,
    ).toBe(201);
    const start = async (name: string, payload: Record<string, unknown>) => {
      h.clock.advance(60_000);
      const response = await h.app.inject({ method: 'POST', url: '/api/tests/j01/run', headers, payload });
      const run = response.json() as { id: string; createdAt: string };
      ids[name] = run.id;
      createdAt[name] = run.createdAt;
    };
    await start('main-cli', { metadata: { branch: 'main' }, source: 'cli' });
    await start('feature-web', { metadata: { branch: 'feature' }, source: 'web', runGroupId: 'g7' });
    await start('main-api', { metadata: { branch: 'main' } });
    await h.runs.advanceRun({ ...SCOPE, environmentId: 'env2' }, Number(ids['main-cli']), {
      state: 'FINISHED',
    });
    await h.runs.advanceRun({ ...SCOPE, environmentId: 'env2' }, Number(ids['feature-web']), {
      state: 'TRACE_FAILED',
    });
  });

  it.each([
    ['every run, newest first', '', ['main-api', 'feature-web', 'main-cli'], 3],
    ['take and skip', '?take=1&skip=1', ['feature-web'], 3],
    ['oldest first', '?sortDirection=asc', ['main-cli', 'feature-web', 'main-api'], 3],
    ['state', '?state=FINISHED', ['main-cli'], 1],
    ['states, comma-separated', '?state=FINISHED,CREATED', ['main-api', 'main-cli'], 2],
    ['states, repeated', '?state=FINISHED&state=TRACE_FAILED', ['feature-web', 'main-cli'], 2],
    ['FAILED for every error state', '?state=FAILED', ['feature-web'], 1],
    ['source', '?source=web', ['feature-web'], 1],
    ['branch', '?branch=main', ['main-api', 'main-cli'], 2],
    ['run group', '?runGroupId=g7', ['feature-web'], 1],
  ])('GET /api/tests/<id>/run filters by %s', async (_name, query, expected, total) => {
    const response = await h.app.inject({
      method: 'GET',
      url: `/api/tests/j01/run${query}`,
      headers: { 'x-environment-id': 'env2' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-total-count']).toBe(String(total));
    const runs = TestRunSummarySchema.array().parse(response.json());
    expect(runs.map((run) => run.id)).toEqual(expected.map((name) => ids[name]));
  });

  it('filters by a time window (bounds excluded)', async () => {
    const query = `?createdAfter=${createdAt['main-cli']}&createdBefore=${createdAt['main-api']}`;
    const response = await h.app.inject({
      method: 'GET',
      url: `/api/tests/j01/run${query}`,
      headers: { 'x-environment-id': 'env2' },
    });
    expect(
      TestRunSummarySchema.array()
        .parse(response.json())
        .map((run) => run.id),
    ).toEqual([ids['feature-web']]);
  });

  it('GET /api/runs answers {count, items} across tests, with the same filters', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/runs?testId=j01&branch=main&take=1',
      headers: { 'x-environment-id': 'env2' },
    });
    const page = RunListSchema.parse(response.json());
    expect(page.count).toBe(2);
    expect(page.items.map((run) => run.id)).toEqual([ids['main-api']]);
  });

  it.each([
    ['an unknown state', '?state=DONE', 'unknown state "DONE"'],
    ['a time that is not RFC 3339', '?createdAfter=yesterday', 'query parameter "createdAfter"'],
  ])('refuses %s', async (_name, query, quoted) => {
    const response = await h.app.inject({ method: 'GET', url: `/api/tests/j01/run${query}` });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain(quoted);
  });

  it('answers 404 for the runs of an unknown test', async () => {
    expectError(await h.app.inject({ method: 'GET', url: '/api/tests/ghost/run' }), 404, 'NOT_FOUND');
  });
});

describe('acting on runs', () => {
  it('deletes a run (204), then 404', async () => {
    const run = await startRun('j01');
    expect((await h.app.inject({ method: 'DELETE', url: `/api/tests/j01/run/${run.id}` })).statusCode).toBe(
      204,
    );
    expectError(await h.app.inject({ method: 'GET', url: `/api/tests/j01/run/${run.id}` }), 404, 'NOT_FOUND');
    expectError(
      await h.app.inject({ method: 'DELETE', url: `/api/tests/j01/run/${run.id}` }),
      404,
      'NOT_FOUND',
    );
  });

  it('reruns as a new run', async () => {
    const run = await startRun('j01');
    const response = await h.app.inject({ method: 'POST', url: `/api/tests/j01/run/${run.id}/rerun` });
    expect(response.statusCode).toBe(200);
    const rerun = TestRunSchema.parse(response.json());
    expect(Number(rerun.id)).toBeGreaterThan(Number(run.id));
  });

  it('stops a run, and 409 once it has ended', async () => {
    const run = await startRun('j01');
    const stopped = await h.app.inject({ method: 'POST', url: `/api/tests/j01/run/${run.id}/stop` });
    expect(TestRunSchema.parse(stopped.json())).toMatchObject({ state: 'STOPPED' });
    expectError(
      await h.app.inject({ method: 'POST', url: `/api/tests/j01/run/${run.id}/stop` }),
      409,
      'CONFLICT',
    );
  });

  it.each(['skipPolling', 'skip-trace-collection'])('skips trace collection with …/%s', async (suffix) => {
    const run = await startRun('j01');
    expectError(
      await h.app.inject({ method: 'POST', url: `/api/tests/j01/run/${run.id}/${suffix}` }),
      409,
      'CONFLICT',
    );
    await h.runs.advanceRun(SCOPE, Number(run.id), { state: 'AWAITING_TRACE' });
    const skipped = await h.app.inject({ method: 'POST', url: `/api/tests/j01/run/${run.id}/${suffix}` });
    expect(TestRunSchema.parse(skipped.json())).toMatchObject({ state: 'ANALYZING_TRACE' });
  });

  it('dry-runs specs on the stored trace, the selector as text or as {query}', async () => {
    const run = await startRun('j01');
    const noTrace = await h.app.inject({
      method: 'PUT',
      url: `/api/tests/j01/run/${run.id}/dry-run`,
      payload: { specs: [] },
    });
    expectError(noTrace, 409, 'CONFLICT');
    await h.runs.finishRunOnF1(SCOPE, Number(run.id), { completedAt: h.clock.now() });
    const response = await h.app.inject({
      method: 'PUT',
      url: `/api/tests/j01/run/${run.id}/dry-run`,
      payload: {
        specs: [
          { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
          { selector: { query: 'span[name="compute"]' }, name: null, assertions: ['attr:app.missing = 1'] },
        ],
      },
    });
    const result = DryRunResultSchema.parse(response.json());
    expect(result.allPassed).toBe(false);
    expect(result.results).toMatchObject([
      { selector: { query: 'span[name="POST /orders"]' }, allPassed: true },
      { selector: { query: 'span[name="compute"]' }, allPassed: false },
    ]);
  });
});

describe('variable sets and secrets in runs', () => {
  it('never answers a secret of the run variables', async () => {
    const secret = 'tok-9f8e7d';
    await h.app.inject({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: `type: VariableSet\nspec:\n  id: creds\n  name: creds\n  values:\n    - key: BASE_URL\n      value: http://shop.local\n    - key: TOKEN\n      value: ${secret}\n      type: secret\n`,
    });
    const started = await h.app.inject({
      method: 'POST',
      url: '/api/tests/needs-vars/run',
      payload: { variableSetId: 'creds' },
    });
    const run = TestRunSchema.parse(started.json());
    expect(run.variableSet).toEqual({
      id: 'creds',
      values: [
        { key: 'BASE_URL', value: 'http://shop.local', type: 'raw' },
        { key: 'TOKEN', value: SECRET_MASK, type: 'secret' },
      ],
    });
    const answers = [
      started,
      await h.app.inject({ method: 'GET', url: `/api/tests/needs-vars/run/${run.id}` }),
      await h.app.inject({ method: 'GET', url: '/api/tests/needs-vars/run' }),
      await h.app.inject({ method: 'GET', url: '/api/runs' }),
      await h.app.inject({ method: 'GET', url: '/api/variablesets/creds' }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      expect(answer.body).not.toContain(secret);
    }
  });
});

describe('POST /api/expressions/resolve', () => {
  const secret = 'resolve-s3cret';
  let runId = '';
  beforeAll(async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: `type: VariableSet\nspec:\n  id: resolve-vars\n  name: resolve\n  values:\n    - key: BASE_URL\n      value: http://shop.local\n    - key: TOKEN\n      value: ${secret}\n      type: secret\n`,
    });
    runId = String((await startRun('j01')).id);
    await h.runs.finishRunOnF1(SCOPE, Number(runId), { completedAt: h.clock.now() });
  });

  const resolve = (payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/api/expressions/resolve', payload });

  it.each([
    ['a variable', 'var:BASE_URL', false, { variableSetId: 'resolve-vars' }, ['http://shop.local']],
    [
      'an interpolated string',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Tracetest expression, not a JavaScript template
      '"${var:BASE_URL}/orders"',
      false,
      { variableSetId: 'resolve-vars' },
      ['http://shop.local/orders'],
    ],
    ['a secret, masked', 'var:TOKEN', false, { variableSetId: 'resolve-vars' }, [SECRET_MASK]],
    [
      'each span a selector picks',
      'attr:db.system',
      true,
      { selector: 'span[tracetest.span.type="database"]' },
      ['postgresql', 'redis'],
    ],
    ['one span by id', 'attr:name', true, { spanId: '0000000000000001' }, ['Tracetest trigger']],
    [
      'the zero values of a Go client',
      '1 + 2',
      false,
      { testId: '', runId: 0, spanId: '', selector: '', variableSetId: '' },
      ['3'],
    ],
  ])('resolves %s', async (_name, expression, onRun, context, expected) => {
    const response = await resolve({
      expression,
      context: { ...(onRun ? { testId: 'j01', runId: Number(runId) } : {}), ...context },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ resolvedValues: expected });
  });

  it.each([
    ['a syntax error', 'attr:', {}, 400, 'EXPRESSION_SYNTAX'],
    ['an attribute without a span', 'attr:http.method', {}, 400, 'DEFINITION_INVALID'],
    ['a run without its test', '1', { runId: 1 }, 400, 'REQUEST_INVALID'],
    ['an unknown variable set', '1', { variableSetId: 'nope' }, 404, 'NOT_FOUND'],
    ['an unknown run', '1', { testId: 'j01', runId: 999_999 }, 404, 'NOT_FOUND'],
    ['a span not in the trace', 'attr:name', { testId: 'j01', spanId: 'ffffffffffffffff' }, 404, 'NOT_FOUND'],
  ])('answers an error body for %s', async (_name, expression, context, status, code) => {
    const withRun = 'spanId' in context ? { ...context, runId: runId } : context;
    expectError(await resolve({ expression, context: withRun }), status, code);
  });

  it('masks a secret quoted in an error', async () => {
    const response = await resolve({
      expression: "var:TOKEN | json_path '$.a'",
      context: { variableSetId: 'resolve-vars' },
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.body).not.toContain(secret);
  });
});

describe('runs of test suites', () => {
  beforeAll(async () => {
    const suite = await h.app.inject({
      method: 'PUT',
      url: '/api/testsuites',
      headers: YAML,
      payload: 'type: TestSuite\nspec:\n  id: checkout\n  name: checkout\n  steps: [j01, j02]\n',
    });
    expect(suite.statusCode).toBe(201);
    await h.app.inject({
      method: 'PUT',
      url: '/api/testsuites',
      headers: YAML,
      payload: 'type: TestSuite\nspec:\n  id: needy\n  name: needy\n  steps: [j01, needs-vars]\n',
    });
  });

  it('starts a suite run and answers it with its steps', async () => {
    const started = await h.app.inject({
      method: 'POST',
      url: '/api/testsuites/checkout/run',
      payload: { metadata: { branch: 'main' } },
    });
    expect(started.statusCode).toBe(200);
    const run = TestSuiteRunSchema.parse(started.json());
    expect(run).toMatchObject({
      testSuiteId: 'checkout',
      version: 1,
      state: 'EXECUTING',
      metadata: { branch: 'main' },
    });
    expect(run.steps.map((step) => step.testId)).toEqual(['j01', 'j02']);
    expect(run.steps.every((step) => step.testSuiteRunId === run.id)).toBe(true);

    const [first, second] = run.steps;
    await h.runs.finishRunOnF1(SCOPE, Number(first?.id), { completedAt: h.clock.now() });
    await h.runs.finishRunOnF1(SCOPE, Number(second?.id), { completedAt: h.clock.now() });
    const read = TestSuiteRunSchema.parse(
      (await h.app.inject({ method: 'GET', url: `/api/testsuites/checkout/run/${run.id}` })).json(),
    );
    expect(read).toMatchObject({ pass: 4, fail: 6, allStepsRequiredGatesPassed: false });
    expect(read.steps.map((step) => step.state)).toEqual(['FINISHED', 'FINISHED']);

    const legacy = await h.app.inject({ method: 'GET', url: `/api/transactions/checkout/run/${run.id}` });
    expect(legacy.statusCode).toBe(200);
  });

  it('lists suite runs with X-Total-Count, and summarises the last one on the suite', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/testsuites/checkout/run?take=1' });
    expect(response.statusCode).toBe(200);
    expect(Number(response.headers['x-total-count'])).toBeGreaterThanOrEqual(1);
    expect(TestSuiteRunSchema.array().parse(response.json())).toHaveLength(1);
    const suite = await h.app.inject({ method: 'GET', url: '/api/testsuites/checkout' });
    expect((suite.json() as { spec: { summary: unknown } }).spec.summary).toMatchObject({
      runs: 1,
      lastRun: { passes: 4, fails: 6 },
    });
  });

  it('stops a suite run, and 409 once it has ended', async () => {
    const run = TestSuiteRunSchema.parse(
      (await h.app.inject({ method: 'POST', url: '/api/testsuites/checkout/run' })).json(),
    );
    const stopped = await h.app.inject({
      method: 'POST',
      url: `/api/testsuites/checkout/run/${run.id}/stop`,
    });
    expect(TestSuiteRunSchema.parse(stopped.json()).state).toBe('STOPPED');
    expectError(
      await h.app.inject({ method: 'POST', url: `/api/testsuites/checkout/run/${run.id}/stop` }),
      409,
      'CONFLICT',
    );
  });

  it('answers 422 when a step misses variables, and 404 for unknown suites and runs', async () => {
    const refused = await h.app.inject({ method: 'POST', url: '/api/testsuites/needy/run', payload: {} });
    expect(refused.statusCode).toBe(422);
    expect(MissingVariablesErrorSchema.parse(refused.json()).missingVariables[0]?.testId).toBe('needs-vars');
    expectError(await h.app.inject({ method: 'POST', url: '/api/testsuites/ghost/run' }), 404, 'NOT_FOUND');
    expectError(await h.app.inject({ method: 'GET', url: '/api/testsuites/ghost/run' }), 404, 'NOT_FOUND');
    expectError(
      await h.app.inject({ method: 'GET', url: '/api/testsuites/checkout/run/99999' }),
      404,
      'NOT_FOUND',
    );
  });
});
