import { decodeOtlpProtobuf } from '@tracecheck/core';
import type { RunEvent, RunRecord } from '@tracecheck/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The agent's recorded-backend fixtures are test support it does not export.
import { startFakeJaegerHttp } from '../../../agent/src/sources/testing/fake-jaeger';
import { FIXTURE_SPANS, STORED_TRACE_ID } from '../../../agent/src/sources/testing/fixture-trace';
import {
  type EmbeddedPipeline,
  injectStageCrashes,
  SCOPE,
  startEmbeddedPipeline,
} from './testing/embedded-pipeline';
import { type OrderService, type OrderServiceOptions, startOrderService } from './testing/order-service';

const TRIGGER_SPAN = 'span[tracetest.span.type="general" name="Tracetest trigger"]';

let opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.reverse()) await item.close();
  opened = [];
});

/** A pipeline with a short polling timeout: complete traces never wait for it, failure cases briefly. */
async function startPipeline(
  options: Parameters<typeof startEmbeddedPipeline>[0] = {},
): Promise<EmbeddedPipeline> {
  const pipeline = await startEmbeddedPipeline(options);
  await pipeline.store.upsertResource(SCOPE, 'PollingProfile', 'fast', {
    id: 'fast',
    name: 'fast',
    default: true,
    strategy: 'periodic',
    periodic: { retryDelay: '100ms', timeout: '2s', selectorMatchRetries: 0 },
  });
  return pipeline;
}

async function startService(
  pipeline: EmbeddedPipeline,
  options: Omit<OrderServiceOptions, 'tracesUrl'> = {},
): Promise<OrderService> {
  const service = await startOrderService({ tracesUrl: pipeline.tracesUrl, ...options });
  opened.push(service);
  return service;
}

// Starting PGlite takes seconds on a busy machine: the tests share one pipeline, each with its own
// test ids and its own service.
let shared: EmbeddedPipeline;
beforeAll(async () => {
  shared = await startPipeline();
});
afterAll(async () => {
  await shared?.close();
});

async function setUp(
  serviceOptions: Omit<OrderServiceOptions, 'tracesUrl'> = {},
): Promise<{ pipeline: EmbeddedPipeline; service: OrderService }> {
  return { pipeline: shared, service: await startService(shared, serviceOptions) };
}

function httpTrigger(url: string, headers: { key: string; value: string }[] = []) {
  return {
    type: 'http' as const,
    httpRequest: { method: 'POST' as const, url, headers, body: '', sslVerification: false },
  };
}

async function startRun(
  pipeline: EmbeddedPipeline,
  testId: string,
  info: Parameters<EmbeddedPipeline['plane']['runs']['startTestRun']>[2] = {},
): Promise<RunRecord> {
  const outcome = await pipeline.plane.runs.startTestRun(SCOPE, testId, { source: 'test', ...info });
  if (!outcome.ok) throw new Error(`the run did not start: ${JSON.stringify(outcome.missingVariables)}`);
  return outcome.run;
}

function statesOf(events: readonly RunEvent[]): string[] {
  return events.filter((event) => event.type === 'STATE_CHANGED').map((event) => String(event.data?.state));
}

const HAPPY_STATES = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
  'FINISHED',
];

