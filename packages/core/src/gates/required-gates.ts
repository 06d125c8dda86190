import type { AnalyzerOutcome } from '../analyzer/analyze-trace';
import { TracecheckError } from '../errors';

/** The gates a run can require (SPEC §7.5), in the order the pipeline decides them. */
export const REQUIRED_GATES = ['analyzer-rules', 'analyzer-score', 'test-specs'] as const;
export type RequiredGate = (typeof REQUIRED_GATES)[number];

/** The required set when neither the run nor the TestRunner resource names one. */
export const DEFAULT_REQUIRED_GATES: readonly RequiredGate[] = ['test-specs'];

/** `requiredGatesResult` of a run: `passed` is false iff a required gate failed. */
export interface RequiredGatesResult {
  readonly required: readonly RequiredGate[];
  /** Every failing gate, required or not, in pipeline order. */
  readonly failed: readonly RequiredGate[];
  readonly passed: boolean;
}

function isRequiredGate(text: string): text is RequiredGate {
  return (REQUIRED_GATES as readonly string[]).includes(text);
}

/**
 * Parses gate names as given to `--required-gates` (repeated or comma-separated) or in a TestRunner
 * resource. Blanks around names and empty items are ignored, duplicates kept once. Unknown names are
 * all reported in one `REQUEST_INVALID` error that lists the valid ones.
 * @example parseRequiredGates(['test-specs,analyzer-score']) // ['test-specs', 'analyzer-score']
 */
export function parseRequiredGates(values: readonly string[]): RequiredGate[] {
  const gates: RequiredGate[] = [];
  const unknown: string[] = [];
  for (const value of values) {
    for (const item of value.split(',')) {
      const name = item.trim();
      if (name === '') continue;
      if (!isRequiredGate(name)) unknown.push(name);
      else if (!gates.includes(name)) gates.push(name);
    }
  }
  if (unknown.length > 0) {
    const quoted = unknown.map((name) => `"${name}"`).join(', ');
    throw new TracecheckError(
      'REQUEST_INVALID',
      `unknown required gate${unknown.length > 1 ? 's' : ''} ${quoted}: expected any of ${REQUIRED_GATES.join(', ')} (e.g. "test-specs,analyzer-score")`,
      { unknown },
    );
  }
  return gates;
}

/**
 * The required set of a run (SPEC §7.5): the run's override, else the TestRunner resource's
 * `requiredGates`, else `[test-specs]`. An empty override counts as "not given" (a CLI without
 * `--required-gates` sends none); an empty TestRunner list stored on purpose requires nothing.
 * @example resolveRequiredGates(undefined, undefined) // ['test-specs']
 */
export function resolveRequiredGates(
  runOverride: readonly RequiredGate[] | undefined,
  testRunnerGates: readonly RequiredGate[] | undefined,
): readonly RequiredGate[] {
  if (runOverride !== undefined && runOverride.length > 0) return runOverride;
  return testRunnerGates ?? DEFAULT_REQUIRED_GATES;
}

export interface EvaluateRequiredGatesInput {
  readonly required: readonly RequiredGate[];
  /** False when any assertion failed. */
  readonly allPassed: boolean;
  readonly analyzer: AnalyzerOutcome;
}

/**
 * Decides every gate (SPEC §7.5): `analyzer-rules` fails when the analyzer did not pass,
 * `analyzer-score` when its score is below its minimum (both only when the analyzer ran), and
 * `test-specs` when an assertion failed.
 * @example evaluateRequiredGates({ required: ['test-specs'], allPassed: true, analyzer: { ran: false } })
 * // { required: ['test-specs'], failed: [], passed: true }
 */
export function evaluateRequiredGates(input: EvaluateRequiredGatesInput): RequiredGatesResult {
  const failed: RequiredGate[] = [];
  if (input.analyzer.ran) {
    const { passed, score, minimumScore } = input.analyzer.result;
    if (!passed) failed.push('analyzer-rules');
    if (score < minimumScore) failed.push('analyzer-score');
  }
  if (!input.allPassed) failed.push('test-specs');
  return {
    required: input.required,
    failed,
    passed: !failed.some((gate) => input.required.includes(gate)),
  };
}
