import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHub } from '../agent-link/agent-hub';
import { createMemoryLinkRelay } from '../agent-link/link-relay';
import type { EventBus, LiveEvent } from '../events/event-bus';
import { createMemoryEventBus } from '../events/memory-event-bus';
import { createPipelineContext } from '../pipeline/create-pipeline-workers';
import { createRunService } from '../pipeline/create-run-service';
import { createTestRun } from '../pipeline/create-test-run';
import { moveRun } from '../pipeline/move-run';
import type { PipelineContext } from '../pipeline/pipeline-context';
import { publishSuiteRunState } from '../pipeline/run-events';
import { createMemoryQueue } from '../queue/memory-queue';
import { createPgliteStore } from '../store/pglite-store';
import type { RunRecord, Scope, Store } from '../store/store';
import { ApiErrorBodySchema, RunListSchema, TestRunSchema } from './api-schemas';
import { createApiServer, createHeaderScopeResolver } from './create-api-server';
import { RunGroupSchema } from './run-group-views';

const SCOPE: Scope = { organizationId: 'org1', environmentId: 'env1' };
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);
const logger = pino({ level: 'silent' });

/** Two specs: one passing on two spans, one failing with a plain mismatch. */
const RESULTS = {
  allPassed: false,
  results: [
    {
      selector: { query: 'span[name="GET /orders"]' },
      spanIds: ['b7ad6b7169203331', 'b7ad6b7169203332'],
      allPassed: true,
      results: [
        {
          assertion: 'attr:http.status_code = 200',
          allPassed: true,
          spanResults: [
            { spanId: 'b7ad6b7169203331', observedValue: '200', passed: true },
            { spanId: 'b7ad6b7169203332', observedValue: '200', passed: true },
          ],
        },
      ],
    },
    {
      selector: { query: 'span[name="db"]' },
      spanIds: ['b7ad6b7169203333'],
      allPassed: false,
      results: [
        {
          assertion: 'attr:db.system = "postgresql"',
          allPassed: false,
          spanResults: [
            { spanId: 'b7ad6b7169203333', observedValue: 'redis', passed: false, error: 'no match' },
          ],
        },
      ],
    },
  ],
};

function testDefinition(id: string, name: string): Record<string, unknown> {
  return {
    type: 'Test',
    spec: {
      id,
      name,
      trigger: { type: 'http', httpRequest: { method: 'GET', url: 'http://shop.local/orders' } },
      specs: [{ selector: 'span[name="GET /orders"]', assertions: ['attr:http.status_code = 200'] }],
    },
  };
}

function expectError(response: LightMyRequestResponse, status: number, code: string): { detail: string } {
  expect(response.statusCode).toBe(status);
  const body = ApiErrorBodySchema.parse(response.json());
  expect(body).toMatchObject({ status, code });
  return body;
}

let store: Store;
let bus: EventBus;
let app: FastifyInstance;
let context: PipelineContext;
let clockMs = T0;
const stopping = new AbortController();

beforeAll(async () => {
  const now = () => new Date(clockMs);
  store = await createPgliteStore({ now });
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Org' });
  await store.upsertEnvironment(SCOPE, 'Env');
  bus = createMemoryEventBus({ logger });
  // Nobody consumes the queue: the tests move runs with the pipeline's own moves, as its stages would.
  const queue = createMemoryQueue({ logger, maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 30_000 });
  const agents = createAgentHub({
    store,
    bus,
    relay: createMemoryLinkRelay(),
    logger,
    serverVersion: 'test',
  });
  context = createPipelineContext(
    { store, queue, bus, agents, logger, nowMs: () => clockMs },
    stopping.signal,
  );
  let nextId = 0;
  app = createApiServer({
    store,
    bus,
    runs: createRunService(context),
    logger,
    resolveScope: createHeaderScopeResolver(SCOPE),
    version: 'test',
    ready: () => true,
    now,
    generateId: () => {
      nextId += 1;
      return `generated${nextId}`;
    },
  });
  for (const [id, name] of [
    ['orders', 'Orders'],
    ['login', 'Login'],
  ] as const) {
    const applied = await app.inject({ method: 'PUT', url: '/api/tests', payload: testDefinition(id, name) });
    expect(applied.statusCode).toBeLessThan(300);
  }
  const suite = await app.inject({
    method: 'PUT',
    url: '/api/testsuites',
    payload: { type: 'TestSuite', spec: { id: 'checkout', name: 'Checkout', steps: ['login', 'orders'] } },
  });
  expect(suite.statusCode).toBeLessThan(300);
});

