import type { TraceSpan } from '../trace/model';
import { parseDurationNs } from '../values/index';
import { applyArithmetic } from './apply-arithmetic';
import { applyFilter } from './apply-filter';
import type { ExpressionNode, StringPartNode, TermNode } from './ast';
import { callFunction, type FunctionEnvironment } from './call-function';
import { createResolutionFailure } from './expression-failure';
import {
  createArrayValue,
  createSingleValue,
  type ExpressionValue,
  formatValue,
  type SingleValue,
  unescapeQuotes,
  valueFromText,
} from './expression-value';
import { parseExpression } from './parse-expression';

/**
 * Everything an expression can read. Randomness, the clock and the time zone are passed in, so that
 * tests and the UI get the same results as the server.
 */
export interface EvaluationContext {
  /** Value of `var:NAME` / `env:NAME`; `undefined` when not defined (an empty value is `""`, Q5 rec.). */
  readonly variables: (name: string) => string | undefined;
  /** The span `attr:` reads. Without one, `attr:` fails with "there are no matching spans…". */
  readonly span?: TraceSpan;
  /** Number of spans the selector matched: `attr:tracetest.selected_spans.count`. */
  readonly selectedSpanCount?: number;
  /** Uniform in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** Current time in Unix milliseconds; default `Date.now`. */
  readonly nowMs?: () => number;
  /** IANA zone of `date()` and `dateTime()`; default the zone of the runtime (server, agent, browser). */
  readonly timeZone?: string;
}

/**
 * Variable lookup over a plain record or a map, for `EvaluationContext.variables`.
 * @example createVariableLookup({ NAME: 'ana' })('NAME') // 'ana'
 */
export function createVariableLookup(
  variables: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): (name: string) => string | undefined {
  if (variables instanceof Map) return (name) => variables.get(name);
  const record = variables as Readonly<Record<string, string>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

const SELECTED_SPANS_PREFIX = 'tracetest.selected_spans.';
const SELECTED_SPANS_COUNT = 'tracetest.selected_spans.count';

interface Evaluator {
  readonly context: EvaluationContext;
  readonly functions: FunctionEnvironment;
}

function resolveAttribute(name: string, context: EvaluationContext): SingleValue {
  if (name.startsWith(SELECTED_SPANS_PREFIX)) {
    if (name !== SELECTED_SPANS_COUNT) {
      throw createResolutionFailure(
        `unknown meta attribute "${name}": the only one is ${SELECTED_SPANS_COUNT}`,
      );
    }
    if (context.selectedSpanCount === undefined) {
      throw createResolutionFailure(
        `the meta attribute "${name}" is only available in assertions and outputs`,
      );
    }
    return createSingleValue('number', context.selectedSpanCount.toString());
  }
  const span = context.span;
  if (!span)
    throw createResolutionFailure(`there are no matching spans to retrieve the attribute "${name}" from`);
  let value = span.attributes.get(name);
  // `attr:name` is the span name unless the span has a non-empty `name` attribute.
  if (name === 'name' && (value === undefined || value === '')) value = span.name;
  if (value === undefined) throw createResolutionFailure(`attribute "${name}" not found`);
  return valueFromText(value);
}

function resolveVariable(name: string, context: EvaluationContext): SingleValue {
  const value = context.variables(name);
  if (value === undefined) throw createResolutionFailure(`variable "${name}" not found`, name);
  return valueFromText(value);
}

function evaluateString(parts: readonly StringPartNode[], evaluator: Evaluator): SingleValue {
  let text = '';
  for (const part of parts) {
    text += part.kind === 'text' ? part.text : formatValue(evaluateNode(part.expression, evaluator));
  }
  return valueFromText(text);
}

/** An array item is a single value; a nested array literal becomes a single array-typed text. */
function asItem(value: ExpressionValue): SingleValue {
  return value.kind === 'single' ? value : createSingleValue('array', formatValue(value));
}

function evaluateTerm(term: TermNode, evaluator: Evaluator): ExpressionValue {
  switch (term.kind) {
    case 'number':
      return createSingleValue('number', term.text);
    case 'duration':
      return createSingleValue('duration', parseDurationNs(term.text)!.toString());
    case 'boolean':
      return createSingleValue('string', term.value ? 'true' : 'false');
    case 'string':
      return evaluateString(term.parts, evaluator);
    case 'attribute':
      return resolveAttribute(term.name, evaluator.context);
    case 'variable':
      return resolveVariable(term.name, evaluator.context);
    case 'call':
      return callFunction(
        term.name,
        term.args.map((arg) => evaluateTerm(arg, evaluator)),
        evaluator.functions,
      );
    case 'array':
      return createArrayValue(term.items.map((item) => asItem(evaluateTerm(item, evaluator))));
  }
}

function evaluateNode(expression: ExpressionNode, evaluator: Evaluator): ExpressionValue {
  let value = evaluateTerm(expression.head, evaluator);
  for (const { operator, term } of expression.operations) {
    value = applyArithmetic(operator, value, evaluateTerm(term, evaluator));
  }
  for (const filter of expression.filters) {
    const args = filter.args.map((arg) => unescapeQuotes(formatValue(evaluateTerm(arg, evaluator))));
    value = applyFilter(filter.name, value, args);
  }
  return value;
}

function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function createEvaluator(context: EvaluationContext): Evaluator {
  return {
    context,
    functions: {
      random: context.random ?? Math.random,
      nowMs: context.nowMs ?? Date.now,
      // Looked up only when a date function runs: asking Intl costs more than a whole assertion.
      get timeZone() {
        return context.timeZone ?? localTimeZone();
      },
    },
  };
}

/**
 * Evaluates an expression (SPEC §5): references, literals, functions, arithmetic, then filters.
 * @throws TracecheckError `EXPRESSION_SYNTAX` when given text that does not parse; a resolution failure
 *   (`resolution error: …`, code `VARIABLES_MISSING` for an undefined variable) or an evaluation failure
 *   (`types mismatch`, `division by zero`, …, code `DEFINITION_INVALID`).
 * @example formatValue(evaluateExpression('var:N + 1', { variables: createVariableLookup({ N: '41' }) })) // '42'
 */
export function evaluateExpression(
  expression: ExpressionNode | string,
  context: EvaluationContext,
): ExpressionValue {
  const node = typeof expression === 'string' ? parseExpression(expression) : expression;
  return evaluateNode(node, createEvaluator(context));
}
