import { SECRET_MASK } from '@tracecheck/core';
import { F1 } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import type { RunRecord, SuiteRunRecord } from '../store/store';
import { toRunEventView, toTestRunView, toTestSuiteRunView, toTraceView } from './run-views';

const T0 = Date.parse('2025-01-02T03:04:05.000Z');
const at = (ms: number) => new Date(T0 + ms);

function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 42,
    testId: 't1',
    testVersion: 3,
    state: 'CREATED',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    lastErrorState: null,
    createdAt: at(0),
    serviceTriggeredAt: null,
    serviceTriggerCompletedAt: null,
    obtainedTraceAt: null,
    completedAt: null,
    variableSetId: null,
    variables: [],
    requiredGates: null,
    metadata: {},
    runGroupId: null,
    testSuiteId: null,
    testSuiteRunId: null,
    source: 'api',
    branch: null,
    resolvedTrigger: null,
    triggerResult: null,
    result: null,
    outputs: null,
    linter: null,
    requiredGatesResult: null,
    passed: 0,
    failed: 0,
    verdict: null,
    ...overrides,
  };
}

describe('toTestRunView', () => {
  it.each([
    ['a run that just started', {}, 0, 0, 0],
    ['a run a millisecond old (seconds round up)', {}, 1, 1, 0],
    ['a running run, up to now', {}, 2500, 3, 0],
    ['a run completed on a whole second', { completedAt: at(2000) }, 60_000, 2, 0],
    ['a run completed just after', { completedAt: at(2001) }, 60_000, 3, 0],
    [
      'a trigger that completed',
      { serviceTriggeredAt: at(100), serviceTriggerCompletedAt: at(350) },
      5000,
      5,
      250,
    ],
    ['a trigger still going, up to now', { serviceTriggeredAt: at(100) }, 1000, 1, 900],
    ['a clock behind the run', {}, -500, 0, 0],
  ] as const)(
    'computes the times of %s (SPEC §7.1)',
    (_name, overrides, nowMs, executionTime, triggerTime) => {
      const view = toTestRunView(runRecord(overrides), at(nowMs));
      expect(view.executionTime).toBe(executionTime);
      expect(view.triggerTime).toBe(triggerTime);
    },
  );

  it('names fields as Tracetest clients read them, ids as text, secrets masked', () => {
    const view = toTestRunView(
      runRecord({
        state: 'FINISHED',
        testSuiteId: 's1',
        testSuiteRunId: 7,
        variableSetId: 'vs',
        variables: [
          { key: 'HOST', value: 'shop.local', type: 'raw' },
          { key: 'TOKEN', value: 'tcsecret:v1:abc', type: 'secret' },
        ],
        passed: 4,
        failed: 1,
        verdict: false,
        completedAt: at(1000),
      }),
      at(5000),
    );
    expect(view).toMatchObject({
      id: '42',
      testSuiteRunId: '7',
      testSuiteId: 's1',
      createdAt: '2025-01-02T03:04:05.000Z',
      completedAt: '2025-01-02T03:04:06.000Z',
      variableSet: {
        id: 'vs',
        values: [
          { key: 'HOST', value: 'shop.local', type: 'raw' },
          { key: 'TOKEN', value: SECRET_MASK, type: 'secret' },
        ],
      },
      outputs: [],
      pass: 4,
      fail: 1,
      passed: false,
    });
    expect(view).not.toHaveProperty('trace');
  });
});

describe('toTestSuiteRunView', () => {
  const suiteRun: SuiteRunRecord = {
    id: 9,
    suiteId: 's1',
    suiteVersion: 2,
    state: 'FINISHED',
    createdAt: at(0),
    completedAt: at(4500),
    variableSetId: null,
    variables: [],
    requiredGates: null,
    metadata: { branch: 'main' },
    runGroupId: 'g',
    stepRunIds: [1, 2],
    lastErrorState: null,
  };
  const gates = (passed: boolean) => ({
    required: ['test-specs'],
    failed: passed ? [] : ['test-specs'],
    passed,
  });

  it.each([
    ['every step passed its gates', [gates(true), gates(true)], true],
    ['a step failed its gates', [gates(true), gates(false)], false],
    ['a step has no gates yet', [gates(true), null], false],
    ['no step ran', [], false],
  ])('allStepsRequiredGatesPassed when %s', (_name, stepGates, expected) => {
    const steps = stepGates.map((requiredGatesResult, index) =>
      runRecord({ id: index + 1, requiredGatesResult, passed: 2, failed: index }),
    );
    const view = toTestSuiteRunView(suiteRun, steps, at(10_000));
    expect(view.allStepsRequiredGatesPassed).toBe(expected);
    expect(view.pass).toBe(2 * steps.length);
    expect(view.fail).toBe(steps.reduce((sum, step) => sum + step.failed, 0));
    expect(view).toMatchObject({ id: '9', testSuiteId: 's1', version: 2, executionTime: 5, runGroupId: 'g' });
  });
});

describe('toTraceView', () => {
  it('gives the tree from the root and every span by id, in Tracetest’s shape', () => {
    const view = toTraceView(F1);
    expect(view.traceId).toBe(F1.traceId);
    expect(Object.keys(view.flat)).toEqual(F1.spans.map((span) => span.id));
    for (const span of Object.values(view.flat)) expect(span).not.toHaveProperty('children');
    const root = F1.spans[0];
    expect(view.tree).toMatchObject({ id: root?.id, name: 'Tracetest trigger', parentId: null });
    expect(view.tree?.startTime).toBe(Number((root?.startTimeUnixNano ?? 0n) / 1_000_000n));
    expect(view.tree?.startTimeUnixNano).toBe(root?.startTimeUnixNano.toString());
    const names: string[] = [];
    const walk = (node: NonNullable<typeof view.tree>) => {
      names.push(node.name);
      for (const child of node.children) walk(child);
    };
    if (view.tree) walk(view.tree);
    expect(names).toEqual(F1.spans.map((span) => span.name));
    expect(view.flat[root?.id ?? '']?.attributes['tracetest.span.type']).toBe('general');
  });

  it('answers no tree for an empty trace', () => {
    expect(toTraceView({ ...F1, spans: [], children: [] }).tree).toBeNull();
  });
});

describe('toRunEventView', () => {
  it('keeps the event with the run id as text', () => {
    const view = toRunEventView(
      {
        runId: 5,
        seq: 2,
        type: 'TRACE_COMPLETE',
        stage: 'collect',
        title: 'Trace complete',
        description: 'd',
        createdAt: at(0),
      },
      't1',
    );
    expect(view).toEqual({
      runId: '5',
      testId: 't1',
      seq: 2,
      type: 'TRACE_COMPLETE',
      stage: 'collect',
      title: 'Trace complete',
      description: 'd',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
  });
});
