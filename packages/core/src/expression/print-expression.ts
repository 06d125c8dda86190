import type { ExpressionNode, StatementNode, TermNode } from './ast';

function printTerm(term: TermNode): string {
  switch (term.kind) {
    case 'number':
    case 'duration':
      return term.text;
    case 'boolean':
      return term.value ? 'true' : 'false';
    case 'string': {
      const content = term.parts
        .map((part) => (part.kind === 'text' ? part.text : `\${${printExpression(part.expression)}}`))
        .join('');
      // The lexer unescapes `\q` inside a q-quoted string, so escaping q gives the same value back.
      return `${term.quote}${content.replaceAll(term.quote, `\\${term.quote}`)}${term.quote}`;
    }
    case 'attribute':
      return `attr:${term.name}`;
    case 'variable':
      return `${term.prefix}:${term.name}`;
    case 'call':
      return `${term.name}(${term.args.map(printTerm).join(', ')})`;
    case 'array':
      return `[${term.items.map(printTerm).join(', ')}]`;
  }
}

/**
 * Prints an expression in canonical form: single spaces around operators and before filter arguments.
 * `parseExpression(printExpression(e))` equals `e`.
 * @example printExpression(parseExpression('attr:a+1|type')) // 'attr:a + 1 | type'
 */
export function printExpression(expression: ExpressionNode): string {
  let text = printTerm(expression.head);
  for (const { operator, term } of expression.operations) text += ` ${operator} ${printTerm(term)}`;
  for (const filter of expression.filters) {
    text += ` | ${filter.name}`;
    for (const arg of filter.args) text += ` ${printTerm(arg)}`;
  }
  return text;
}

/**
 * Prints an assertion in canonical form; `parseStatement(printStatement(s))` equals `s`.
 * @example printStatement(parseStatement('attr:x=1')) // 'attr:x = 1'
 */
export function printStatement(statement: StatementNode): string {
  return `${printExpression(statement.left)} ${statement.comparator} ${printExpression(statement.right)}`;
}
