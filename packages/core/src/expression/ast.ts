/**
 * Syntax tree of the expression and assertion language (SPEC §5.2). Nodes carry no source positions,
 * so `parse(print(tree))` can be compared with `tree` structurally.
 */

/** Comparators of an assertion; `startsWith`, `endsWith` and `matches` are Tracecheck extensions. */
const EXPRESSION_COMPARATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'not-contains',
  'startsWith',
  'endsWith',
  'matches',
] as const;
export type ExpressionComparator = (typeof EXPRESSION_COMPARATORS)[number];

export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** A piece of a string literal: literal text, or a `${…}` interpolation parsed as an expression. */
export type StringPartNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'interpolation'; readonly expression: ExpressionNode };

/** A term: the operand of arithmetic, a filter argument, an array item or a function argument. */
export type TermNode =
  /** `text` is the source text with its sign (`-1`, `02`, `1.0`). */
  | { readonly kind: 'number'; readonly text: string }
  /** `text` is the literal without the optional space before the unit (`-2ms`, `1.5s`). */
  | { readonly kind: 'duration'; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** `quote` is kept so that printing gives back the author's quote style. */
  | { readonly kind: 'string'; readonly quote: '"' | "'"; readonly parts: readonly StringPartNode[] }
  | { readonly kind: 'attribute'; readonly name: string }
  /** `var:` and `env:` are synonyms; the prefix is kept for printing. */
  | { readonly kind: 'variable'; readonly prefix: 'var' | 'env'; readonly name: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly TermNode[] }
  | { readonly kind: 'array'; readonly items: readonly TermNode[] };

export interface OperationNode {
  readonly operator: ArithmeticOperator;
  readonly term: TermNode;
}

export interface FilterNode {
  readonly name: string;
  readonly args: readonly TermNode[];
}

/** `term { operator term } { "|" filter args }`: arithmetic left to right, then filters. */
export interface ExpressionNode {
  readonly kind: 'expression';
  readonly head: TermNode;
  readonly operations: readonly OperationNode[];
  readonly filters: readonly FilterNode[];
}

/** An assertion: `expression comparator expression`. */
export interface StatementNode {
  readonly kind: 'statement';
  readonly left: ExpressionNode;
  readonly comparator: ExpressionComparator;
  readonly right: ExpressionNode;
}
