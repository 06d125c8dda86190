/**
 * What the fake API of the browser test answers: two tests, one finished run of the first with a
 * synthetic trace, its results evaluated by core's `evaluateTest` and its analyzer result by
 * `analyzeTrace` (the same functions the server's pipeline uses), and its event log; and a run that
 * is still collecting its trace, with the live events its stream sends.
 */
import {
  analyzeTrace,
  DEFAULT_ANALYZER_CONFIG,
  decodeOtlpJson,
  encodeOtlpProtobuf,
  evaluateTest,
  parseTraceId,
  traceFromRecords,
} from '@tracecheck/core';
import type {
  LiveEventView,
  RunEventView,
  TestResourceView,
  TestRunView,
  TestView,
} from '../src/api/api-types';
import { createSyntheticOtlpTrace, SYNTHETIC_TRACE_ID } from './synthetic-otlp-trace';

export const ORDER_TEST_ID = 'order-api';
export const IDLE_TEST_ID = 'checkout-smoke';
export const ORDER_RUN_ID = '7';
/** A run that is awaiting its trace when the page opens; its stream then brings spans and the end. */
export const LIVE_RUN_ID = '8';
/** Spans of the live run's trace. */
export const LIVE_SPAN_COUNT = 22;

/** The live events a run's stream sends after its current state, and what the run is once it ended. */
export interface LiveScript {
  readonly events: readonly LiveEventView[];
  readonly finalRun: TestRunView;
  readonly finalEvents: readonly RunEventView[];
}

/** Everything the fake API serves. */
export interface DashboardFixtures {
  readonly tests: readonly TestResourceView[];
  readonly runs: readonly TestRunView[];
  /** Event logs by `<testId>/<runId>`. */
  readonly events: ReadonlyMap<string, readonly RunEventView[]>;
  /** OTLP/JSON traces by `<testId>/<runId>`. */
  readonly traces: ReadonlyMap<string, string>;
  /** YAML of each test by id. */
  readonly yaml: ReadonlyMap<string, string>;
  /** Number of spans of the run's trace. */
  readonly spanCount: number;
  /** Live runs by `<testId>/<runId>`. */
  readonly live: ReadonlyMap<string, LiveScript>;
}

const CREATED_AT = '2025-03-01T10:00:00.000Z';

const ORDER_SPECS = [
  {
    name: 'The order API answers 201',
    selector: 'span[tracetest.span.type="http" name="POST /orders"]',
    assertions: ['attr:http.status_code = 201'],
  },
  {
    name: 'No database query deadlocks',
    selector: 'span[name="SELECT shop.orders"]',
    assertions: ['attr:tracetest.span.status_code != "STATUS_CODE_ERROR"'],
  },
  {
    selector: 'span[tracetest.span.type="messaging" name="orders.created process"]:first',
    assertions: ['attr:messaging.system = "rabbitmq"', 'attr:tracetest.span.duration < 100ms'],
  },
] as const;

const ORDER_TRIGGER = {
  type: 'http',
  httpRequest: {
    method: 'POST',
    url: 'http://api:8080/orders',
    headers: [{ key: 'Content-Type', value: 'application/json' }],
    body: '{"customer":"c-42","items":[{"sku":"SKU-1","quantity":2}]}',
  },
};

const ORDER_YAML = `type: Test
spec:
  id: ${ORDER_TEST_ID}
  name: Order API
  description: Places an order and follows it through the worker
  trigger:
    type: http
    httpRequest:
      method: POST
      url: http://api:8080/orders
      headers:
        - key: Content-Type
          value: application/json
      body: '{"customer":"c-42","items":[{"sku":"SKU-1","quantity":2}]}'
  specs:
${ORDER_SPECS.map(
  (spec) =>
    `    - ${'name' in spec ? `name: ${spec.name}\n      ` : ''}selector: ${spec.selector}\n      assertions:\n${spec.assertions
      .map((assertion) => `        - ${assertion}`)
      .join('\n')}`,
).join('\n')}
`;

