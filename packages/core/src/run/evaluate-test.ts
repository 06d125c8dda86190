import type { TracecheckError } from '../errors';
import {
  type AssertionResult,
  type EvaluationContext,
  evaluateAssertion,
  evaluateExpression,
  formatValue,
  tryParseExpression,
} from '../expression/index';
import { type Selector, type SelectorStructure, selectorStructure, selectSpans } from '../selector/index';
import type { SpanId, Trace, TraceSpan } from '../trace/model';
import { parseSpecSelector, parseSpecStatement } from './legacy-syntax';

/** A spec as the evaluator needs it (SPEC §1.4 TestSpec). */
export interface SpecInput {
  readonly selector: string;
  readonly name?: string;
  readonly assertions: readonly string[];
}

/** An output as the evaluator needs it (SPEC §1.4 Output). */
export interface OutputInput {
  readonly name: string;
  readonly selector: string;
  readonly value: string;
}

export interface SpecResult {
  readonly selector: { readonly query: string; readonly structure?: SelectorStructure };
  readonly name?: string;
  /** Spans the selector picked, in selection order. */
  readonly spanIds: readonly SpanId[];
  readonly allPassed: boolean;
  readonly results: readonly AssertionResult[];
  /** Set when the selector itself is invalid: every assertion then fails with this error. */
  readonly error?: string;
}

export interface OutputResult {
  readonly name: string;
  readonly value: string;
  readonly spanId?: SpanId;
  readonly resolved: boolean;
  readonly error?: string;
}

export interface TestEvaluation {
  readonly allPassed: boolean;
  readonly results: readonly SpecResult[];
  readonly outputs: readonly OutputResult[];
  /** Counts of span-level results (SPEC §5.10). */
  readonly passed: number;
  readonly failed: number;
  /** Variables after the outputs were merged in (what a suite hands to the next step). */
  readonly variables: ReadonlyMap<string, string>;
}

export interface EvaluateTestInput {
  readonly trace: Trace;
  readonly specs: readonly SpecInput[];
  readonly outputs?: readonly OutputInput[];
  /** The run's incoming variable context (SPEC §6.2, levels 1-3). */
  readonly variables: ReadonlyMap<string, string>;
  readonly random?: () => number;
  readonly nowMs?: () => number;
  readonly timeZone?: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: TracecheckError };

function parseSelectorCached(cache: Map<string, Parsed<Selector>>, text: string): Parsed<Selector> {
  let parsed = cache.get(text);
  if (!parsed) {
    const r = parseSpecSelector(text);
    parsed = r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
    cache.set(text, parsed);
  }
  return parsed;
}

function spansOf(trace: Trace, indexes: readonly number[]): TraceSpan[] {
  return indexes.map((i) => trace.spans[i]!);
}

/**
 * Evaluates a test's outputs, then its specs, on a final trace (SPEC §5.10, §6.1). A failed assertion
 * is a result, never an exception; an invalid selector fails its spec with the syntax error (Q6 rec.),
 * never "all spans".
 */
export function evaluateTest(input: EvaluateTestInput): TestEvaluation {
  const { trace } = input;
  const selectors = new Map<string, Parsed<Selector>>();
  const baseContext = (variables: ReadonlyMap<string, string>): EvaluationContext => ({
    variables: (name) => variables.get(name),
    ...(input.random ? { random: input.random } : {}),
    ...(input.nowMs ? { nowMs: input.nowMs } : {}),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  });

  // Outputs see only the incoming context; later outputs with the same name win (Q16 rec.).
  const incoming = baseContext(input.variables);
  const outputs: OutputResult[] = [];
  for (const output of input.outputs ?? []) outputs.push(evaluateOutput(trace, output, selectors, incoming));
  const variables = new Map(input.variables);
  for (const o of outputs) variables.set(o.name, o.value);

  const context = baseContext(variables);
  const results: SpecResult[] = [];
  let passed = 0;
  let failed = 0;
  for (const spec of input.specs) {
    const result = evaluateSpec(trace, spec, selectors, context);
    for (const a of result.results) {
      for (const s of a.spanResults) {
        if (s.passed) passed++;
        else failed++;
      }
    }
    results.push(result);
  }
  return { allPassed: failed === 0, results, outputs, passed, failed, variables };
}

function evaluateSpec(
  trace: Trace,
  spec: SpecInput,
  selectors: Map<string, Parsed<Selector>>,
  context: EvaluationContext,
): SpecResult {
  const named = spec.name !== undefined && spec.name !== '' ? { name: spec.name } : {};
  const parsed = parseSelectorCached(selectors, spec.selector);
  if (!parsed.ok) {
    const error = `invalid selector: ${parsed.error.message}`;
    return {
      selector: { query: spec.selector },
      ...named,
      spanIds: [],
      allPassed: false,
      error,
      results: spec.assertions.map((assertion) => ({
        assertion,
        allPassed: false,
        spanResults: [{ spanId: null, observedValue: '', passed: false, error }],
      })),
    };
  }
  const spans = spansOf(trace, selectSpans(trace, parsed.value));
  const results = spec.assertions.map((assertion) => {
    const statement = parseSpecStatement(assertion);
    if (!statement.ok) {
      return {
        assertion,
        allPassed: false,
        spanResults: [{ spanId: null, observedValue: '', passed: false, error: statement.error.message }],
      } satisfies AssertionResult;
    }
    const result = evaluateAssertion(statement.value, spans, { ...context, selectedSpanCount: spans.length });
    // Results carry the assertion as written, even when a legacy form was read.
    return { ...result, assertion };
  });
  return {
    selector: { query: spec.selector, structure: selectorStructure(parsed.value) },
    ...named,
    spanIds: spans.map((s) => s.id),
    allPassed: results.every((r) => r.allPassed),
    results,
  };
}

function evaluateOutput(
  trace: Trace,
  output: OutputInput,
  selectors: Map<string, Parsed<Selector>>,
  context: EvaluationContext,
): OutputResult {
  const parsedSelector = parseSelectorCached(selectors, output.selector);
  if (!parsedSelector.ok) {
    return {
      name: output.name,
      value: '',
      resolved: false,
      error: `invalid selector: ${parsedSelector.error.message}`,
    };
  }
  const expression = tryParseExpression(output.value);
  if (!expression.ok) {
    return { name: output.name, value: '', resolved: false, error: expression.error.message };
  }
  const selected = selectSpans(trace, parsedSelector.value);
  const first = selected.length > 0 ? trace.spans[selected[0]!]! : undefined;
  const ctx: EvaluationContext = {
    ...context,
    selectedSpanCount: selected.length,
    ...(first ? { span: first } : {}),
  };
  let value = '';
  let evaluationError: string | undefined;
  try {
    value = formatValue(evaluateExpression(expression.expression, ctx));
  } catch (error) {
    evaluationError = (error as Error).message;
  }
  if (!first) {
    return {
      name: output.name,
      value,
      resolved: false,
      error: `cannot find matching spans for output "${output.name}"`,
    };
  }
  return {
    name: output.name,
    value,
    spanId: first.id,
    resolved: true,
    ...(evaluationError ? { error: evaluationError } : {}),
  };
}