describe('run pipeline (embedded: PGlite, memory queue and bus, in-process agent)', () => {
  it('fires the trigger, waits for a span exported 1 s after the response, and passes with outputs', async () => {
    const { pipeline, service } = await setUp({ consumerDelayMs: 1000 });
    await pipeline.applyTest({
      id: 'create-order',
      name: 'Create an order',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [
        { selector: TRIGGER_SPAN, assertions: ['attr:tracetest.response.status = 201'] },
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
        {
          selector: 'span[tracetest.span.type="database"]',
          assertions: ['attr:db.statement contains "INSERT"'],
        },
        { selector: 'span[name="orders process"]', assertions: ['attr:tracetest.selected_spans.count = 1'] },
      ],
      outputs: [
        {
          name: 'ORDER_ID',
          selector: TRIGGER_SPAN,
          value: "attr:tracetest.response.body | json_path '$.id'",
        },
      ],
    });
    const started = await startRun(pipeline, 'create-order');
    expect(started.state).toBe('CREATED');
    const run = await pipeline.waitForRun(started.id);

    expect(run).toMatchObject({
      state: 'FINISHED',
      verdict: true,
      passed: 4,
      failed: 0,
      lastErrorState: null,
    });
    expect(run.outputs).toEqual([expect.objectContaining({ name: 'ORDER_ID', value: '42', resolved: true })]);
    // The service's spans miss attributes the analyzer wants: reported, but not a required gate.
    expect(run.requiredGatesResult).toEqual({
      required: ['test-specs'],
      failed: ['analyzer-rules'],
      passed: true,
    });
    expect(run.triggerResult).toMatchObject({ type: 'http', http: { statusCode: 201 } });
    expect(run.serviceTriggeredAt).not.toBeNull();
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    expect(service.requestsOf(run.traceId)[0]?.headers.traceparent).toBe(
      `00-${run.traceId}-${run.spanId}-01`,
    );

    const events = await pipeline.events(run.id);
    expect(statesOf(events)).toEqual(HAPPY_STATES);
    expect(events.find((event) => event.type === 'TRACE_COLLECTED')?.data).toMatchObject({
      cause: 'settled',
      spanCount: 3,
      unmatchedSelectors: [],
    });

    // The trace is stored once with its trigger root: what the dashboard shows is what was asserted.
    const stored = await pipeline.store.readRunTrace(SCOPE, run.id);
    const names = decodeOtlpProtobuf(stored ?? new Uint8Array())
      .map((span) => span.name)
      .sort();
    expect(names).toEqual(['INSERT orders', 'POST /orders', 'Tracetest trigger', 'orders process']);
  });

  it('finishes a run whose assertion fails with a failing verdict (FINISHED, not an error state)', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.applyTest({
      id: 'wrong-status',
      name: 'Expects 200',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 200'] }],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'wrong-status')).id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: false, passed: 0, failed: 1 });
    expect(run.requiredGatesResult).toEqual({
      required: ['test-specs'],
      failed: ['analyzer-rules', 'test-specs'],
      passed: false,
    });
    const result = run.result as {
      allPassed: boolean;
      results: { results: { spanResults: { observedValue: string }[] }[] }[];
    };
    expect(result.allPassed).toBe(false);
    expect(result.results[0]?.results[0]?.spanResults[0]?.observedValue).toBe('201');
  });

  it('evaluates what arrived when the timeout passes first, and says which selector never matched', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.applyTest({
      id: 'never-matches',
      name: 'Waits for a span that never comes',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
        { selector: 'span[name="payment"]', assertions: ['attr:http.status_code = 200'] },
      ],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'never-matches')).id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: false, passed: 1 });
    const collected = (await pipeline.events(run.id)).find((event) => event.type === 'TRACE_COLLECTED');
    expect(collected?.data).toMatchObject({
      cause: 'deadline',
      spanCount: 2,
      unmatchedSelectors: ['span[name="payment"]'],
    });
    expect(collected?.description).toMatch(/selector "span\[name=\\"payment\\"\]" never matched/);
  });

  it('ends TRIGGER_FAILED with the connection error when nothing listens on the port', async () => {
    const { pipeline, service } = await setUp();
    const closedPort = new URL(service.url).port;
    await service.close();
    await pipeline.applyTest({
      id: 'closed-port',
      name: 'Closed port',
      trigger: httpTrigger(`http://127.0.0.1:${closedPort}/orders`),
      specs: [],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'closed-port')).id);
    expect(run).toMatchObject({ state: 'TRIGGER_FAILED', verdict: false });
    expect(run.lastErrorState).toMatch(new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    expect(run.triggerResult).toMatchObject({
      type: 'http',
      error: { connectionError: true, targetsLocalhost: true },
    });
    expect(statesOf(await pipeline.events(run.id))).toEqual(['CREATED', 'EXECUTING', 'TRIGGER_FAILED']);
  });

  it('ends TRACE_FAILED with a diagnosis when no span of the trace arrives before the timeout', async () => {
    const { pipeline, service } = await setUp({ silent: true });
    await pipeline.applyTest({
      id: 'uninstrumented',
      name: 'No spans',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'uninstrumented')).id);
    expect(run.state).toBe('TRACE_FAILED');
    expect(run.lastErrorState).toMatch(/no span of trace [0-9a-f]{32} reached the agent within 2 s/);
    expect(run.lastErrorState).toMatch(/4317.*4318.*traceparent/);
    const events = await pipeline.events(run.id);
    expect(events.map((event) => event.type)).toContain('TRACE_NOT_FOUND');
    expect(await pipeline.store.readRunTrace(SCOPE, run.id)).toBeUndefined();
  });

  it('refuses a run whose trigger needs a variable nobody gave (H07) and runs once it is given', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.applyTest({
      id: 'needs-host',
      name: 'Needs HOST',
      trigger: httpTrigger(`\${var:HOST}/orders`),
      specs: [],
      outputs: [{ name: 'X', selector: TRIGGER_SPAN, value: 'env:SUFFIX' }],
    });
    const refused = await pipeline.plane.runs.startTestRun(SCOPE, 'needs-host', {});
    expect(refused).toEqual({
      ok: false,
      missingVariables: [
        {
          testId: 'needs-host',
          variables: [
            { key: 'HOST', defaultValue: '' },
            { key: 'SUFFIX', defaultValue: '' },
          ],
        },
      ],
    });
    expect((await pipeline.store.listRuns(SCOPE, { testId: 'needs-host' })).count).toBe(0);

    const started = await startRun(pipeline, 'needs-host', {
      variables: [
        { key: 'HOST', value: service.url },
        { key: 'SUFFIX', value: '-x' },
      ],
    });
    const run = await pipeline.waitForRun(started.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    expect(run.outputs).toEqual([expect.objectContaining({ name: 'X', value: '-x' })]);
  });

  it('evaluates only the trigger span when the test skips trace collection (black-box)', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.applyTest({
      id: 'black-box',
      name: 'Black box',
      trigger: httpTrigger(`${service.url}/orders`),
      skipTraceCollection: true,
      specs: [
        {
          selector: TRIGGER_SPAN,
          assertions: ['attr:tracetest.response.status = 201', 'attr:tracetest.response.body contains "42"'],
        },
      ],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'black-box')).id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true, passed: 2 });
    const stored = decodeOtlpProtobuf((await pipeline.store.readRunTrace(SCOPE, run.id)) ?? new Uint8Array());
    expect(stored.map((span) => span.name)).toEqual(['Tracetest trigger']);
  });

  it('never fires a trigger twice nor finishes a run twice when every stage is redelivered', async () => {
    let crashes: string[] = [];
    const pipeline = await startPipeline({
      wrapQueue: (queue) => {
        const crashing = injectStageCrashes(
          queue,
          (['trigger', 'collect', 'evaluate', 'finish'] as const).map((stage) => ({
            stage,
            when: 'after',
            times: 1,
          })),
        );
        crashes = crashing.crashes;
        return crashing;
      },
    });
    opened.push(pipeline);
    const service = await startService(pipeline, { consumerDelayMs: 200 });
    await pipeline.applyTest({
      id: 'redelivered',
      name: 'Redelivered',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [
        { selector: 'span[name="orders process"]', assertions: ['attr:tracetest.selected_spans.count = 1'] },
      ],
    });
    const started = await startRun(pipeline, 'redelivered');
    // The same trigger message twice more at once, on top of the crash after each stage.
    await publishTwice(pipeline, { stage: 'trigger', ...SCOPE, runId: started.id });
    const run = await pipeline.waitForRun(started.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    // Let the redelivered messages run out.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(crashes).toEqual(
      expect.arrayContaining([
        `trigger/${run.id}`,
        `collect/${run.id}`,
        `evaluate/${run.id}`,
        `finish/${run.id}`,
      ]),
    );
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    const events = await pipeline.events(run.id);
    expect(statesOf(events)).toEqual(HAPPY_STATES);
    expect(events.filter((event) => event.type === 'RUN_FINISHED')).toHaveLength(1);
    expect(await pipeline.store.getRun(SCOPE, run.id)).toEqual(run);
  });

  it('fails a run whose stage keeps crashing, with the queue’s reason, once the queue gives up', async () => {
    const pipeline = await startPipeline({
      wrapQueue: (queue) =>
        injectStageCrashes(queue, [{ stage: 'evaluate', when: 'before', times: Number.POSITIVE_INFINITY }]),
    });
    opened.push(pipeline);
    const service = await startService(pipeline);
    await pipeline.applyTest({
      id: 'doomed',
      name: 'Doomed',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'doomed')).id);
    expect(run).toMatchObject({ state: 'ANALYZING_ERROR', verdict: false });
    expect(run.lastErrorState).toMatch(
      /the evaluate stage gave up after 5 attempts; the last one failed: simulated crash before the evaluate stage/,
    );
    const events = await pipeline.events(run.id);
    expect(events.map((event) => event.type)).toContain('STAGE_GAVE_UP');
    expect(statesOf(events)).toEqual([
      'CREATED',
      'EXECUTING',
      'AWAITING_TRACE',
      'ANALYZING_TRACE',
      'ANALYZING_ERROR',
    ]);
  });

  it('handles the same stage message delivered twice at once', async () => {
    const { pipeline, service } = await setUp({ respondAfterMs: 100 });
    await pipeline.applyTest({
      id: 'duplicated',
      name: 'Duplicated',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
    });
    const started = await startRun(pipeline, 'duplicated');
    const message = { ...SCOPE, runId: started.id };
    await publishTwice(pipeline, { stage: 'trigger', ...message });
    const run = await pipeline.waitForRun(started.id);
    await publishTwice(pipeline, { stage: 'collect', ...message });
    await publishTwice(pipeline, { stage: 'evaluate', ...message });
    await publishTwice(pipeline, { stage: 'finish', ...message });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    expect(statesOf(await pipeline.events(run.id))).toEqual(HAPPY_STATES);
  });
});