/**
 * Builds the fixtures with a trace of about `spanCount` spans.
 * @example createDashboardFixtures(100_000)
 */
export function createDashboardFixtures(spanCount: number): DashboardFixtures {
  const otlpText = JSON.stringify(createSyntheticOtlpTrace({ spanCount }));
  const trace = traceFromRecords(parseTraceId(SYNTHETIC_TRACE_ID), decodeOtlpJson(otlpText));
  const evaluation = evaluateTest({ trace, specs: ORDER_SPECS, variables: new Map() });
  const analyzer = analyzeTrace(trace, DEFAULT_ANALYZER_CONFIG);
  // Only the spans that broke a rule are kept: the dashboard lists those, and every span of every rule
  // would make the fixture tens of megabytes.
  const linter = analyzer.ran
    ? {
        ...analyzer.result,
        plugins: analyzer.result.plugins.map((plugin) => ({
          ...plugin,
          rules: plugin.rules.map((rule) => ({
            ...rule,
            results: rule.results.filter((result) => !result.passed),
          })),
        })),
      }
    : null;

  const orderTest: TestView = {
    id: ORDER_TEST_ID,
    name: 'Order API',
    description: 'Places an order and follows it through the worker',
    trigger: ORDER_TRIGGER,
    specs: ORDER_SPECS,
    version: 3,
    createdAt: CREATED_AT,
    summary: {
      runs: 1,
      lastRun: {
        time: CREATED_AT,
        passes: evaluation.passed,
        fails: evaluation.failed,
        analyzerScore: linter?.score ?? 0,
      },
    },
  };
  const idleTest: TestView = {
    id: IDLE_TEST_ID,
    name: 'Checkout smoke',
    trigger: { type: 'http', httpRequest: { method: 'GET', url: 'http://api:8080/health' } },
    specs: [],
    version: 1,
    createdAt: CREATED_AT,
    summary: { runs: 0, lastRun: { time: null, passes: 0, fails: 0 } },
  };

  const run: TestRunView = {
    id: ORDER_RUN_ID,
    testId: ORDER_TEST_ID,
    testVersion: 3,
    traceId: SYNTHETIC_TRACE_ID,
    spanId: trace.spans[0]!.id,
    runGroupId: null,
    state: 'FINISHED',
    lastErrorState: null,
    executionTime: 4,
    triggerTime: 38,
    createdAt: CREATED_AT,
    serviceTriggeredAt: '2025-03-01T10:00:00.100Z',
    serviceTriggerCompletedAt: '2025-03-01T10:00:00.138Z',
    obtainedTraceAt: '2025-03-01T10:00:03.000Z',
    completedAt: '2025-03-01T10:00:03.400Z',
    variableSet: { id: null, values: [] },
    resolvedTrigger: ORDER_TRIGGER,
    triggerResult: {
      type: 'http',
      http: {
        status: '201 Created',
        statusCode: 201,
        headers: [
          { key: 'Content-Type', value: 'application/json' },
          { key: 'Traceparent', value: `00-${SYNTHETIC_TRACE_ID}-${trace.spans[0]!.id}-01` },
        ],
        body: '{"id":"ord_1","status":"accepted","items":[{"sku":"SKU-1","quantity":2}]}',
      },
    },
    result: {
      allPassed: evaluation.allPassed,
      results: evaluation.results.map((spec) => ({
        ...(spec.name === undefined ? {} : { name: spec.name }),
        selector: { query: spec.selector.query },
        ...(spec.error === undefined ? {} : { error: spec.error }),
        results: spec.results,
      })),
    },
    linter,
    outputs: [],
    requiredGatesResult: {
      required: ['test-specs'],
      failed: evaluation.allPassed ? [] : ['test-specs'],
      passed: evaluation.allPassed,
    },
    metadata: {},
    source: 'web',
    branch: null,
    pass: evaluation.passed,
    fail: evaluation.failed,
    passed: evaluation.allPassed,
  };

  const event = (
    seq: number,
    stage: string,
    title: string,
    description: string,
    offsetMs: number,
  ): RunEventView => ({
    runId: ORDER_RUN_ID,
    testId: ORDER_TEST_ID,
    seq,
    type: 'INFO',
    stage,
    title,
    description,
    createdAt: new Date(Date.parse(CREATED_AT) + offsetMs).toISOString(),
  });
  const key = `${ORDER_TEST_ID}/${ORDER_RUN_ID}`;
  const live = createLiveRun(run);
  return {
    tests: [
      { type: 'Test', spec: orderTest },
      { type: 'Test', spec: idleTest },
    ],
    runs: [live.awaiting, run],
    events: new Map([
      [
        key,
        [
          event(
            1,
            'TRIGGER',
            'Trigger sent',
            'POST http://api:8080/orders answered 201 Created in 38 ms.',
            138,
          ),
          event(
            2,
            'TRACE',
            'Trace complete',
            `${trace.spans.length} spans arrived; every selector matched.`,
            3000,
          ),
          event(
            3,
            'TEST',
            'Assertions evaluated',
            `${evaluation.passed} passed, ${evaluation.failed} failed.`,
            3400,
          ),
        ],
      ],
    ]),
    traces: new Map([
      [key, otlpText],
      [live.key, live.otlpText],
    ]),
    yaml: new Map([[ORDER_TEST_ID, ORDER_YAML]]),
    spanCount: trace.spans.length,
    live: new Map([[live.key, live.script]]),
  };
}