afterAll(async () => {
  stopping.abort();
  await app?.close();
  await store?.close();
});

/** Events published on a group's own topic, in order. */
async function recordGroupEvents(runGroupId: string): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  await bus.subscribe(`${SCOPE.organizationId}.${SCOPE.environmentId}.group.${runGroupId}`, (event) =>
    events.push(event),
  );
  return events;
}

async function startTestRun(testId: string, runGroupId: string): Promise<RunRecord> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/tests/${testId}/run`,
    payload: { runGroupId },
    headers: { 'x-source': 'cli' },
  });
  expect(response.statusCode).toBe(200);
  const run = await store.getRun(SCOPE, Number(TestRunSchema.parse(response.json()).id));
  if (run === undefined) throw new Error('the started run is not stored');
  return run;
}

/** Ends a run the way the evaluate stage does: one compare-and-set with its events, then the publishing. */
async function finishRun(run: RunRecord, verdict: boolean): Promise<void> {
  clockMs += 1000;
  const moved = await moveRun(context, SCOPE, run.id, {
    from: ['CREATED'],
    patch: { state: 'FINISHED', result: RESULTS, passed: 2, failed: 1, verdict },
    stage: 'evaluate',
    why: 'the specs were evaluated',
  });
  expect(moved?.state).toBe('FINISHED');
}

describe('POST /api/rungroups', () => {
  it('creates a group (201), answers the existing one unchanged (200) and generates a missing id', async () => {
    const events = await recordGroupEvents('release-1');
    const created = await app.inject({
      method: 'POST',
      url: '/api/rungroups',
      payload: { id: 'release-1', metadata: { branch: 'main' } },
      headers: { 'x-source': 'cli' },
    });
    expect(created.statusCode).toBe(201);
    const group = RunGroupSchema.parse(created.json());
    expect(group).toEqual({
      id: 'release-1',
      state: 'CREATED',
      status: 'created',
      verdict: null,
      summary: { running: 0, passed: 0, failed: 0, pending: 0, succeed: 0 },
      createdAt: new Date(clockMs).toISOString(),
      finishedAt: null,
      metadata: { branch: 'main' },
      source: 'cli',
    });
    expect(events.map((event) => [event.type, event.runGroupId, event.state])).toEqual([
      ['run-group', 'release-1', 'CREATED'],
    ]);

    const again = await app.inject({ method: 'POST', url: '/api/rungroups', payload: { id: 'release-1' } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(group);

    const generated = await app.inject({ method: 'POST', url: '/api/rungroups' });
    expect(generated.statusCode).toBe(201);
    expect(generated.json()).toMatchObject({ id: 'generated1', source: 'api' });
  });

  it('refuses an id that is not a plain token, saying what is allowed', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/rungroups', payload: { id: 'a.b' } });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain('run group id "a.b" is not valid');
    const run = await app.inject({
      method: 'POST',
      url: '/api/tests/orders/run',
      payload: { runGroupId: 'x y' },
    });
    expect(expectError(run, 400, 'REQUEST_INVALID').detail).toContain('run group id "x y" is not valid');
  });
});

describe('a group of test runs and a suite run', () => {
  it('is created by the first run that names it, counts every run, and ends with one verdict', async () => {
    const events = await recordGroupEvents('ci-42');
    const [first, second] = await Promise.all([
      startTestRun('orders', 'ci-42'),
      startTestRun('login', 'ci-42'),
    ]);
    const started = await app.inject({ method: 'GET', url: '/api/rungroups/ci-42' });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({
      id: 'ci-42',
      source: 'cli',
      state: 'RUNNING',
      status: 'inProgress',
      summary: { running: 2, passed: 0, failed: 0 },
      runs: [{ id: String(first!.id) }, { id: String(second!.id) }],
      suiteRuns: [],
    });

    const suiteStart = await app.inject({
      method: 'POST',
      url: '/api/testsuites/checkout/run',
      payload: { runGroupId: 'ci-42' },
    });
    expect(suiteStart.statusCode).toBe(200);
    const suiteRunId = Number(suiteStart.json().id);
    // The steps, as the suite-step stage runs them.
    const steps: RunRecord[] = [];
    for (const [index, testId] of ['login', 'orders'].entries()) {
      steps.push(
        await createTestRun(context, SCOPE, {
          testId,
          testVersion: 1,
          variableSetId: null,
          variables: [],
          requiredGates: null,
          metadata: { step: String(index + 1) },
          runGroupId: 'ci-42',
          testSuiteId: 'checkout',
          testSuiteRunId: suiteRunId,
          source: 'suite',
        }),
      );
    }
    await store.updateSuiteRun(SCOPE, suiteRunId, {
      state: 'EXECUTING',
      stepRunIds: steps.map((step) => step.id),
    });
    expect((await store.runGroups.get(SCOPE, 'ci-42'))?.summary).toEqual({
      running: 3,
      passed: 0,
      failed: 0,
      verdict: null,
    });

    const early = await app.inject({ method: 'GET', url: '/api/rungroups/ci-42/junit' });
    expect(expectError(early, 409, 'CONFLICT').detail).toContain('run group "ci-42" is RUNNING (3 running)');

    await finishRun(first!, true);
    await finishRun(second!, false);
    for (const step of steps) await finishRun(step, true);
    clockMs += 1000;
    const suiteRun = await store.updateSuiteRun(SCOPE, suiteRunId, {
      state: 'FINISHED',
      completedAt: new Date(clockMs),
    });
    await publishSuiteRunState(context, SCOPE, suiteRun!);

    const finished = await app.inject({ method: 'GET', url: '/api/rungroups/ci-42' });
    const body = finished.json();
    expect(body).toMatchObject({
      state: 'FINISHED',
      status: 'failed',
      verdict: false,
      finishedAt: new Date(clockMs).toISOString(),
      summary: { running: 0, passed: 2, failed: 1, pending: 0, succeed: 2 },
      suiteRuns: [
        { id: String(suiteRunId), state: 'FINISHED', steps: [{ testId: 'login' }, { testId: 'orders' }] },
      ],
    });
    // The group's runs are summaries: no results, trigger or outputs.
    expect(body.runs[0]).toMatchObject({ pass: 2, fail: 1, passed: true, state: 'FINISHED' });
    expect(body.runs[0]).not.toHaveProperty('result');
    expect(body.suiteRuns[0].steps[0]).not.toHaveProperty('result');

    // One live event per change of the summary, never one for a change that left it as it was.
    const states = events.map(
      (event) =>
        `${event.state}:${JSON.stringify(event.payload && (event.payload as { summary: unknown }).summary)}`,
    );
    expect(new Set(states).size).toBe(states.length);
    expect(events.at(-1)).toMatchObject({
      type: 'run-group',
      runId: 0,
      runGroupId: 'ci-42',
      state: 'FINISHED',
      payload: { verdict: false, status: 'failed' },
    });

    const listed = await app.inject({ method: 'GET', url: '/api/rungroups?state=finished' });
    expect(listed.json()).toMatchObject({ count: 1, items: [{ id: 'ci-42' }] });
    const bad = await app.inject({ method: 'GET', url: '/api/rungroups?state=DONE' });
    expect(expectError(bad, 400, 'REQUEST_INVALID').detail).toContain('"DONE"');

    const junit = await app.inject({ method: 'GET', url: '/api/rungroups/ci-42/junit' });
    expect(junit.statusCode).toBe(200);
    expect(junit.headers['content-type']).toContain('application/xml');
    const orders = (name: string) => [
      `\t<testsuite name="${name} › span[name=&#34;GET /orders&#34;]" tests="2" failures="0" errors="0" skipped="0">`,
      '\t\t<testcase name="attr:http.status_code = 200"></testcase>',
      '\t\t<testcase name="attr:http.status_code = 200"></testcase>',
      '\t</testsuite>',
      `\t<testsuite name="${name} › span[name=&#34;db&#34;]" tests="1" failures="1" errors="0" skipped="0">`,
      '\t\t<testcase name="attr:db.system = &#34;postgresql&#34;">',
      '\t\t\t<failure type="attr:db.system = &#34;postgresql&#34;" message="redis"></failure>',
      '\t\t</testcase>',
      '\t</testsuite>',
    ];
    const seconds = Math.ceil((clockMs - Date.parse(body.createdAt)) / 1000);
    expect(junit.body).toBe(
      [
        `<testsuites name="ci-42" tests="12" failures="4" errors="0" skipped="0" time="${seconds}">`,
        ...orders(`Orders (run ${first!.id})`),
        ...orders(`Login (run ${second!.id})`),
        ...orders(`Checkout (suite run ${suiteRunId}) › Login (run ${steps[0]!.id})`),
        ...orders(`Checkout (suite run ${suiteRunId}) › Orders (run ${steps[1]!.id})`),
        '</testsuites>',
      ].join('\n'),
    );
  });

  it('reports a run that ended before its assertions ran as one error case', async () => {
    const run = await startTestRun('orders', 'broken-1');
    clockMs += 1000;
    await moveRun(context, SCOPE, run.id, {
      from: ['CREATED'],
      patch: { state: 'TRIGGER_FAILED', lastErrorState: 'connection refused' },
      stage: 'trigger',
      why: 'the trigger failed',
    });
    const junit = await app.inject({ method: 'GET', url: '/api/rungroups/broken-1/junit' });
    expect(junit.body).toContain('<testsuites name="broken-1" tests="1" failures="0" errors="1"');
    expect(junit.body).toContain('<error type="TRIGGER_FAILED" message="connection refused"></error>');
    expect((await app.inject({ method: 'GET', url: '/api/rungroups/broken-1' })).json()).toMatchObject({
      status: 'failed',
      verdict: false,
    });
  });

  it('answers 404 for an unknown group, with how to find one', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/rungroups/nope' });
    expect(expectError(response, 404, 'NOT_FOUND').detail).toContain('GET /api/rungroups');
    expectError(await app.inject({ method: 'GET', url: '/api/rungroups/nope/junit' }), 404, 'NOT_FOUND');
  });
});

describe('run lists', () => {
  it('carry summaries (counts, verdict, state, times), the read of one run the full results', async () => {
    const run = await startTestRun('orders', 'lists-1');
    await finishRun(run, true);
    const list = await app.inject({ method: 'GET', url: '/api/runs?runGroupId=lists-1' });
    const page = RunListSchema.parse(list.json());
    expect(page.count).toBe(1);
    const item = list.json().items[0];
    expect(item).toMatchObject({ id: String(run.id), state: 'FINISHED', pass: 2, fail: 1, passed: true });
    for (const key of ['result', 'outputs', 'linter', 'triggerResult', 'resolvedTrigger', 'trace']) {
      expect(item).not.toHaveProperty(key);
    }
    const ofTest = await app.inject({ method: 'GET', url: '/api/tests/orders/run?take=1' });
    expect(ofTest.json()[0]).not.toHaveProperty('result');
    const one = await app.inject({ method: 'GET', url: `/api/tests/orders/run/${run.id}` });
    expect(one.json().result).toEqual(RESULTS);
  });
});
