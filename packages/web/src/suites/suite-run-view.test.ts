import { describe, expect, it } from 'vitest';
import type { LiveEventView, SuiteRunView, TestRunView } from '../api/api-types';
import { hrefOf, parseRoute, type Route } from '../router/routes';
import {
  applyStepRun,
  applySuiteRunEvent,
  describeSuiteRun,
  handOversOf,
  isSuiteRunPayload,
  runningStepOf,
} from './suite-run-view';

function stepRun(overrides: Partial<TestRunView> & Pick<TestRunView, 'id' | 'testId'>): TestRunView {
  return {
    testVersion: 1,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    runGroupId: null,
    state: 'FINISHED',
    lastErrorState: null,
    executionTime: 2,
    triggerTime: 40,
    createdAt: '2026-01-10T12:00:00.000Z',
    serviceTriggeredAt: null,
    serviceTriggerCompletedAt: null,
    obtainedTraceAt: null,
    completedAt: '2026-01-10T12:00:02.000Z',
    variableSet: { id: null, values: [] },
    resolvedTrigger: null,
    triggerResult: null,
    result: null,
    linter: null,
    outputs: [],
    requiredGatesResult: null,
    metadata: {},
    source: 'suite',
    branch: null,
    pass: 1,
    fail: 0,
    passed: true,
    ...overrides,
  };
}

function suiteRun(overrides: Partial<SuiteRunView> = {}): SuiteRunView {
  return {
    id: '3',
    testSuiteId: 'checkout',
    version: 2,
    runGroupId: null,
    state: 'EXECUTING',
    lastErrorState: null,
    createdAt: '2026-01-10T12:00:00.000Z',
    completedAt: null,
    executionTime: 1,
    steps: [],
    variableSet: { id: 'staging', values: [{ key: 'HOST', value: 'shop', type: 'raw' }] },
    metadata: {},
    pass: 0,
    fail: 0,
    allStepsRequiredGatesPassed: false,
    ...overrides,
  };
}

describe('the suite run page URL', () => {
  it.each<{ url: string; route: Route }>([
    // The link the CLI prints for a suite (SPEC §9.5).
    { url: '/testsuite/checkout/run/3', route: { page: 'suite-run', suiteId: 'checkout', runId: '3' } },
    { url: '/testsuite/a%20b/run/12/', route: { page: 'suite-run', suiteId: 'a b', runId: '12' } },
    {
      url: '/testsuite/checkout/run/latest',
      route: { page: 'not-found', path: '/testsuite/checkout/run/latest' },
    },
    { url: '/testsuite/checkout/run', route: { page: 'not-found', path: '/testsuite/checkout/run' } },
    { url: '/testsuite/checkout/run/3/x', route: { page: 'not-found', path: '/testsuite/checkout/run/3/x' } },
    { url: '/testsuite/checkout', route: { page: 'suite', suiteId: 'checkout' } },
  ])('$url', ({ url, route }) => {
    const parsed = new URL(url, 'http://dashboard');
    expect(parseRoute(parsed.pathname, parsed.search)).toEqual(route);
  });

  it('prints a path that parses back to the same page', () => {
    const route: Route = { page: 'suite-run', suiteId: 'check/out', runId: '41' };
    const href = hrefOf(route);
    expect(href).toBe('/testsuite/check%2Fout/run/41');
    expect(parseRoute(href, '')).toEqual(route);
  });
});

describe('describeSuiteRun', () => {
  const finished = { state: 'FINISHED', fail: 0, allStepsRequiredGatesPassed: true, steps: [] } as const;
  it.each([
    { run: { ...finished, state: 'CREATED' as const }, label: 'Queued', tone: 'running', final: false },
    { run: { ...finished, state: 'EXECUTING' as const }, label: 'Running', tone: 'running', final: false },
    { run: finished, label: 'Passed', tone: 'passed', final: true },
    { run: { ...finished, fail: 2 }, label: 'Failed', tone: 'failed', final: true },
    {
      run: { ...finished, allStepsRequiredGatesPassed: false },
      label: 'Failed',
      tone: 'failed',
      final: true,
    },
    {
      run: { ...finished, steps: [stepRun({ id: '1', testId: 'a', passed: false })] },
      label: 'Failed',
      tone: 'failed',
      final: true,
    },
    { run: { ...finished, state: 'FAILED' as const }, label: 'Broke', tone: 'error', final: true },
    { run: { ...finished, state: 'STOPPED' as const }, label: 'Stopped', tone: 'stopped', final: true },
  ])('$run.state, $run.fail failed → $label', ({ run, label, tone, final }) => {
    expect(describeSuiteRun(run)).toMatchObject({ label, tone, final });
  });
});

