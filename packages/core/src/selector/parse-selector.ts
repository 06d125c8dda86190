import { RE2JS } from 're2js';
import { isTracecheckError, type TracecheckError } from '../errors';
import type {
  Combinator,
  ComplexSelector,
  Compound,
  ConditionCompound,
  ConditionPseudoClass,
  DurationLiteral,
  FilterOperator,
  NumberLiteral,
  PseudoClass,
  RelativeSelector,
  Selector,
  SelectorFilter,
  SelectorLiteral,
  SelectorStep,
  SelectorWarning,
  SourceRange,
} from './selector';
import { SelectorLexer, type Token } from './selector-lexer';
import { selectorSyntaxError } from './selector-syntax-error';

const WORD_OPERATORS = new Set(['contains', 'not-contains', 'startsWith', 'endsWith', 'matches']);
const SYMBOL_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const VALUE_EXPECTED = 'a value: a double-quoted string, a number, a duration such as 100ms, true or false';
const PSEUDO_CLASSES = ':first, :last, :nth_child(n), :has(...) or :not(...)';

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the selector';
    case 'string':
    case 'number':
    case 'duration':
      return token.text;
    default:
      return `"${token.text}"`;
  }
}

function isPunct(token: Token, text: string): boolean {
  return token.kind === 'punct' && token.text === text;
}

function isSpanKeyword(token: Token): boolean {
  return token.kind === 'ident' && token.text === 'span';
}

function endOf(token: Token): number {
  return token.offset + token.text.length;
}

/** Recursive descent over the Tracecheck selector grammar (SPEC §4.2). */
class SelectorParser {
  private readonly lexer: SelectorLexer;
  private readonly warnings: SelectorWarning[] = [];
  /** Where the previous token ended: the end of a construct just parsed. */
  private lastEnd = 0;

  constructor(private readonly source: string) {
    this.lexer = new SelectorLexer(source);
  }

  private next(): Token {
    const token = this.lexer.next();
    this.lastEnd = endOf(token);
    return token;
  }

  private fail(token: Token, problem: string): never {
    throw selectorSyntaxError(this.source, token.offset, Math.max(1, token.text.length), problem);
  }

  private expectPunct(text: string, context: string): Token {
    const token = this.lexer.peek();
    if (!isPunct(token, text)) this.fail(token, `expected "${text}" ${context}, found ${describe(token)}`);
    return this.next();
  }

  parse(): Selector {
    const complexes: ComplexSelector[] = [];
    const first = this.lexer.peek();
    if (first.kind !== 'eof') {
      if (isPunct(first, ',')) this.next();
      complexes.push(this.parseComplex(true));
      for (;;) {
        const token = this.lexer.peek();
        if (token.kind === 'eof') break;
        if (!isPunct(token, ',')) {
          this.fail(
            token,
            `expected a combinator (a space or ">"), a "," or the end of the selector, found ${describe(token)}`,
          );
        }
        this.next();
        complexes.push(this.parseComplex(true));
      }
    }
    return { source: this.source, complexes, warnings: this.warnings };
  }

  private parseComplex(allowPositional: true): ComplexSelector;
  private parseComplex(allowPositional: false): ComplexSelector<ConditionPseudoClass>;
  private parseComplex(allowPositional: boolean): ComplexSelector {
    const head = this.parseCompound(allowPositional);
    const tail: SelectorStep[] = [];
    for (;;) {
      const token = this.lexer.peek();
      let combinator: Combinator;
      if (isSpanKeyword(token)) combinator = 'descendant';
      else if (isPunct(token, '>')) {
        this.next();
        combinator = 'child';
      } else break;
      tail.push({ combinator, compound: this.parseCompound(allowPositional) });
    }
    return { head, tail };
  }

