import { isTracecheckError, type TracecheckError } from '../errors';
import type {
  ArithmeticOperator,
  ExpressionComparator,
  ExpressionNode,
  FilterNode,
  OperationNode,
  StatementNode,
  StringPartNode,
  TermNode,
} from './ast';
import { createExpressionSyntaxError, type SourceKind, syntaxDetailsOf } from './expression-syntax-error';
import { scanInterpolations } from './scan-interpolations';
import {
  sourceOffsetInStringToken,
  type Token,
  tokenizeExpression,
  unquoteStringToken,
} from './tokenize-expression';

const VALUE_KINDS =
  'a value (number, duration, "string", attr:name, var:NAME, env:NAME, true, false, function() or [array])';
const COMPARATOR_LIST = '=, !=, <, <=, >, >=, contains, not-contains, startsWith, endsWith or matches';

function describeToken(token: Token | undefined): string {
  return token ? `"${token.text}"` : 'the end of the input';
}

class Parser {
  private position = 0;

  constructor(
    private readonly source: string,
    private readonly kind: SourceKind,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.position + ahead];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    if (token) this.position++;
    return token;
  }

  private isPunctuation(token: Token | undefined, text: string): boolean {
    return token?.kind === 'punctuation' && token.text === text;
  }

  private fail(token: Token | undefined, problem: string): TracecheckError {
    const offset = token ? token.offset : this.source.length;
    return createExpressionSyntaxError(
      this.kind,
      this.source,
      offset,
      token ? token.text.length : 0,
      problem,
    );
  }

  parseStatement(): StatementNode {
    const left = this.parseExpression();
    const comparator = this.next();
    if (comparator?.kind !== 'comparator') {
      throw this.fail(
        comparator,
        `found ${describeToken(comparator)} where a comparator (${COMPARATOR_LIST}) was expected${this.hintAfterExpression(comparator)}`,
      );
    }
    const right = this.parseExpression();
    const rest = this.peek();
    if (rest) {
      throw this.fail(
        rest,
        rest.kind === 'comparator'
          ? `found a second comparator "${rest.text}": an assertion compares exactly two sides (write one assertion per comparison)`
          : `found ${describeToken(rest)} after the right side of the assertion${this.hintAfterExpression(rest)}`,
      );
    }
    return { kind: 'statement', left, comparator: comparator.text as ExpressionComparator, right };
  }

  parseWholeExpression(): ExpressionNode {
    const expression = this.parseExpression();
    const rest = this.peek();
    if (rest) {
      throw this.fail(
        rest,
        rest.kind === 'comparator'
          ? `found the comparator "${rest.text}", but this is an expression (a value), not an assertion: remove the comparator and its right side`
          : `found ${describeToken(rest)} after the end of the expression${this.hintAfterExpression(rest)}`,
      );
    }
    return expression;
  }

  /** Explains the usual causes of an unexpected token after a complete expression. */
  private hintAfterExpression(token: Token | undefined): string {
    if (!token) {
      return this.kind === 'assertion'
        ? ': an assertion compares two sides, e.g. attr:http.status_code = 200'
        : '';
    }
    const previous = this.tokens[this.tokens.indexOf(token) - 1];
    if (token.kind === 'ident' && previous?.kind === 'number' && /^[eE]\d*$/.test(token.text)) {
      return ': exponents are not supported, write the number in full (1e3 is 1000)';
    }
    if (token.kind === 'ident' && previous?.kind === 'number') {
      return `: "${token.text}" is not a duration unit (use ns, us, ms, s, m or h, e.g. 5m)`;
    }
    if (token.kind === 'ident' && previous?.kind === 'duration') {
      return ': a duration unit is one of ns, us, ms, s, m or h, written right after the number (5m)';
    }
    if (token.kind === 'operator') {
      return ': arithmetic (+ - * /) must come before the filters of a side';
    }
    return '';
  }

  private parseExpression(): ExpressionNode {
    const head = this.parseTerm(true);
    const operations: OperationNode[] = [];
    while (this.peek()?.kind === 'operator') {
      const operator = this.next()!.text as ArithmeticOperator;
      operations.push({ operator, term: this.parseTerm(true) });
    }
    const filters: FilterNode[] = [];
    while (this.isPunctuation(this.peek(), '|')) {
      this.next();
      const name = this.next();
      if (name?.kind !== 'ident') {
        throw this.fail(
          name,
          `found ${describeToken(name)} where a filter name (json_path, regex, regex_group, get_index, length, type) was expected after "|"`,
        );
      }
      const args: TermNode[] = [];
      while (this.startsTerm(this.peek(), args.length === 0)) args.push(this.parseTerm(args.length === 0));
      filters.push({ name: name.text, args });
    }
    return { kind: 'expression', head, operations, filters };
  }

  private startsTerm(token: Token | undefined, unaryAllowed: boolean): boolean {
    if (!token) return false;
    switch (token.kind) {
      case 'number':
      case 'duration':
      case 'string':
      case 'attribute':
      case 'environment':
      case 'variable':
      case 'ident':
        return true;
      case 'punctuation':
        return token.text === '[';
      case 'operator':
        return unaryAllowed && token.text === '-' && this.isNegativeLiteral(token, this.peek(1));
      default:
        return false;
    }
  }

  private isNegativeLiteral(minus: Token, next: Token | undefined): boolean {
    return (next?.kind === 'number' || next?.kind === 'duration') && next.offset === minus.offset + 1;
  }

  private parseTerm(unaryAllowed: boolean): TermNode {
    const token = this.next();
    if (!token) throw this.fail(token, `the input ends where ${VALUE_KINDS} was expected`);
    switch (token.kind) {
      case 'number':
        return { kind: 'number', text: token.text };
      case 'duration':
        return { kind: 'duration', text: token.text.replace(' ', '') };
      case 'string':
        return this.parseString(token);
      case 'attribute':
        return { kind: 'attribute', name: token.text.slice('attr:'.length) };
      case 'environment':
        return { kind: 'variable', prefix: 'env', name: token.text.slice('env:'.length) };
      case 'variable':
        return { kind: 'variable', prefix: 'var', name: token.text.slice('var:'.length) };
      case 'ident':
        return this.parseIdent(token);
      case 'punctuation':
        if (token.text === '[') {
          return { kind: 'array', items: this.parseList(token, ']', 'array') };
        }
        break;
      case 'operator':
        if (token.text === '-' && unaryAllowed) return this.parseNegative(token);
        if (token.text === '+') {
          throw this.fail(
            token,
            'found "+" where a value was expected: a leading + is not supported, write 1, not +1',
          );
        }
        break;
      case 'comparator': {
        const previous = this.tokens[this.position - 2];
        if (previous?.kind === 'comparator' && previous.offset + previous.text.length === token.offset) {
          const written = previous.text + token.text;
          if (written === '==') throw this.fail(token, 'found "==": compare with a single "=" (attr:x = 1)');
          if (written === '=<' || written === '=>') {
            throw this.fail(token, `found "${written}": this comparator is written ${token.text}=`);
          }
        }
        break;
      }
    }
    throw this.fail(token, `found ${describeToken(token)} where ${VALUE_KINDS} was expected`);
  }

  private parseNegative(minus: Token): TermNode {
    const operand = this.peek();
    if (operand && (operand.kind === 'number' || operand.kind === 'duration')) {
      if (operand.offset !== minus.offset + 1) {
        throw this.fail(
          minus,
          'found "-" followed by a space: write the minus sign right before the number (-1)',
        );
      }
      this.next();
      const text = operand.kind === 'duration' ? operand.text.replace(' ', '') : operand.text;
      return { kind: operand.kind, text: `-${text}` };
    }
    throw this.fail(
      minus,
      'found "-" where a value was expected: a unary minus applies only to number and duration literals (-1, -2ms); subtract from zero instead (0 - attr:x)',
    );
  }

  private parseIdent(token: Token): TermNode {
    if (this.isPunctuation(this.peek(), '(')) {
      const open = this.next()!;
      return {
        kind: 'call',
        name: token.text,
        args: this.parseList(open, ')', `the arguments of ${token.text}(`),
      };
    }
    if (token.text === 'true' || token.text === 'false')
      return { kind: 'boolean', value: token.text === 'true' };
    throw this.fail(
      token,
      `found the word "${token.text}" where ${VALUE_KINDS} was expected: quote text ('${token.text}'), call a function (${token.text}()) or reference an attribute (attr:${token.text})`,
    );
  }

  /** Items of `[…]` or `(…)`: terms separated by commas. */
  private parseList(open: Token, close: ']' | ')', what: string): TermNode[] {
    const items: TermNode[] = [];
    if (this.isPunctuation(this.peek(), close)) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.parseTerm(true));
      const separator = this.next();
      if (this.isPunctuation(separator, close)) return items;
      if (!this.isPunctuation(separator, ',')) {
        throw this.fail(
          separator,
          `found ${describeToken(separator)} in ${what} opened at column ${open.offset + 1}: expected "," or "${close}" (items are single values: no arithmetic or filters inside)`,
        );
      }
    }
  }

  private parseString(token: Token): TermNode {
    const quote = token.text[0] as '"' | "'";
    const content = unquoteStringToken(token.text);
    const parts: StringPartNode[] = [];
    for (const piece of scanInterpolations(content)) {
      if (piece.kind === 'text') {
        parts.push({ kind: 'text', text: piece.text });
        continue;
      }
      try {
        parts.push({ kind: 'interpolation', expression: parseExpressionText(piece.source, 'expression') });
      } catch (error) {
        if (!isTracecheckError(error) || error.code !== 'EXPRESSION_SYNTAX') throw error;
        const inner = syntaxDetailsOf(error);
        const offset = token.offset + sourceOffsetInStringToken(token.text, piece.offset + inner.offset);
        throw createExpressionSyntaxError(
          this.kind,
          this.source,
          offset,
          inner.length,
          `in the interpolation \${${piece.source}}: ${inner.problem}`,
        );
      }
    }
    return { kind: 'string', quote, parts };
  }
}

