import type {
  ComplexSelector,
  Compound,
  PseudoClass,
  Selector,
  SelectorFilter,
  SelectorLiteral,
} from './selector';
import { positionOf } from './selector';

/** A filter as SPEC §9.5 shows it; a presence filter has operator `exists` and no value. */
export interface FilterStructure {
  readonly property: string;
  readonly operator: string;
  readonly value?: string;
}

/** A pseudo-class as SPEC §9.5 shows it: `argument` is n for :nth_child, the selectors for :has/:not. */
export type PseudoClassStructure =
  | { readonly name: 'first' | 'last' }
  | { readonly name: 'nth_child'; readonly argument: number }
  | { readonly name: 'has' | 'not'; readonly argument: readonly SpanSelectorStructure[] };

/**
 * One compound and what follows it (SPEC §9.5). `pseudoClass` is the positional pseudo-class in
 * effect (what Tracetest clients read); `pseudoClasses` lists every pseudo-class in source order;
 * `combinator` links this compound to `childSelector`. In a `:has()` argument, `leadingCombinator`
 * says how the branch's first compound relates to the span being tested (`child` for `> span[…]`).
 */
export interface SpanSelectorStructure {
  readonly filters: readonly FilterStructure[];
  readonly pseudoClass?:
    | { readonly name: 'first' | 'last' }
    | { readonly name: 'nth_child'; readonly argument: number };
  readonly pseudoClasses?: readonly PseudoClassStructure[];
  readonly leadingCombinator?: 'descendant' | 'child';
  readonly combinator?: 'descendant' | 'child';
  readonly childSelector?: SpanSelectorStructure;
}

/** The literal as text: a string's value, a number's or duration's source text (Q1 recommended). */
function literalText(literal: SelectorLiteral): string {
  switch (literal.type) {
    case 'string':
      return literal.value;
    case 'number':
    case 'duration':
      return literal.source;
    case 'boolean':
      return String(literal.value);
  }
}

function filterStructure(filter: SelectorFilter): FilterStructure {
  if (filter.operator === 'exists') return { property: filter.property, operator: 'exists' };
  return { property: filter.property, operator: filter.operator, value: literalText(filter.value) };
}

function pseudoClassStructure(pseudo: PseudoClass): PseudoClassStructure {
  switch (pseudo.name) {
    case 'first':
    case 'last':
      return { name: pseudo.name };
    case 'nth_child':
      return { name: pseudo.name, argument: pseudo.n };
    case 'has':
      return {
        name: 'has',
        argument: pseudo.branches.map((branch) => ({
          ...complexStructure(branch.selector),
          leadingCombinator: branch.combinator,
        })),
      };
    case 'not':
      return { name: 'not', argument: pseudo.compounds.map((compound) => compoundStructure(compound, null)) };
  }
}

function compoundStructure(
  compound: Compound,
  next: { combinator: 'descendant' | 'child'; selector: SpanSelectorStructure } | null,
): SpanSelectorStructure {
  const position = positionOf(compound);
  return {
    filters: compound.filters.map(filterStructure),
    ...(position
      ? {
          pseudoClass:
            position.name === 'nth_child'
              ? { name: position.name, argument: position.n }
              : { name: position.name },
        }
      : {}),
    ...(compound.pseudoClasses.length > 0
      ? { pseudoClasses: compound.pseudoClasses.map(pseudoClassStructure) }
      : {}),
    ...(next ? { combinator: next.combinator, childSelector: next.selector } : {}),
  };
}

function complexStructure(complex: ComplexSelector): SpanSelectorStructure {
  let next: { combinator: 'descendant' | 'child'; selector: SpanSelectorStructure } | null = null;
  for (let i = complex.tail.length - 1; i >= 0; i--) {
    const step = complex.tail[i]!;
    next = { combinator: step.combinator, selector: compoundStructure(step.compound, next) };
  }
  return compoundStructure(complex.head, next);
}

/** The `structure` of a whole selector: one chain per comma-separated part. */
export type SelectorStructure = readonly SpanSelectorStructure[];

/**
 * The `structure` of a selector in run results (SPEC §9.5): one entry per comma-separated part,
 * each a chain of compounds linked by `childSelector`. Empty fields are omitted.
 * @example selectorStructure(parseSelector('span[http.route]:first'))
 * // [{ filters: [{ property: 'http.route', operator: 'exists' }], pseudoClass: { name: 'first' },
 * //    pseudoClasses: [{ name: 'first' }] }]
 */
export function selectorStructure(selector: Selector): SelectorStructure {
  return selector.complexes.map(complexStructure);
}