  private parseCompound(allowPositional: true): Compound;
  private parseCompound(allowPositional: false): ConditionCompound;
  private parseCompound(allowPositional: boolean): Compound;
  private parseCompound(allowPositional: boolean): Compound {
    const start = this.lexer.peek();
    if (!isSpanKeyword(start)) {
      const hint =
        start.kind === 'ident' && start.text.toLowerCase() === 'span' ? ' (keywords are lowercase)' : '';
      this.fail(start, `expected "span[" to start a span selector${hint}, found ${describe(start)}`);
    }
    this.next();
    this.expectPunct('[', 'after "span" (write span[] to match every span)');
    const filters: SelectorFilter[] = [];
    for (;;) {
      let token = this.lexer.peek();
      if (isPunct(token, ']')) break;
      if (isPunct(token, ',')) {
        this.next();
        token = this.lexer.peek();
        if (token.kind !== 'ident') {
          this.fail(token, `expected a filter after ",", found ${describe(token)} (remove the extra comma)`);
        }
      }
      if (token.kind !== 'ident') {
        this.fail(token, `expected a filter such as name="x" or "]", found ${describe(token)}`);
      }
      filters.push(this.parseFilter());
    }
    this.next();
    const pseudoClasses: PseudoClass[] = [];
    let hasPosition = false;
    while (isPunct(this.lexer.peek(), ':')) {
      const pseudo = this.parsePseudoClass(allowPositional);
      if (pseudo.name === 'first' || pseudo.name === 'last' || pseudo.name === 'nth_child') {
        if (hasPosition) {
          this.warnings.push({
            message: `several positional pseudo-classes on one span selector: only the last one written (:${pseudo.name}) is used`,
            range: pseudo.range,
          });
        }
        hasPosition = true;
      }
      pseudoClasses.push(pseudo);
    }
    return { filters, pseudoClasses, range: this.rangeFrom(start.offset) };
  }

  private rangeFrom(offset: number): SourceRange {
    return { offset, length: this.lastEnd - offset };
  }

  private parseProperty(): string {
    const first = this.lexer.peek();
    if (first.kind !== 'ident') {
      this.fail(first, `expected a property name such as name or http.status_code, found ${describe(first)}`);
    }
    this.next();
    let property = first.text;
    for (;;) {
      const token = this.lexer.peek();
      if (token.kind === 'number' && token.text.startsWith('.')) {
        this.fail(
          token,
          `a property segment cannot start with a digit (${token.text}); such attributes cannot be selected`,
        );
      }
      if (!isPunct(token, '.')) return property;
      this.next();
      const segment = this.lexer.peek();
      if (segment.kind !== 'ident') {
        this.fail(segment, `expected a property segment after ".", found ${describe(segment)}`);
      }
      this.next();
      property += `.${segment.text}`;
    }
  }

