/**
 * A run's state as a person reads it: a short label and a tone, from the SPEC §7.1 state and the
 * verdict. "Failed" is kept for runs whose assertions failed; a run that broke says how it broke.
 */
import { isFinalState, type RunState } from '@tracecheck/core';

export type RunTone = 'running' | 'passed' | 'failed' | 'error' | 'stopped';

export interface RunStateDescription {
  readonly label: string;
  readonly tone: RunTone;
  readonly final: boolean;
  /** One sentence on what the state means, for a tooltip or an empty state. */
  readonly explanation: string;
}

const RUNNING: Readonly<Partial<Record<RunState, readonly [string, string]>>> = {
  CREATED: ['Queued', 'The run is created and waits for a worker.'],
  EXECUTING: ['Triggering', 'The agent is sending the trigger to the system under test.'],
  AWAITING_TRACE: ['Awaiting trace', 'The trigger answered; spans of its trace are being collected.'],
  ANALYZING_TRACE: ['Analyzing trace', 'The trace is complete; the analyzer checks it.'],
  AWAITING_TEST_RESULTS: ['Running assertions', 'Outputs and assertions are being evaluated.'],
};

const BROKEN: Readonly<Partial<Record<RunState, readonly [string, string]>>> = {
  TRIGGER_FAILED: ['Trigger failed', 'The trigger could not be sent or got no answer: see the Trigger tab.'],
  TRACE_FAILED: [
    'Trace failed',
    'No span of the trace arrived before the polling timeout: is the app exporting OTLP to the agent?',
  ],
  ANALYZING_ERROR: ['Analyzer error', 'The analyzer itself failed on this trace: see the Events tab.'],
  ASSERTION_FAILED: [
    'Assertion engine error',
    'The assertion engine itself failed (not an assertion): see the Events tab.',
  ],
  FAILED: ['Failed', 'The run ended in an error: see the Events tab.'],
};

/**
 * Describes a run's state. A finished run is "Passed" or "Failed" by its verdict (`passed`), or by its
 * failed span-level results when the verdict is unknown.
 * @example describeRunState({ state: 'FINISHED', passed: false, fail: 2 }).label // 'Failed'
 */
export function describeRunState(run: {
  readonly state: RunState;
  readonly passed: boolean | null;
  readonly fail: number;
}): RunStateDescription {
  const running = RUNNING[run.state];
  if (running) return { label: running[0], tone: 'running', final: false, explanation: running[1] };
  const broken = BROKEN[run.state];
  if (broken) return { label: broken[0], tone: 'error', final: true, explanation: broken[1] };
  if (run.state === 'STOPPED') {
    return {
      label: 'Stopped',
      tone: 'stopped',
      final: true,
      explanation: 'Someone stopped the run before it ended.',
    };
  }
  const passed = run.passed ?? run.fail === 0;
  return passed
    ? {
        label: 'Passed',
        tone: 'passed',
        final: isFinalState(run.state),
        explanation: 'Every required gate passed.',
      }
    : {
        label: 'Failed',
        tone: 'failed',
        final: isFinalState(run.state),
        explanation: 'The run finished and some assertions or required gates failed.',
      };
}
