/**
 * A suite run as its page reads it: the verdict in words, the live events merged in, the running step,
 * and the outputs each step hands to the next ones (SPEC §6.4).
 */
import { isFinalState } from '@tracecheck/core';
import type { LiveEventView, OutputView, SuiteRunView, TestRunView } from '../api/api-types';
import type { RunTone } from '../components/describe-run-state';

type SuiteRunState = SuiteRunView['state'];

const SUITE_RUN_STATES: readonly SuiteRunState[] = ['CREATED', 'EXECUTING', 'FINISHED', 'FAILED', 'STOPPED'];

function isSuiteRunState(text: string): text is SuiteRunState {
  return (SUITE_RUN_STATES as readonly string[]).includes(text);
}

/** True once nothing more happens to the suite run (FINISHED, FAILED or STOPPED). */
export function isSuiteRunFinal(state: SuiteRunState): boolean {
  return state === 'FINISHED' || state === 'FAILED' || state === 'STOPPED';
}

export interface SuiteRunDescription {
  readonly label: string;
  readonly tone: RunTone;
  readonly final: boolean;
  readonly explanation: string;
}

/**
 * A suite run's state and verdict as a person reads it. A FINISHED suite run failed when a step's
 * assertions or required gates failed: the state stays FINISHED (SPEC §6.4) but the CLI reports it
 * as failed, and so does the dashboard.
 * @example describeSuiteRun({ state: 'FINISHED', fail: 1, allStepsRequiredGatesPassed: true, steps: [] }).label // 'Failed'
 */
export function describeSuiteRun(
  run: Pick<SuiteRunView, 'state' | 'fail' | 'allStepsRequiredGatesPassed' | 'steps'>,
): SuiteRunDescription {
  switch (run.state) {
    case 'CREATED':
      return {
        label: 'Queued',
        tone: 'running',
        final: false,
        explanation: 'The suite run waits for a worker.',
      };
    case 'EXECUTING':
      return {
        label: 'Running',
        tone: 'running',
        final: false,
        explanation: 'The steps run one after the other.',
      };
    case 'FAILED':
      return {
        label: 'Broke',
        tone: 'error',
        final: true,
        explanation: 'A step ended in an error or was stopped: the later steps did not run.',
      };
    case 'STOPPED':
      return {
        label: 'Stopped',
        tone: 'stopped',
        final: true,
        explanation: 'Someone stopped the suite run.',
      };
    case 'FINISHED': {
      const failed =
        run.fail > 0 || !run.allStepsRequiredGatesPassed || run.steps.some((step) => step.passed === false);
      return failed
        ? {
            label: 'Failed',
            tone: 'failed',
            final: true,
            explanation: 'Every step ran; some assertions or required gates failed.',
          }
        : { label: 'Passed', tone: 'passed', final: true, explanation: 'Every step ran and passed.' };
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a payload that is a whole suite run (what the live stream sends unless it is `partial`). */
export function isSuiteRunPayload(value: unknown): value is SuiteRunView {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.testSuiteId === 'string' &&
    typeof value.state === 'string' &&
    isSuiteRunState(value.state) &&
    Array.isArray(value.steps) &&
    isObject(value.variableSet)
  );
}

/**
 * The suite run after a `suite-run` live event, and whether it is complete: a whole payload replaces
 * it; an event with a state alone (or a slim, `partial` one) moves the state and asks for a fresh read.
 */
export function applySuiteRunEvent(
  run: SuiteRunView,
  event: LiveEventView,
): { readonly run: SuiteRunView; readonly complete: boolean } {
  if (event.type !== 'suite-run' || event.runId !== Number(run.id)) return { run, complete: true };
  if (event.partial !== true && isSuiteRunPayload(event.payload))
    return { run: event.payload, complete: true };
  const state = event.state !== undefined && isSuiteRunState(event.state) ? event.state : run.state;
  return { run: state === run.state ? run : { ...run, state }, complete: false };
}

/**
 * The suite run with a newer version of one of its step runs (from the step's own live stream); the
 * suite's pass and fail counts follow. A run that is not a step of the suite run changes nothing.
 */
export function applyStepRun(run: SuiteRunView, step: TestRunView): SuiteRunView {
  const index = run.steps.findIndex((item) => item.id === step.id);
  if (index < 0) return run;
  const steps = run.steps.map((item, at) => (at === index ? step : item));
  return {
    ...run,
    steps,
    pass: steps.reduce((sum, item) => sum + item.pass, 0),
    fail: steps.reduce((sum, item) => sum + item.fail, 0),
  };
}

/** The step that runs now: the last step while it has not reached a final state. */
export function runningStepOf(run: SuiteRunView): TestRunView | undefined {
  const last = run.steps.at(-1);
  return last !== undefined && !isSuiteRunFinal(run.state) && !isFinalState(last.state) ? last : undefined;
}

/** A variable a step got from the outputs of an earlier step. */
export interface ReceivedVariable {
  readonly key: string;
  readonly value: string;
  /** 1-based position of the step whose output it was. */
  readonly fromStep: number;
  readonly fromTestId: string;
}

/** What one step passes on and what it got from the steps before it. */
export interface StepHandOver {
  /** The step's outputs: a FINISHED step hands those without an error to every later step. */
  readonly outputs: readonly OutputView[];
  readonly received: readonly ReceivedVariable[];
}

/**
 * For each step, in order: its outputs, and the variables it ran with that came from an earlier step's
 * output (the latest earlier step wins when two gave the same name, as in the suite's context).
 * @example handOversOf(run.steps)[1]?.received // [{ key: 'ORDER_ID', value: '7', fromStep: 1, … }]
 */
export function handOversOf(steps: readonly TestRunView[]): StepHandOver[] {
  const given = new Map<string, { readonly fromStep: number; readonly fromTestId: string }>();
  return steps.map((step, index) => {
    const received: ReceivedVariable[] = [];
    for (const variable of step.variableSet.values) {
      const origin = given.get(variable.key);
      if (origin !== undefined) received.push({ key: variable.key, value: variable.value, ...origin });
    }
    if (step.state === 'FINISHED') {
      for (const output of step.outputs) {
        if (output.error === undefined || output.error === '') {
          given.set(output.name, { fromStep: index + 1, fromTestId: step.testId });
        }
      }
    }
    return { outputs: step.outputs, received };
  });
}