/**
 * Run 8 of the order test, awaiting its trace; its stream sends the spans (OTLP/protobuf in base64, as
 * the agent hub publishes them), a line of the event log, and the final state.
 */
function createLiveRun(finished: TestRunView): {
  key: string;
  awaiting: TestRunView;
  script: LiveScript;
  otlpText: string;
} {
  const otlpText = JSON.stringify(createSyntheticOtlpTrace({ spanCount: LIVE_SPAN_COUNT, seed: 8 }));
  const records = decodeOtlpJson(otlpText);
  const awaiting: TestRunView = {
    ...finished,
    id: LIVE_RUN_ID,
    state: 'AWAITING_TRACE',
    obtainedTraceAt: null,
    completedAt: null,
    result: null,
    linter: null,
    requiredGatesResult: null,
    pass: 0,
    fail: 0,
    passed: null,
  };
  const finalRun: TestRunView = {
    ...awaiting,
    state: 'FINISHED',
    obtainedTraceAt: '2025-03-01T10:00:02.000Z',
    completedAt: '2025-03-01T10:00:02.500Z',
    result: { allPassed: true, results: [] },
    pass: 0,
    fail: 0,
    passed: true,
  };
  const runEvent: RunEventView = {
    runId: LIVE_RUN_ID,
    testId: ORDER_TEST_ID,
    seq: 1,
    type: 'INFO',
    stage: 'TRACE',
    title: 'Spans are arriving',
    description: `${records.length} spans of the trace arrived so far.`,
    createdAt: '2025-03-01T10:00:01.000Z',
  };
  const base = { runId: Number(LIVE_RUN_ID), testId: ORDER_TEST_ID };
  return {
    key: `${ORDER_TEST_ID}/${LIVE_RUN_ID}`,
    awaiting,
    otlpText,
    script: {
      events: [
        {
          ...base,
          type: 'spans',
          payload: {
            otlpBase64: Buffer.from(encodeOtlpProtobuf(records)).toString('base64'),
            traceId: SYNTHETIC_TRACE_ID,
          },
        },
        // As the pipeline publishes a line: without its place in the log (the page reads the log again).
        {
          ...base,
          type: 'run-event',
          payload: {
            type: runEvent.type,
            stage: runEvent.stage,
            title: runEvent.title,
            description: runEvent.description,
          },
        },
        { ...base, type: 'run', state: 'FINISHED', payload: finalRun },
      ],
      finalRun,
      finalEvents: [runEvent],
    },
  };
}