describe('applySuiteRunEvent', () => {
  const event = (overrides: Partial<LiveEventView>): LiveEventView => ({
    type: 'suite-run',
    runId: 3,
    ...overrides,
  });

  it('takes a whole payload as the new suite run', () => {
    const next = suiteRun({ state: 'FINISHED', steps: [stepRun({ id: '8', testId: 'a' })] });
    expect(isSuiteRunPayload(next)).toBe(true);
    expect(applySuiteRunEvent(suiteRun(), event({ state: 'FINISHED', payload: next }))).toEqual({
      run: next,
      complete: true,
    });
  });

  it('moves the state of a slim event and asks for a fresh read', () => {
    const slim = suiteRun({ state: 'FAILED' });
    expect(applySuiteRunEvent(suiteRun(), event({ state: 'FAILED', payload: slim, partial: true }))).toEqual({
      run: suiteRun({ state: 'FAILED' }),
      complete: false,
    });
    expect(applySuiteRunEvent(suiteRun(), event({ state: 'FINISHED' }))).toEqual({
      run: suiteRun({ state: 'FINISHED' }),
      complete: false,
    });
  });

  it('ignores events of another suite run and unknown states', () => {
    const run = suiteRun();
    expect(applySuiteRunEvent(run, event({ runId: 4, state: 'FINISHED' }))).toEqual({ run, complete: true });
    expect(applySuiteRunEvent(run, event({ state: 'DANCING' }))).toEqual({ run, complete: false });
  });
});

describe('applyStepRun', () => {
  it('replaces the step with its newer run and sums the counts again', () => {
    const first = stepRun({ id: '8', testId: 'a', pass: 2, fail: 0 });
    const second = stepRun({ id: '9', testId: 'b', state: 'AWAITING_TRACE', pass: 0, fail: 0, passed: null });
    const run = suiteRun({ steps: [first, second], pass: 2 });
    const newer = { ...second, state: 'FINISHED' as const, pass: 1, fail: 3, passed: false };
    expect(applyStepRun(run, newer)).toEqual({ ...run, steps: [first, newer], pass: 3, fail: 3 });
    expect(applyStepRun(run, stepRun({ id: '10', testId: 'c' }))).toBe(run);
  });
});

describe('runningStepOf', () => {
  it('is the last step while it runs', () => {
    const done = stepRun({ id: '8', testId: 'a' });
    const running = stepRun({ id: '9', testId: 'b', state: 'AWAITING_TRACE' });
    expect(runningStepOf(suiteRun({ steps: [done, running] }))).toBe(running);
    expect(runningStepOf(suiteRun({ steps: [done] }))).toBeUndefined();
    expect(runningStepOf(suiteRun({ steps: [] }))).toBeUndefined();
    expect(runningStepOf(suiteRun({ state: 'STOPPED', steps: [done, running] }))).toBeUndefined();
  });
});

describe('handOversOf', () => {
  it('lists what each step got from the outputs of the steps before it', () => {
    const create = stepRun({
      id: '8',
      testId: 'create-order',
      outputs: [
        { name: 'ORDER_ID', value: '7', spanId: '00f067aa0ba902b7' },
        { name: 'BROKEN', value: '', error: 'no span matched' },
      ],
      variableSet: { id: 'staging', values: [{ key: 'HOST', value: 'shop', type: 'raw' }] },
    });
    const pay = stepRun({
      id: '9',
      testId: 'pay-order',
      outputs: [{ name: 'ORDER_ID', value: '8' }],
      variableSet: {
        id: 'staging',
        values: [
          { key: 'HOST', value: 'shop', type: 'raw' },
          { key: 'ORDER_ID', value: '7', type: 'raw' },
        ],
      },
    });
    const ship = stepRun({
      id: '10',
      testId: 'ship-order',
      variableSet: {
        id: 'staging',
        values: [
          { key: 'HOST', value: 'shop', type: 'raw' },
          { key: 'ORDER_ID', value: '8', type: 'raw' },
          { key: 'BROKEN', value: '', type: 'raw' },
        ],
      },
    });
    expect(handOversOf([create, pay, ship])).toEqual([
      { outputs: create.outputs, received: [] },
      {
        outputs: pay.outputs,
        received: [{ key: 'ORDER_ID', value: '7', fromStep: 1, fromTestId: 'create-order' }],
      },
      { outputs: [], received: [{ key: 'ORDER_ID', value: '8', fromStep: 2, fromTestId: 'pay-order' }] },
    ]);
  });

  it('hands nothing on from a step that did not finish', () => {
    const broke = stepRun({
      id: '8',
      testId: 'a',
      state: 'TRACE_FAILED',
      outputs: [{ name: 'X', value: '1' }],
    });
    const next = stepRun({
      id: '9',
      testId: 'b',
      variableSet: { id: null, values: [{ key: 'X', value: '1', type: 'raw' }] },
    });
    expect(handOversOf([broke, next])[1]?.received).toEqual([]);
  });
});