  private parseFilter(): SelectorFilter {
    const offset = this.lexer.peek().offset;
    const property = this.parseProperty();
    const opToken = this.lexer.peek();
    const isOperator =
      (opToken.kind === 'punct' && SYMBOL_OPERATORS.has(opToken.text)) ||
      (opToken.kind === 'ident' && WORD_OPERATORS.has(opToken.text));
    if (!isOperator) return { property, operator: 'exists', range: this.rangeFrom(offset) };
    this.next();
    const operator = opToken.text as FilterOperator;
    const valueToken = this.next();
    const value = this.literalOf(valueToken, operator);
    const range = this.rangeFrom(offset);
    switch (operator) {
      case 'matches': {
        if (value.type !== 'string') {
          this.fail(
            valueToken,
            `"matches" needs a double-quoted regular expression, found ${describe(valueToken)}`,
          );
        }
        return { property, operator, value, pattern: this.compilePattern(value.value, valueToken), range };
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (value.type !== 'number' && value.type !== 'duration') {
          this.fail(
            valueToken,
            `"${operator}" compares numbers or durations: expected a number such as 200 or a duration such as 100ms, found ${describe(valueToken)}`,
          );
        }
        return { property, operator, value, range };
      default:
        return { property, operator, value, range };
    }
  }

  private literalOf(token: Token, operator: string): SelectorLiteral {
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: token.value };
      case 'number':
        return { type: 'number', source: token.text, value: token.value } satisfies NumberLiteral;
      case 'duration':
        return { type: 'duration', source: token.text, valueNs: token.valueNs } satisfies DurationLiteral;
      case 'ident':
        if (token.text === 'true' || token.text === 'false')
          return { type: 'boolean', value: token.text === 'true' };
        return this.fail(
          token,
          `expected ${VALUE_EXPECTED} after "${operator}", found ${describe(token)} (put text in double quotes)`,
        );
      default:
        return this.fail(token, `expected ${VALUE_EXPECTED} after "${operator}", found ${describe(token)}`);
    }
  }

  private compilePattern(pattern: string, token: Token): RE2JS {
    try {
      return RE2JS.compile(pattern);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.fail(token, `invalid regular expression (RE2 syntax) ${token.text}: ${reason}`);
    }
  }

  private parsePseudoClass(allowPositional: boolean): PseudoClass {
    const colon = this.next();
    const nameToken = this.lexer.peek();
    if (nameToken.kind !== 'ident') {
      this.fail(
        nameToken,
        `expected a pseudo-class after ":" (${PSEUDO_CLASSES}), found ${describe(nameToken)}`,
      );
    }
    const name = nameToken.text;
    if ((name === 'first' || name === 'last' || name === 'nth_child') && !allowPositional) {
      this.fail(
        nameToken,
        `:${name} is not allowed inside :has() or :not(), which test one span at a time; move it out of the parentheses`,
      );
    }
    this.next();
    switch (name) {
      case 'first':
      case 'last':
        return { name, range: this.rangeFrom(colon.offset) };
      case 'nth_child': {
        this.expectPunct('(', 'after :nth_child, as in :nth_child(2)');
        const n = this.next();
        if (n.kind !== 'number' || !n.integer || n.value.units < 0n) {
          this.fail(n, `expected a whole number such as 2 in :nth_child(n), found ${describe(n)}`);
        }
        if (n.value.units > BigInt(Number.MAX_SAFE_INTEGER)) {
          this.fail(n, `:nth_child(${n.text}) is too large`);
        }
        this.expectPunct(')', 'to close :nth_child(');
        return { name, n: Number(n.value.units), range: this.rangeFrom(colon.offset) };
      }
      case 'has': {
        this.expectPunct('(', 'after :has, as in :has(span[name="x"])');
        const branches: RelativeSelector[] = [];
        for (;;) {
          let combinator: Combinator = 'descendant';
          if (isPunct(this.lexer.peek(), '>')) {
            this.next();
            combinator = 'child';
          }
          branches.push({ combinator, selector: this.parseComplex(false) });
          const token = this.lexer.peek();
          if (isPunct(token, ')')) break;
          if (!isPunct(token, ','))
            this.fail(token, `expected "," or ")" in :has(...), found ${describe(token)}`);
          this.next();
        }
        this.next();
        return { name, branches, range: this.rangeFrom(colon.offset) };
      }
      case 'not': {
        this.expectPunct('(', 'after :not, as in :not(span[name="x"])');
        const compounds: ConditionCompound[] = [];
        for (;;) {
          compounds.push(this.parseCompound(false));
          const token = this.lexer.peek();
          if (isPunct(token, ')')) break;
          if (isSpanKeyword(token) || isPunct(token, '>')) {
            this.fail(
              token,
              ':not(...) takes single span[...] selectors separated by ","; to test spans below, use :has(...)',
            );
          }
          if (!isPunct(token, ','))
            this.fail(token, `expected "," or ")" in :not(...), found ${describe(token)}`);
          this.next();
        }
        this.next();
        return { name, compounds, range: this.rangeFrom(colon.offset) };
      }
      default: {
        const hint =
          name === 'nth-child'
            ? ' (did you mean :nth_child(n)?)'
            : ['first', 'last', 'nth_child', 'has', 'not'].includes(name.toLowerCase())
              ? ' (pseudo-classes are lowercase)'
              : '';
        return this.fail(nameToken, `unknown pseudo-class :${name}${hint}; expected ${PSEUDO_CLASSES}`);
      }
    }
  }
}

/**
 * Parses a selector (SPEC §4.2, Tracecheck grammar). Throws a `SELECTOR_SYNTAX` `TracecheckError`
 * whose details carry `{ offset, line, column, length }`.
 * @example parseSelector('span[tracetest.span.type="http"] > span[name contains "stock"]:first')
 */
export function parseSelector(text: string): Selector {
  return new SelectorParser(text).parse();
}

export type SelectorParseResult =
  | { readonly ok: true; readonly selector: Selector }
  | { readonly ok: false; readonly error: TracecheckError };

/**
 * Like `parseSelector`, but returns the syntax error instead of throwing it.
 * @example tryParseSelector("span[name='x']") // { ok: false, error: … column 11 … }
 */
export function tryParseSelector(text: string): SelectorParseResult {
  try {
    return { ok: true, selector: parseSelector(text) };
  } catch (error) {
    if (isTracecheckError(error) && error.code === 'SELECTOR_SYNTAX') return { ok: false, error };
    throw error;
  }
}
