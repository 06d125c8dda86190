export { parseSelector, type SelectorParseResult, tryParseSelector } from './parse-selector';
export { printSelector } from './print-selector';
export { selectSpans } from './select-spans';
export type {
  BooleanLiteral,
  Combinator,
  ComplexSelector,
  Compound,
  ConditionCompound,
  ConditionPseudoClass,
  DurationLiteral,
  FilterOperator,
  HasPseudoClass,
  NotPseudoClass,
  NumberLiteral,
  OrderOperator,
  PositionalPseudoClass,
  PseudoClass,
  RelativeSelector,
  Selector,
  SelectorFilter,
  SelectorLiteral,
  SelectorStep,
  SelectorWarning,
  SourceRange,
  StringLiteral,
  TextOperator,
} from './selector';
export {
  type FilterStructure,
  type PseudoClassStructure,
  type SelectorStructure,
  type SpanSelectorStructure,
  selectorStructure,
} from './selector-structure';
export type { SelectorErrorDetails } from './selector-syntax-error';