describe('big traces', () => {
  it('collects 5000 spans announced without their bytes, read from the store', async () => {
    const { pipeline, service } = await setUp({ extraSpans: 5000 });
    // A complete trace never waits for the timeout; a loaded machine may need more than 2 s to
    // receive 5000 spans, and this test is about a settled trace, not about the deadline.
    await pipeline.store.upsertResource(SCOPE, 'PollingProfile', 'fast', {
      id: 'fast',
      name: 'fast',
      default: true,
      strategy: 'periodic',
      periodic: { retryDelay: '100ms', timeout: '60s', selectorMatchRetries: 0 },
    });
    await pipeline.applyTest({
      id: 'big',
      name: 'Big',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
        { selector: 'span[name="cache get 4999"]', assertions: ['attr:cache.key = "order-4999"'] },
      ],
    });
    const run = await pipeline.waitForRun((await startRun(pipeline, 'big')).id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true, passed: 2 });
    expect(
      (await pipeline.events(run.id)).find((event) => event.type === 'TRACE_COLLECTED')?.data,
    ).toMatchObject({
      cause: 'settled',
      spanCount: 5002,
    });
    await pipeline.store.upsertResource(SCOPE, 'PollingProfile', 'fast', {
      id: 'fast',
      name: 'fast',
      default: true,
      strategy: 'periodic',
      periodic: { retryDelay: '100ms', timeout: '2s', selectorMatchRetries: 0 },
    });
  });
});