function tokensOf(text: string, kind: SourceKind): readonly Token[] {
  const { tokens, error } = tokenizeExpression(text, kind);
  if (error) throw error;
  return tokens;
}

function parseExpressionText(text: string, kind: SourceKind): ExpressionNode {
  return new Parser(text, kind, tokensOf(text, kind)).parseWholeExpression();
}

/**
 * Parses an assertion `expression comparator expression` (SPEC §5.2).
 * @throws TracecheckError `EXPRESSION_SYNTAX` with the position in `details`.
 * @example parseStatement('attr:http.status_code = 200').comparator // '='
 */
export function parseStatement(text: string): StatementNode {
  return new Parser(text, 'assertion', tokensOf(text, 'assertion')).parseStatement();
}

/**
 * Parses a single expression, as outputs and `${…}` bodies hold (SPEC §5.2).
 * @throws TracecheckError `EXPRESSION_SYNTAX` with the position in `details`.
 * @example parseExpression("attr:tracetest.response.body | json_path '$.id'").filters[0]?.name // 'json_path'
 */
export function parseExpression(text: string): ExpressionNode {
  return parseExpressionText(text, 'expression');
}

/** Parses an interpolation body of a template field, reporting errors against the whole field. */
export function parseTemplateInterpolation(template: string, source: string, offset: number): ExpressionNode {
  try {
    return parseExpressionText(source, 'expression');
  } catch (error) {
    if (!isTracecheckError(error) || error.code !== 'EXPRESSION_SYNTAX') throw error;
    const inner = syntaxDetailsOf(error);
    throw createExpressionSyntaxError(
      'template',
      template,
      offset + inner.offset,
      inner.length,
      `in the interpolation \${${source}}: ${inner.problem}`,
    );
  }
}

export type ParseStatementResult =
  | { readonly ok: true; readonly statement: StatementNode }
  | { readonly ok: false; readonly error: TracecheckError };

export type ParseExpressionResult =
  | { readonly ok: true; readonly expression: ExpressionNode }
  | { readonly ok: false; readonly error: TracecheckError };

function catchSyntaxError(error: unknown): TracecheckError {
  if (isTracecheckError(error) && error.code === 'EXPRESSION_SYNTAX') return error;
  throw error;
}

/** `parseStatement` that returns the syntax error instead of throwing it. */
export function tryParseStatement(text: string): ParseStatementResult {
  try {
    return { ok: true, statement: parseStatement(text) };
  } catch (error) {
    return { ok: false, error: catchSyntaxError(error) };
  }
}

/** `parseExpression` that returns the syntax error instead of throwing it. */
export function tryParseExpression(text: string): ParseExpressionResult {
  try {
    return { ok: true, expression: parseExpression(text) };
  } catch (error) {
    return { ok: false, error: catchSyntaxError(error) };
  }
}
