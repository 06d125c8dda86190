import { quoteGoString } from './go-literal';
import type {
  ComplexSelector,
  Compound,
  PseudoClass,
  RelativeSelector,
  Selector,
  SelectorFilter,
  SelectorLiteral,
} from './selector';

function printLiteral(literal: SelectorLiteral): string {
  switch (literal.type) {
    case 'string':
      return quoteGoString(literal.value);
    case 'number':
    case 'duration':
      return literal.source;
    case 'boolean':
      return String(literal.value);
  }
}

function printFilter(filter: SelectorFilter): string {
  switch (filter.operator) {
    case 'exists':
      return filter.property;
    case 'contains':
    case 'not-contains':
    case 'startsWith':
    case 'endsWith':
    case 'matches':
      return `${filter.property} ${filter.operator} ${printLiteral(filter.value)}`;
    default:
      return `${filter.property}${filter.operator}${printLiteral(filter.value)}`;
  }
}

function printRelative(branch: RelativeSelector): string {
  return `${branch.combinator === 'child' ? '> ' : ''}${printComplex(branch.selector)}`;
}

function printPseudoClass(pseudo: PseudoClass): string {
  switch (pseudo.name) {
    case 'first':
    case 'last':
      return `:${pseudo.name}`;
    case 'nth_child':
      return `:nth_child(${pseudo.n})`;
    case 'has':
      return `:has(${pseudo.branches.map(printRelative).join(', ')})`;
    case 'not':
      return `:not(${pseudo.compounds.map(printCompound).join(', ')})`;
  }
}

/** Properties that would be read as an operator after a bare property, so they need a comma before. */
const WORD_OPERATORS = new Set(['contains', 'not-contains', 'startsWith', 'endsWith', 'matches']);

function printCompound(compound: Compound): string {
  let filters = '';
  compound.filters.forEach((filter, i) => {
    if (i > 0) filters += WORD_OPERATORS.has(filter.property) ? ', ' : ' ';
    filters += printFilter(filter);
  });
  return `span[${filters}]${compound.pseudoClasses.map(printPseudoClass).join('')}`;
}

function printComplex(complex: ComplexSelector): string {
  let out = printCompound(complex.head);
  for (const step of complex.tail) {
    out += `${step.combinator === 'child' ? ' > ' : ' '}${printCompound(step.compound)}`;
  }
  return out;
}

/**
 * Writes a selector in canonical form: one space between compounds, ` > ` for the child combinator,
 * filters separated by spaces, strings re-quoted, numbers and durations as written.
 * `parseSelector(printSelector(s))` has the same meaning and the same tree as `s`.
 * @example printSelector(parseSelector('span[ name = "a" ]:first>span[]')) // 'span[name="a"]:first > span[]'
 */
export function printSelector(selector: Selector): string {
  return selector.complexes.map(printComplex).join(', ');
}
