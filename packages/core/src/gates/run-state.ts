/** States of a test run (SPEC §7.1), in pipeline order then final states. */
export const RUN_STATES = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
  'FINISHED',
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'STOPPED',
  'FAILED',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Final states that mean the run itself broke (not that an assertion failed). */
const ERROR_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'FAILED',
]);

/**
 * True for the error states of SPEC §7.1: TRIGGER_FAILED, TRACE_FAILED, ANALYZING_ERROR,
 * ASSERTION_FAILED (the assertion engine crashed, not "an assertion failed") and the legacy FAILED.
 * STOPPED is final but not an error.
 */
export function isErrorState(state: RunState): boolean {
  return ERROR_STATES.has(state);
}

/**
 * True when nothing more will happen to the run: FINISHED, STOPPED or an error state. Every one of
 * them ends a suite step (Q29 recommended) and ends a client's wait.
 * @example isFinalState('STOPPED') // true
 */
export function isFinalState(state: RunState): boolean {
  return state === 'FINISHED' || state === 'STOPPED' || ERROR_STATES.has(state);
}

/** Narrows a state name read from outside (an API body, a stored row) to a `RunState`. */
export function isRunState(text: string): text is RunState {
  return (RUN_STATES as readonly string[]).includes(text);
}
