/**
 * The expression and assertion language (SPEC §5): parse, print, evaluate expressions and assertions,
 * resolve `${…}` in trigger fields, and list referenced variables.
 */
export type {
  ArithmeticOperator,
  ExpressionComparator,
  ExpressionNode,
  FilterNode,
  OperationNode,
  StatementNode,
  StringPartNode,
  TermNode,
} from './ast';
export type { AssertionResult, SpanAssertionResult } from './evaluate-assertion';
export { evaluateAssertion } from './evaluate-assertion';
export type { EvaluationContext } from './evaluate-expression';
export { createVariableLookup, evaluateExpression } from './evaluate-expression';
export type { ExpressionFailureDetails, FailureReason } from './expression-failure';
export type { ExpressionSyntaxDetails } from './expression-syntax-error';
export type { ArrayValue, ExpressionValue, ExpressionValueType, SingleValue } from './expression-value';
export { formatValue } from './expression-value';
export { findVariableReferences } from './find-variable-references';
export type { ParseExpressionResult, ParseStatementResult } from './parse-expression';
export { parseExpression, parseStatement, tryParseExpression, tryParseStatement } from './parse-expression';
export { printExpression, printStatement } from './print-expression';
export { resolveTemplate } from './resolve-template';
