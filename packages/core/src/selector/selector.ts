/**
 * The syntax tree of a Tracecheck selector (SPEC §4.2): a superset of Tracetest's selector language.
 *
 * Positions are UTF-16 offsets into `Selector.source`. Everything else is plain data, so two parses
 * of texts with the same meaning compare equal once `range`, `pattern` and `source` are ignored.
 */
import type { RE2JS } from 're2js';
import type { ScaledDecimal } from '../values/decimal';

/** `descendant` is written as whitespace (or nothing) between compounds, `child` as `>`. */
export type Combinator = 'descendant' | 'child';

/** A span of source text: 0-based UTF-16 offset and length. */
export interface SourceRange {
  readonly offset: number;
  readonly length: number;
}

/** A double-quoted Go string literal, unescaped. */
export interface StringLiteral {
  readonly type: 'string';
  readonly value: string;
}

/** `12`, `-1.5`, `0x1F`, `1e3`: `source` is the text as written (sign included). */
export interface NumberLiteral {
  readonly type: 'number';
  readonly source: string;
  readonly value: ScaledDecimal;
}

/** `100ms`, `-1.5s`: `valueNs` is the exact value in nanoseconds (it may have decimals). */
export interface DurationLiteral {
  readonly type: 'duration';
  readonly source: string;
  readonly valueNs: ScaledDecimal;
}

export interface BooleanLiteral {
  readonly type: 'boolean';
  readonly value: boolean;
}

export type SelectorLiteral = StringLiteral | NumberLiteral | DurationLiteral | BooleanLiteral;

/** Operators that compare the value's text with the literal's text. */
export type TextOperator = 'contains' | 'not-contains' | 'startsWith' | 'endsWith';
/** Operators that order numbers or durations. */
export type OrderOperator = '<' | '<=' | '>' | '>=';
export type FilterOperator = '=' | '!=' | TextOperator | 'matches' | OrderOperator;

interface FilterBase {
  /** `name`, `kind` or an attribute key such as `http.request.header.x-request-id`. */
  readonly property: string;
  readonly range: SourceRange;
}

/**
 * One filter inside `span[...]`. A bare property is a presence test (`operator: 'exists'`); the
 * operator decides which literals are allowed, so `matches 12` or `< "x"` cannot be represented.
 */
export type SelectorFilter =
  | (FilterBase & { readonly operator: 'exists' })
  | (FilterBase & { readonly operator: '=' | '!=' | TextOperator; readonly value: SelectorLiteral })
  | (FilterBase & {
      readonly operator: 'matches';
      readonly value: StringLiteral;
      /** The compiled RE2 pattern, compiled once at parse time. */
      readonly pattern: RE2JS;
    })
  | (FilterBase & { readonly operator: OrderOperator; readonly value: NumberLiteral | DurationLiteral });

/** `:first`, `:last`, `:nth_child(n)`: pick one span of a segment's result list (SPEC §4.4). */
export type PositionalPseudoClass =
  | { readonly name: 'first'; readonly range: SourceRange }
  | { readonly name: 'last'; readonly range: SourceRange }
  | { readonly name: 'nth_child'; readonly n: number; readonly range: SourceRange };

/** `:has(R1, …)`: some Ri finds a span below the subject (`>` in front: among its children). */
export interface HasPseudoClass {
  readonly name: 'has';
  readonly branches: readonly RelativeSelector[];
  readonly range: SourceRange;
}

/** `:not(C1, …)`: the span matches none of the compounds. */
export interface NotPseudoClass {
  readonly name: 'not';
  readonly compounds: readonly ConditionCompound[];
  readonly range: SourceRange;
}

/** Pseudo-classes that are tests on one span; the only ones allowed inside `:has()` and `:not()`. */
export type ConditionPseudoClass = HasPseudoClass | NotPseudoClass;
export type PseudoClass = PositionalPseudoClass | ConditionPseudoClass;

/** `span[filters]` followed by pseudo-classes, kept in source order. */
export interface Compound<P extends PseudoClass = PseudoClass> {
  readonly filters: readonly SelectorFilter[];
  readonly pseudoClasses: readonly P[];
  readonly range: SourceRange;
}

/** A compound inside `:has()`/`:not()`: no positional pseudo-class. */
export type ConditionCompound = Compound<ConditionPseudoClass>;

/** A compound and the combinator that links it to the compound written before it. */
export interface SelectorStep<P extends PseudoClass = PseudoClass> {
  readonly combinator: Combinator;
  readonly compound: Compound<P>;
}

/** Compounds joined by combinators: `span[a] > span[b] span[c]`. */
export interface ComplexSelector<P extends PseudoClass = PseudoClass> {
  readonly head: Compound<P>;
  readonly tail: readonly SelectorStep<P>[];
}

/** One branch of `:has()`: `combinator` is `child` when the branch starts with `>`. */
export interface RelativeSelector {
  readonly combinator: Combinator;
  readonly selector: ComplexSelector<ConditionPseudoClass>;
}

/** Something the parser accepted but the author probably did not mean. */
export interface SelectorWarning {
  readonly message: string;
  readonly range: SourceRange;
}

/**
 * A parsed selector: a comma-separated union of complex selectors. No complex selector at all (the
 * empty text) selects every span.
 */
export interface Selector {
  readonly source: string;
  readonly complexes: readonly ComplexSelector[];
  readonly warnings: readonly SelectorWarning[];
}

/** The positional pseudo-class in effect on a compound: the last one written (SPEC §4.2). */
export function positionOf(compound: Compound): PositionalPseudoClass | null {
  let position: PositionalPseudoClass | null = null;
  for (const pseudo of compound.pseudoClasses) {
    if (pseudo.name === 'first' || pseudo.name === 'last' || pseudo.name === 'nth_child') position = pseudo;
  }
  return position;
}

/** The compounds of a complex selector, in order. */
export function compoundsOf<P extends PseudoClass>(complex: ComplexSelector<P>): Compound<P>[] {
  return [complex.head, ...complex.tail.map((step) => step.compound)];
}
