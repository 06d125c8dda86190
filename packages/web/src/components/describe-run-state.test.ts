import type { RunState } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { describeRunState } from './describe-run-state';

describe('describeRunState', () => {
  it.each<{
    state: RunState;
    passed: boolean | null;
    fail: number;
    label: string;
    tone: string;
    final: boolean;
  }>([
    { state: 'CREATED', passed: null, fail: 0, label: 'Queued', tone: 'running', final: false },
    {
      state: 'AWAITING_TRACE',
      passed: null,
      fail: 0,
      label: 'Awaiting trace',
      tone: 'running',
      final: false,
    },
    {
      state: 'AWAITING_TEST_RESULTS',
      passed: null,
      fail: 0,
      label: 'Running assertions',
      tone: 'running',
      final: false,
    },
    { state: 'FINISHED', passed: true, fail: 0, label: 'Passed', tone: 'passed', final: true },
    { state: 'FINISHED', passed: false, fail: 0, label: 'Failed', tone: 'failed', final: true },
    { state: 'FINISHED', passed: null, fail: 2, label: 'Failed', tone: 'failed', final: true },
    { state: 'TRIGGER_FAILED', passed: false, fail: 0, label: 'Trigger failed', tone: 'error', final: true },
    { state: 'TRACE_FAILED', passed: false, fail: 0, label: 'Trace failed', tone: 'error', final: true },
    // "an assertion failed" is FINISHED + failed; ASSERTION_FAILED is the engine breaking (SPEC §7.1).
    {
      state: 'ASSERTION_FAILED',
      passed: false,
      fail: 0,
      label: 'Assertion engine error',
      tone: 'error',
      final: true,
    },
    { state: 'STOPPED', passed: null, fail: 0, label: 'Stopped', tone: 'stopped', final: true },
  ])('$state (passed $passed, $fail failed) is "$label"', ({ state, passed, fail, label, tone, final }) => {
    const description = describeRunState({ state, passed, fail });
    expect(description).toMatchObject({ label, tone, final });
    expect(description.explanation).not.toBe('');
  });
});