describe('external data stores (polled by the agent)', () => {
  it('follows the trace a trace-id trigger names and polls Jaeger until nothing new comes', async () => {
    const pipeline = shared;
    const jaeger = await startFakeJaegerHttp(FIXTURE_SPANS);
    opened.push(jaeger);
    await pipeline.store.upsertResource(SCOPE, 'DataStore', 'jaeger', {
      id: 'jaeger',
      name: 'Jaeger',
      type: 'jaeger',
      default: true,
      jaeger: { endpoint: jaeger.url },
    });
    try {
      await pipeline.applyTest({
        id: 'from-jaeger',
        name: 'From Jaeger',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
        trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
        specs: [
          {
            selector: 'span[name="POST /orders"] span[name="SELECT orders"]',
            assertions: ['attr:tracetest.selected_spans.count = 1'],
          },
          { selector: 'span[name="validate card"]', assertions: ['attr:tracetest.span.duration > 0ms'] },
        ],
      });
      const started = await startRun(pipeline, 'from-jaeger', {
        variables: [{ key: 'TRACE_ID', value: STORED_TRACE_ID }],
      });
      expect(started.traceId).not.toBe(STORED_TRACE_ID);
      const run = await pipeline.waitForRun(started.id);
      expect(run).toMatchObject({ state: 'FINISHED', verdict: true, traceId: STORED_TRACE_ID, passed: 2 });
      const events = await pipeline.events(run.id);
      expect(events.find((event) => event.type === 'COLLECTION_STARTED')?.description).toMatch(
        /polling the jaeger data store every 100 ms/,
      );
      expect(events.find((event) => event.type === 'TRACE_COLLECTED')?.data).toMatchObject({
        cause: 'settled',
        spanCount: 4,
      });
      // At least one poll after the spans were found confirmed that nothing new came.
      expect(
        jaeger.requests.filter((request) => request.url === `/api/traces/${STORED_TRACE_ID}`).length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await pipeline.store.deleteResource(SCOPE, 'DataStore', 'jaeger');
    }
  });
});

describe('suites (SPEC §6.4)', () => {
  it('runs the steps in order and hands outputs on: step 2 sees A=3 from step 1 and B=2 from the run (V01)', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.store.upsertResource(SCOPE, 'VariableSet', 'v01', {
      id: 'v01',
      name: 'v01',
      values: [
        { key: 'A', value: '1', type: 'raw' },
        { key: 'B', value: '1', type: 'raw' },
        { key: 'TOKEN', value: 's3cr3t', type: 'secret' },
      ],
    });
    await pipeline.applyTest({
      id: 'v01-step-1',
      name: 'Step 1',
      trigger: httpTrigger(`${service.url}/step-1`),
      specs: [],
      outputs: [{ name: 'A', selector: TRIGGER_SPAN, value: '3' }],
    });
    await pipeline.applyTest({
      id: 'v01-step-2',
      name: 'Step 2',
      trigger: httpTrigger(`${service.url}/step-2`, [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
        { key: 'X-A', value: '${var:A}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
        { key: 'X-B', value: '${env:B}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
        { key: 'Authorization', value: 'Bearer ${var:TOKEN}' },
      ]),
      specs: [{ selector: TRIGGER_SPAN, assertions: ['attr:tracetest.response.status = 201'] }],
    });
    await pipeline.store.upsertResource(
      SCOPE,
      'TestSuite',
      'v01',
      { id: 'v01', name: 'V01', steps: ['v01-step-1', 'v01-step-2'] },
      { versioned: true },
    );

    const outcome = await pipeline.plane.runs.startSuiteRun(SCOPE, 'v01', {
      variableSetId: 'v01',
      variables: [{ key: 'B', value: '2' }],
      metadata: { branch: 'main' },
    });
    if (!outcome.ok) throw new Error('the suite did not start');
    const suiteRun = await pipeline.waitForSuiteRun(outcome.run.id);
    expect(suiteRun.state).toBe('FINISHED');
    expect(suiteRun.stepRunIds).toHaveLength(2);

    const second = service.requests.find((request) => request.path === '/step-2');
    expect(second?.headers['x-a']).toBe('3');
    expect(second?.headers['x-b']).toBe('2');
    expect(second?.headers.authorization).toBe('Bearer s3cr3t');
    const [stepOne, stepTwo] = await Promise.all(
      suiteRun.stepRunIds.map((id) => pipeline.store.getRun(SCOPE, id)),
    );
    expect(stepOne?.metadata).toMatchObject({
      step: '1',
      testsuite_run_id: String(suiteRun.id),
      testsuite_id: 'v01',
      branch: 'main',
    });
    expect(stepTwo).toMatchObject({ state: 'FINISHED', verdict: true, testSuiteRunId: suiteRun.id });
    // The secret reached the service but is masked wherever the run is stored (SPEC §6.5).
    expect(JSON.stringify(stepTwo?.resolvedTrigger)).toContain('Bearer ********');
    expect(JSON.stringify(stepTwo?.resolvedTrigger)).not.toContain('s3cr3t');
  });

  it('stops at a step that ends in an error state: the suite FAILS and the next step never runs (V02)', async () => {
    const { pipeline, service } = await setUp();
    const closed = await startService(pipeline);
    const closedUrl = closed.url;
    await closed.close();
    await pipeline.applyTest({
      id: 'v02-fails',
      name: 'Fails',
      trigger: httpTrigger(`${closedUrl}/x`),
      specs: [],
    });
    await pipeline.applyTest({
      id: 'v02-never',
      name: 'Never',
      trigger: httpTrigger(`${service.url}/never`),
      specs: [],
    });
    await pipeline.store.upsertResource(
      SCOPE,
      'TestSuite',
      'v02',
      { id: 'v02', name: 'V02', steps: ['v02-fails', 'v02-never'] },
      { versioned: true },
    );
    const outcome = await pipeline.plane.runs.startSuiteRun(SCOPE, 'v02', {});
    if (!outcome.ok) throw new Error('the suite did not start');
    const suiteRun = await pipeline.waitForSuiteRun(outcome.run.id);
    expect(suiteRun.state).toBe('FAILED');
    expect(suiteRun.stepRunIds).toHaveLength(1);
    expect(suiteRun.lastErrorState).toMatch(/step 1 \(test "v02-fails", run \d+\) ended TRIGGER_FAILED/);
    expect(service.requests).toEqual([]);
  });

  it('checks every step for missing variables before starting, counting the outputs of earlier steps', async () => {
    const { pipeline, service } = await setUp();
    await pipeline.applyTest({
      id: 'needs-one',
      name: 'Needs ONE',
      trigger: httpTrigger(`${service.url}/\${var:ONE}`),
      specs: [],
      outputs: [{ name: 'TWO', selector: TRIGGER_SPAN, value: '2' }],
    });
    await pipeline.applyTest({
      id: 'uses-two',
      name: 'Uses TWO',
      trigger: httpTrigger(`${service.url}/\${var:TWO}/\${var:THREE}`),
      specs: [],
    });
    await pipeline.store.upsertResource(
      SCOPE,
      'TestSuite',
      'needs',
      { id: 'needs', name: 'needs', steps: ['needs-one', 'uses-two'] },
      { versioned: true },
    );
    const outcome = await pipeline.plane.runs.startSuiteRun(SCOPE, 'needs', {});
    expect(outcome).toEqual({
      ok: false,
      missingVariables: [
        { testId: 'needs-one', variables: [{ key: 'ONE', defaultValue: '' }] },
        { testId: 'uses-two', variables: [{ key: 'THREE', defaultValue: '' }] },
      ],
    });
  });
});

describe('run operations', () => {
  async function applySlowTest(pipeline: EmbeddedPipeline, id: string, url: string): Promise<void> {
    await pipeline.store.upsertResource(SCOPE, 'PollingProfile', 'slow', {
      id: 'slow',
      name: 'slow',
      default: false,
      strategy: 'periodic',
      periodic: { retryDelay: '1s', timeout: '1m', selectorMatchRetries: 0 },
    });
    await pipeline.applyTest({
      id,
      name: id,
      pollingProfile: 'slow',
      trigger: httpTrigger(url),
      specs: [
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
        { selector: 'span[name="never"]', assertions: ['attr:http.status_code = 201'] },
      ],
    });
  }

  const hasSpans = (pipeline: EmbeddedPipeline) => async (run: RunRecord) =>
    run.state === 'AWAITING_TRACE' && (await pipeline.store.readRunSpans(SCOPE, run.id)).length > 0;

  it('stops a collecting run: STOPPED, final, and nothing happens to it afterwards', async () => {
    const { pipeline, service } = await setUp();
    await applySlowTest(pipeline, 'to-stop', `${service.url}/orders`);
    const started = await startRun(pipeline, 'to-stop');
    await pipeline.waitForRun(started.id, hasSpans(pipeline));
    const stopped = await pipeline.plane.runs.stopRun(SCOPE, 'to-stop', started.id);
    expect(stopped).toMatchObject({ state: 'STOPPED', verdict: false });
    expect(stopped.completedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await pipeline.events(started.id);
    expect(statesOf(events)).toEqual(['CREATED', 'EXECUTING', 'AWAITING_TRACE', 'STOPPED']);
    expect(events.map((event) => event.type)).not.toContain('TRACE_COLLECTED');
    expect(await pipeline.plane.runs.stopRun(SCOPE, 'to-stop', started.id)).toMatchObject({
      state: 'STOPPED',
    });
  });

  it('stops a run whose trigger is still running: it stays STOPPED when the trigger ends', async () => {
    const { pipeline, service } = await setUp({ respondAfterMs: 500 });
    await applySlowTest(pipeline, 'stop-early', `${service.url}/orders`);
    const started = await startRun(pipeline, 'stop-early');
    await pipeline.waitForRun(started.id, (run) => run.state === 'EXECUTING');
    await pipeline.plane.runs.stopRun(SCOPE, 'stop-early', started.id);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await pipeline.store.getRun(SCOPE, started.id)).toMatchObject({ state: 'STOPPED' });
    expect(statesOf(await pipeline.events(started.id))).toEqual(['CREATED', 'EXECUTING', 'STOPPED']);
  });

  it('skips trace collection on request: the spans that arrived are evaluated at once', async () => {
    const { pipeline, service } = await setUp();
    await applySlowTest(pipeline, 'to-skip', `${service.url}/orders`);
    const started = await startRun(pipeline, 'to-skip');
    await pipeline.waitForRun(started.id, hasSpans(pipeline));
    const skipped = await pipeline.plane.runs.skipTraceCollection(SCOPE, 'to-skip', started.id);
    expect(skipped.id).toBe(started.id);
    const run = await pipeline.waitForRun(started.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: false, passed: 1, failed: 1 });
    const events = await pipeline.events(run.id);
    expect(events.map((event) => event.type)).toContain('SKIP_TRACE_COLLECTION');
    expect(events.find((event) => event.type === 'TRACE_COLLECTED')?.title).toBe('Trace collection skipped');
  });

  it('reruns the test’s current specs on a stored trace, and dry-runs specs without storing anything', async () => {
    const { pipeline, service } = await setUp();
    const test = {
      id: 'rerun-me',
      name: 'Rerun me',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
    };
    await pipeline.applyTest(test);
    const first = await pipeline.waitForRun((await startRun(pipeline, 'rerun-me')).id);
    expect(first).toMatchObject({ state: 'FINISHED', verdict: true });

    await pipeline.applyTest({
      ...test,
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 500'] }],
    });
    const rerun = await pipeline.plane.runs.rerun(SCOPE, 'rerun-me', first.id);
    const second = await pipeline.waitForRun(rerun.id);
    expect(second).toMatchObject({
      state: 'FINISHED',
      verdict: false,
      traceId: first.traceId,
      testVersion: 2,
    });
    expect(service.requests).toHaveLength(1);

    const dry = await pipeline.plane.runs.dryRun(SCOPE, 'rerun-me', first.id, [
      {
        selector: 'span[name="POST /orders"]',
        assertions: ['attr:http.status_code = 201', 'attr:http.method = "GET"'],
      },
    ]);
    expect(dry.allPassed).toBe(false);
    expect(dry.results).toMatchObject([{ results: [{ allPassed: true }, { allPassed: false }] }]);
    await expect(pipeline.plane.runs.dryRun(SCOPE, 'rerun-me', first.id, { specs: 'nope' })).rejects.toThrow(
      /needs "specs"/,
    );
    expect((await pipeline.store.listRuns(SCOPE, { testId: 'rerun-me' })).count).toBe(2);
  });
});

async function publishTwice(
  pipeline: EmbeddedPipeline,
  message: {
    stage: 'trigger' | 'collect' | 'evaluate' | 'finish';
    organizationId: string;
    environmentId: string;
    runId: number;
  },
): Promise<void> {
  await Promise.all([pipeline.queue.publish(message), pipeline.queue.publish(message)]);
}
