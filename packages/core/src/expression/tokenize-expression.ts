import type { TracecheckError } from '../errors';
import { createExpressionSyntaxError, type SourceKind } from './expression-syntax-error';

export type TokenKind =
  | 'punctuation'
  | 'comparator'
  | 'operator'
  | 'duration'
  | 'number'
  | 'attribute'
  | 'environment'
  | 'variable'
  | 'string'
  | 'ident';

export interface Token {
  readonly kind: TokenKind;
  /** The token's source text (strings with their quotes). */
  readonly text: string;
  readonly offset: number;
}

/** Tokens up to the first lexical error, and that error if there was one. */
export interface TokenizeResult {
  readonly tokens: readonly Token[];
  readonly error?: TracecheckError;
}

// Lexer rule 3, Tracecheck's version: longer comparators before their prefixes.
const COMPARATORS = [
  '!=',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  'not-contains',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
] as const;
const DURATION_UNITS = ['ns', 'us', 'ms', 's', 'm', 'h'] as const;
const REFERENCE_PREFIXES = [
  ['attr:', 'attribute'],
  ['env:', 'environment'],
  ['var:', 'variable'],
] as const;

// Go's `\s` in RE2: no vertical tab, no Unicode spaces.
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
function isWordChar(c: string | undefined): boolean {
  return isLetter(c) || isDigit(c) || c === '_';
}

/** End of `[0-9]+(\.[0-9]+)?` at `start`, or -1. */
function scanNumber(text: string, start: number): number {
  let i = start;
  while (isDigit(text[i])) i++;
  if (i === start) return -1;
  if (text[i] === '.' && isDigit(text[i + 1])) {
    i++;
    while (isDigit(text[i])) i++;
  }
  return i;
}

function unitAt(text: string, at: number): string | undefined {
  return DURATION_UNITS.find((u) => text.startsWith(u, at));
}

/**
 * End of a Duration token at `start`, or -1: a number, then a unit glued to it, or one space and a
 * unit that is not followed by a letter, digit or `_` (SPEC §5.1, Tracecheck's rule 5).
 */
function scanDuration(text: string, start: number): number {
  const numberEnd = scanNumber(text, start);
  if (numberEnd < 0) return -1;
  const glued = unitAt(text, numberEnd);
  if (glued) return numberEnd + glued.length;
  if (text[numberEnd] !== ' ') return -1;
  const spaced = unitAt(text, numberEnd + 1);
  if (!spaced) return -1;
  const end = numberEnd + 1 + spaced.length;
  return isWordChar(text[end]) ? -1 : end;
}

function scanName(text: string, start: number, allowDash: boolean): number {
  const first = text[start];
  if (!isWordChar(first)) return -1;
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (isWordChar(c) || c === '.' || (allowDash && c === '-')) i++;
    else break;
  }
  return i;
}

/**
 * End of a quoted string at `start` with Tracetest's rule `"(\\"|[^"])*"`: an escaped quote continues
 * the string; when no closing quote follows, the regex backtracks and the last escaped quote closes it.
 * Returns -1 when the string is not closed at all.
 */
function scanQuotedString(text: string, start: number): number {
  const quote = text[start];
  let lastEscape = -1;
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === quote) {
      lastEscape = i;
      i += 2;
    } else if (c === quote) {
      return i + 1;
    } else {
      i++;
    }
  }
  return lastEscape < 0 ? -1 : lastEscape + 2;
}

function describeUnexpected(text: string, at: number, tokens: readonly Token[]): string {
  const c = text[at]!;
  const previous = tokens[tokens.length - 1];
  if (c === '$' && text[at + 1] === '{') {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: quotes the language's own ${…} syntax.
    return 'found "${", but an interpolation ${…} is only valid inside a quoted string: write attr:x, or "${attr:x}" to build a text';
  }
  if (c === '"' || c === "'") {
    return `found an unterminated string: add the closing ${c}`;
  }
  if (c === ':' && previous?.kind === 'ident' && ['attr', 'var', 'env'].includes(previous.text)) {
    return `found "${previous.text}:" followed by "${text.slice(at + 1, at + 2)}": write the name right after the colon, with no space (${previous.text}:name)`;
  }
  if (c === '.' && previous?.kind === 'ident' && previous.offset + previous.text.length === at) {
    return `found "${previous.text}.", but an attribute needs the attr: prefix (attr:${previous.text}.…)`;
  }
  if (c === '.' && previous?.kind === 'number') {
    return 'found "." after a number: write decimals with digits on both sides of the point (1.5)';
  }
  return `found the unexpected character "${c}": expected a value, an operator (+ - * /), a comparator, "|" or a punctuation mark`;
}

/**
 * Splits an expression or assertion into tokens with Tracecheck's lexer (SPEC §5.1): the first rule
 * that matches at the current position wins. Stops at the first character no rule accepts.
 */
export function tokenizeExpression(text: string, kind: SourceKind): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  const push = (tokenKind: TokenKind, end: number) => {
    tokens.push({ kind: tokenKind, text: text.slice(i, end), offset: i });
    i = end;
  };
  scan: while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if ('(),|[]'.includes(c)) {
      push('punctuation', i + 1);
      continue;
    }
    for (const comparator of COMPARATORS) {
      if (text.startsWith(comparator, i)) {
        push('comparator', i + comparator.length);
        continue scan;
      }
    }
    if ('+-*/'.includes(c)) {
      push('operator', i + 1);
      continue;
    }
    const durationEnd = scanDuration(text, i);
    if (durationEnd > 0) {
      push('duration', durationEnd);
      continue;
    }
    const numberEnd = scanNumber(text, i);
    if (numberEnd > 0) {
      push('number', numberEnd);
      continue;
    }
    for (const [prefix, tokenKind] of REFERENCE_PREFIXES) {
      if (text.startsWith(prefix, i)) {
        const end = scanName(text, i + prefix.length, tokenKind === 'attribute');
        if (end > 0) {
          push(tokenKind, end);
          continue scan;
        }
      }
    }
    if (c === '"' || c === "'") {
      const end = scanQuotedString(text, i);
      if (end > 0) {
        push('string', end);
        continue;
      }
    }
    if (isLetter(c)) {
      let end = i + 1;
      while (isWordChar(text[end])) end++;
      push('ident', end);
      continue;
    }
    const length = c === '"' || c === "'" ? text.length - i : 1;
    return {
      tokens,
      error: createExpressionSyntaxError(kind, text, i, length, describeUnexpected(text, i, tokens)),
    };
  }
  return { tokens };
}

/** The value of a string token: its content with `\"` (in "…") or `\'` (in '…') unescaped (Q21). */
export function unquoteStringToken(tokenText: string): string {
  const quote = tokenText[0]!;
  return tokenText.slice(1, -1).replaceAll(`\\${quote}`, quote);
}

/** Offset in a string token's text of the character at `index` of its unquoted value. */
export function sourceOffsetInStringToken(tokenText: string, index: number): number {
  const quote = tokenText[0]!;
  let raw = 1;
  for (let v = 0; v < index && raw < tokenText.length - 1; v++) {
    raw += tokenText[raw] === '\\' && tokenText[raw + 1] === quote ? 2 : 1;
  }
  return raw;
}
