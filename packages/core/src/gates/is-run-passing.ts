import type { RequiredGatesResult } from './required-gates';
import type { RunState } from './run-state';

export interface RunVerdictInput {
  readonly state: RunState;
  /** False when any assertion failed. */
  readonly allPassed: boolean;
  readonly gates: RequiredGatesResult;
}

/**
 * Whether a test run passes (CLI exit 0, SPEC §7.5): it reached FINISHED, every assertion passed and
 * every required gate passed. `allPassed` counts even when `test-specs` is not a required gate (Y08).
 * Only FINISHED qualifies: an error state failed, STOPPED is reported as not passed (§7.4), and a
 * run that is still going has no verdict yet.
 * @example isRunPassing({ state: 'FINISHED', allPassed: true, gates: { required: [], failed: [], passed: true } }) // true
 */
export function isRunPassing(input: RunVerdictInput): boolean {
  return input.state === 'FINISHED' && input.allPassed && input.gates.passed;
}
