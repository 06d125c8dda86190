import type { SpanId, TraceSpan } from '../trace/model';
import type { StatementNode } from './ast';
import { compareValues } from './compare-values';
import { type EvaluationContext, evaluateExpression } from './evaluate-expression';
import { formatValue } from './expression-value';
import { tryParseStatement } from './parse-expression';
import { printStatement } from './print-expression';

/** The outcome of an assertion on one span, or on no span when the selector matched nothing. */
export interface SpanAssertionResult {
  /** `null` when the selection was empty. */
  readonly spanId: SpanId | null;
  /** String form of the left side (durations with a unit); `""` when a side could not be evaluated. */
  readonly observedValue: string;
  readonly passed: boolean;
  /** `no match` for a plain mismatch; otherwise why the assertion could not be decided. */
  readonly error?: string;
}

/** An assertion over a selection: one result per selected span (SPEC §5.10). */
export interface AssertionResult {
  readonly assertion: string;
  /** True when every span result passed. */
  readonly allPassed: boolean;
  readonly spanResults: readonly SpanAssertionResult[];
}

function evaluateOnce(
  statement: StatementNode,
  spanId: SpanId | null,
  context: EvaluationContext,
): SpanAssertionResult {
  let left: ReturnType<typeof evaluateExpression>;
  let right: ReturnType<typeof evaluateExpression>;
  try {
    left = evaluateExpression(statement.left, context);
    right = evaluateExpression(statement.right, context);
  } catch (error) {
    return { spanId, observedValue: '', passed: false, error: (error as Error).message };
  }
  try {
    const outcome = compareValues(statement.comparator, left, right);
    return {
      spanId,
      observedValue: outcome.observedLeft,
      passed: outcome.passed,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    };
  } catch (error) {
    // A failure in the comparator (an invalid `matches` pattern) still shows the left value.
    return { spanId, observedValue: formatValue(left), passed: false, error: (error as Error).message };
  }
}

/**
 * Evaluates an assertion once per selected span, in selection order, with `attr:` bound to that span
 * (SPEC §5.10). With no span it is evaluated once with no span bound (`attr:` other than
 * `tracetest.selected_spans.count` then fails). Failures of any kind are results, never exceptions.
 * @example evaluateAssertion('attr:tracetest.selected_spans.count = 0', [], ctx).allPassed // true
 */
export function evaluateAssertion(
  statement: StatementNode | string,
  spans: readonly TraceSpan[],
  context: EvaluationContext,
): AssertionResult {
  const spanIds: (SpanId | null)[] = spans.length === 0 ? [null] : spans.map((s) => s.id);
  let node: StatementNode;
  if (typeof statement === 'string') {
    const parsed = tryParseStatement(statement);
    if (!parsed.ok) {
      const spanResults = spanIds.map((spanId) => ({
        spanId,
        observedValue: '',
        passed: false,
        error: parsed.error.message,
      }));
      return { assertion: statement, allPassed: false, spanResults };
    }
    node = parsed.statement;
  } else {
    node = statement;
  }
  const selectedSpanCount = spans.length;
  const spanResults =
    spans.length === 0
      ? [evaluateOnce(node, null, { ...context, span: undefined, selectedSpanCount })]
      : spans.map((span) => evaluateOnce(node, span.id, { ...context, span, selectedSpanCount }));
  return {
    assertion: typeof statement === 'string' ? statement : printStatement(statement),
    allPassed: spanResults.every((r) => r.passed),
    spanResults,
  };
}
