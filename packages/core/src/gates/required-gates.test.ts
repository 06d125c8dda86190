import { describe, expect, it } from 'vitest';
import type { AnalyzerOutcome } from '../analyzer/index';
import { TracecheckError } from '../errors';
import {
  evaluateRequiredGates,
  isErrorState,
  isFinalState,
  isRunPassing,
  isRunState,
  parseRequiredGates,
  type RequiredGate,
  type RequiredGatesResult,
  RUN_STATES,
  type RunState,
  resolveRequiredGates,
} from './index';

function analyzerRan(score: number, minimumScore: number, passed: boolean): AnalyzerOutcome {
  return { ran: true, result: { score, minimumScore, passed, plugins: [] } };
}

describe('run states (SPEC §7.1)', () => {
  it.each<[RunState, boolean, boolean]>([
    ['CREATED', false, false],
    ['EXECUTING', false, false],
    ['AWAITING_TRACE', false, false],
    ['ANALYZING_TRACE', false, false],
    ['AWAITING_TEST_RESULTS', false, false],
    ['FINISHED', true, false],
    ['TRIGGER_FAILED', true, true],
    ['TRACE_FAILED', true, true],
    ['ANALYZING_ERROR', true, true],
    ['ASSERTION_FAILED', true, true],
    ['STOPPED', true, false],
    ['FAILED', true, true],
  ])('%s: final %s, error %s', (state, final, error) => {
    expect(isFinalState(state)).toBe(final);
    expect(isErrorState(state)).toBe(error);
  });

  it('covers every state in the table', () => {
    expect(RUN_STATES).toHaveLength(12);
  });

  it.each([
    ['FINISHED', true],
    ['STOPPED', true],
    ['finished', false],
    ['DONE', false],
  ])('isRunState(%j) is %s', (text, want) => {
    expect(isRunState(text)).toBe(want);
  });
});

describe('parseRequiredGates', () => {
  it.each<[string[], RequiredGate[]]>([
    [['test-specs'], ['test-specs']],
    [['test-specs,analyzer-score'], ['test-specs', 'analyzer-score']],
    [
      ['analyzer-rules', 'test-specs'],
      ['analyzer-rules', 'test-specs'],
    ],
    [
      [' analyzer-score , test-specs ', 'analyzer-score'],
      ['analyzer-score', 'test-specs'],
    ],
    [['test-specs,'], ['test-specs']],
    [[], []],
  ])('%j → %j', (values, gates) => {
    expect(parseRequiredGates(values)).toEqual(gates);
  });

  it('rejects unknown gates, quoting all of them and listing the valid ones', () => {
    let caught: unknown;
    try {
      parseRequiredGates(['test-specs,analyzer', 'Test-Specs']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TracecheckError);
    const error = caught as TracecheckError;
    expect(error.code).toBe('REQUEST_INVALID');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('"analyzer", "Test-Specs"');
    expect(error.message).toContain('analyzer-rules, analyzer-score, test-specs');
    expect(error.details).toEqual({ unknown: ['analyzer', 'Test-Specs'] });
  });
});

describe('resolveRequiredGates (SPEC §7.5)', () => {
  it.each<[string, RequiredGate[] | undefined, RequiredGate[] | undefined, RequiredGate[]]>([
    ['nothing given → [test-specs]', undefined, undefined, ['test-specs']],
    ['TestRunner resource', undefined, ['analyzer-score', 'test-specs'], ['analyzer-score', 'test-specs']],
    ['run override wins', ['analyzer-rules'], ['analyzer-score', 'test-specs'], ['analyzer-rules']],
    ['empty override is not given', [], ['analyzer-score'], ['analyzer-score']],
    ['empty override, no TestRunner', [], undefined, ['test-specs']],
    ['TestRunner that requires nothing', undefined, [], []],
  ])('%s', (_title, override, testRunner, want) => {
    expect(resolveRequiredGates(override, testRunner)).toEqual(want);
  });
});

describe('evaluateRequiredGates', () => {
  it.each<[string, RequiredGate[], boolean, AnalyzerOutcome, RequiredGatesResult]>([
    [
      'all good',
      ['test-specs'],
      true,
      analyzerRan(100, 0, true),
      { required: ['test-specs'], failed: [], passed: true },
    ],
    [
      'failing assertion with default gates',
      ['test-specs'],
      false,
      analyzerRan(100, 0, true),
      { required: ['test-specs'], failed: ['test-specs'], passed: false },
    ],
    [
      'failing analyzer gates listed but not required',
      ['test-specs'],
      true,
      analyzerRan(60, 80, false),
      { required: ['test-specs'], failed: ['analyzer-rules', 'analyzer-score'], passed: true },
    ],
    [
      'score equal to the minimum passes',
      ['analyzer-score'],
      true,
      analyzerRan(80, 80, true),
      { required: ['analyzer-score'], failed: [], passed: true },
    ],
    [
      'required analyzer-rules fails',
      ['analyzer-rules'],
      true,
      analyzerRan(95, 0, false),
      { required: ['analyzer-rules'], failed: ['analyzer-rules'], passed: false },
    ],
    [
      'analyzer that did not run decides no gate',
      ['analyzer-rules', 'analyzer-score', 'test-specs'],
      true,
      { ran: false },
      { required: ['analyzer-rules', 'analyzer-score', 'test-specs'], failed: [], passed: true },
    ],
    [
      'nothing required',
      [],
      false,
      analyzerRan(10, 50, false),
      { required: [], failed: ['analyzer-rules', 'analyzer-score', 'test-specs'], passed: true },
    ],
  ])('%s', (_title, required, allPassed, analyzer, want) => {
    expect(evaluateRequiredGates({ required, allPassed, analyzer })).toEqual(want);
  });
});

describe('isRunPassing (SPEC §7.5, §12.9)', () => {
  const passedGates: RequiredGatesResult = { required: ['test-specs'], failed: [], passed: true };

  it('Y07: a passing test with the default gates passes; a failing assertion makes it fail', () => {
    const required = resolveRequiredGates(undefined, undefined);
    const ok = evaluateRequiredGates({ required, allPassed: true, analyzer: analyzerRan(100, 0, true) });
    expect(isRunPassing({ state: 'FINISHED', allPassed: true, gates: ok })).toBe(true);
    const failing = evaluateRequiredGates({
      required,
      allPassed: false,
      analyzer: analyzerRan(100, 0, true),
    });
    expect(failing.passed).toBe(false);
    expect(isRunPassing({ state: 'FINISHED', allPassed: false, gates: failing })).toBe(false);
  });

  it('Y08: with only analyzer-score required, gates pass but a failing assertion still fails the run', () => {
    const required = resolveRequiredGates(parseRequiredGates(['analyzer-score']), undefined);
    const gates = evaluateRequiredGates({ required, allPassed: false, analyzer: analyzerRan(90, 80, true) });
    expect(gates).toEqual({ required: ['analyzer-score'], failed: ['test-specs'], passed: true });
    expect(isRunPassing({ state: 'FINISHED', allPassed: false, gates })).toBe(false);
  });

  it.each<RunState>(RUN_STATES.filter((s) => s !== 'FINISHED'))('a run in %s does not pass', (state) => {
    expect(isRunPassing({ state, allPassed: true, gates: passedGates })).toBe(false);
  });

  it('failed required gates fail a finished run whose assertions passed', () => {
    expect(
      isRunPassing({
        state: 'FINISHED',
        allPassed: true,
        gates: { required: ['analyzer-score'], failed: ['analyzer-score'], passed: false },
      }),
    ).toBe(false);
  });
});
