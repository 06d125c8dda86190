import { isTracecheckError, TracecheckError } from '../errors';
import type { ExpressionNode, TermNode } from './ast';
import { type EvaluationContext, evaluateExpression } from './evaluate-expression';
import { createExpressionSyntaxError } from './expression-syntax-error';
import { formatValue } from './expression-value';
import { parseTemplateInterpolation } from './parse-expression';
import { scanInterpolations } from './scan-interpolations';

function termUsesAttributes(term: TermNode): boolean {
  switch (term.kind) {
    case 'attribute':
      return true;
    case 'string':
      return term.parts.some((p) => p.kind === 'interpolation' && expressionUsesAttributes(p.expression));
    case 'call':
      return term.args.some(termUsesAttributes);
    case 'array':
      return term.items.some(termUsesAttributes);
    default:
      return false;
  }
}

function expressionUsesAttributes(expression: ExpressionNode): boolean {
  return (
    termUsesAttributes(expression.head) ||
    expression.operations.some((o) => termUsesAttributes(o.term)) ||
    expression.filters.some((f) => f.args.some(termUsesAttributes))
  );
}

/**
 * Resolves the `${…}` interpolations of a trigger field (SPEC §2.2, recommended behaviour): each is
 * replaced by the string form of its expression, and the rest of the text is kept exactly as written:
 * no quoting, no unescaping, `%` stays literal (Q10, Q11). Interpolations are found with a
 * brace-balanced, quote-aware scanner, so `${date('YYYY')}` works in any field (Q24).
 * @throws TracecheckError `EXPRESSION_SYNTAX` for an interpolation that does not parse or uses `attr:`
 *   (there is no span yet); the evaluation failure (e.g. `VARIABLES_MISSING`) with the field quoted.
 * @example resolveTemplate('http://${var:HOST}/orders', ctx) // 'http://shop.local/orders'
 */
export function resolveTemplate(text: string, context: EvaluationContext): string {
  let out = '';
  for (const piece of scanInterpolations(text)) {
    if (piece.kind === 'text') {
      out += piece.text;
      continue;
    }
    const expression = parseTemplateInterpolation(text, piece.source, piece.offset);
    if (expressionUsesAttributes(expression)) {
      throw createExpressionSyntaxError(
        'template',
        text,
        piece.offset,
        piece.source.length,
        `the interpolation \${${piece.source}} reads a span attribute, but a trigger runs before there is any span: use var:NAME or a function`,
      );
    }
    try {
      out += formatValue(evaluateExpression(expression, { ...context, span: undefined }));
    } catch (error) {
      if (!isTracecheckError(error)) throw error;
      throw new TracecheckError(
        error.code,
        `cannot resolve \${${piece.source}} in "${text}": ${error.message}`,
        error.details,
        { cause: error },
      );
    }
  }
  return out;
}
