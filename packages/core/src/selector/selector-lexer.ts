/**
 * Tokens of the selector language (SPEC §4.1), read one at a time so that the first problem in the
 * text is the one reported. Go tokens, with three Tracecheck additions: `-` inside identifiers
 * (`k8s.pod-name`, `not-contains`), a `-` glued to a number (`-1`), and durations (`100ms`) as one
 * token.
 */
import type { ScaledDecimal } from '../values/decimal';
import { DURATION_UNITS_NS } from '../values/duration';
import { type FailLexing, scanGoNumber, scanGoString } from './go-literal';
import { selectorSyntaxError } from './selector-syntax-error';

export type Punctuation = '[' | ']' | ',' | ':' | '(' | ')' | '.' | '=' | '!=' | '<' | '<=' | '>' | '>=';

interface TokenBase {
  readonly offset: number;
  /** The token as written. */
  readonly text: string;
}

export type Token =
  | (TokenBase & { readonly kind: 'ident' })
  | (TokenBase & { readonly kind: 'string'; readonly value: string })
  | (TokenBase & { readonly kind: 'number'; readonly value: ScaledDecimal; readonly integer: boolean })
  | (TokenBase & { readonly kind: 'duration'; readonly valueNs: ScaledDecimal })
  | (TokenBase & { readonly kind: 'punct'; readonly text: Punctuation })
  | (TokenBase & { readonly kind: 'eof' });

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_-]/u;
const PUNCTUATION = new Set(['[', ']', ',', ':', '(', ')', '.', '=', '<', '>']);

function describeChar(ch: string): string {
  return ch === '"' ? "'\"'" : `"${ch}"`;
}

/** Hints for characters that people try and the language does not have. */
function unexpectedCharacter(ch: string): string {
  switch (ch) {
    case "'":
      return `unexpected "'": single-quoted values are not supported, write a double-quoted string such as "GET /"`;
    case '`':
      return 'unexpected "`": raw strings are not supported, write a double-quoted string with Go escapes';
    case '~':
    case '+':
      return `unexpected ${describeChar(ch)}: the only combinators are a space (descendant) and ">" (child)`;
    case '!':
      return 'unexpected "!": the only operator starting with "!" is "!="';
    case '\u201c':
    case '\u201d':
    case '\u2018':
    case '\u2019':
      return `unexpected typographic quote ${describeChar(ch)}: write strings between plain double quotes (")`;
    case '-':
      return 'unexpected "-": a minus sign must be glued to the number it negates, as in -1';
    default:
      return `unexpected character ${describeChar(ch)}`;
  }
}

export class SelectorLexer {
  private pos = 0;
  private peeked: Token | null = null;

  constructor(readonly source: string) {}

  /** The next token, without consuming it. */
  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.peeked = null;
    return token;
  }

  private readonly fail: FailLexing = (offset, length, problem) => {
    throw selectorSyntaxError(this.source, offset, length, problem);
  };

  private skipSpaceAndComments(): void {
    const s = this.source;
    for (;;) {
      const ch = s[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else if (ch === '/' && s[this.pos + 1] === '/') {
        const end = s.indexOf('\n', this.pos);
        this.pos = end < 0 ? s.length : end + 1;
      } else if (ch === '/' && s[this.pos + 1] === '*') {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail(this.pos, 2, 'comment not terminated: close it with */');
        this.pos = end + 2;
      } else return;
    }
  }

  private identEnd(from: number): number {
    let i = from;
    while (i < this.source.length) {
      const code = this.source.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      if (!(i === from ? IDENT_START : IDENT_PART).test(ch)) break;
      i += ch.length;
    }
    return i;
  }

  private scan(): Token {
    this.skipSpaceAndComments();
    const s = this.source;
    const offset = this.pos;
    if (offset >= s.length) return { kind: 'eof', offset, text: '' };
    const ch = s[offset]!;
    const next = s[offset + 1];
    const startsNumber = (at: number) =>
      (s[at]! >= '0' && s[at]! <= '9') || (s[at] === '.' && s[at + 1]! >= '0' && s[at + 1]! <= '9');

    if (ch === '"') {
      const { end, value } = scanGoString(s, offset, this.fail);
      this.pos = end;
      return { kind: 'string', offset, text: s.slice(offset, end), value };
    }
    if (startsNumber(offset) || (ch === '-' && offset + 1 < s.length && startsNumber(offset + 1))) {
      return this.scanNumberOrDuration(offset);
    }
    const identEnd = this.identEnd(offset);
    if (identEnd > offset) {
      this.pos = identEnd;
      return { kind: 'ident', offset, text: s.slice(offset, identEnd) };
    }
    if ((ch === '!' || ch === '<' || ch === '>') && next === '=') {
      this.pos = offset + 2;
      return { kind: 'punct', offset, text: `${ch}=` as Punctuation };
    }
    if (PUNCTUATION.has(ch)) {
      this.pos = offset + 1;
      return { kind: 'punct', offset, text: ch as Punctuation };
    }
    const code = s.codePointAt(offset)!;
    return this.fail(offset, code > 0xffff ? 2 : 1, unexpectedCharacter(String.fromCodePoint(code)));
  }

  private scanNumberOrDuration(offset: number): Token {
    const negative = this.source[offset] === '-';
    const number = scanGoNumber(this.source, negative ? offset + 1 : offset, this.fail);
    const value = negative ? { units: -number.value.units, scale: number.value.scale } : number.value;
    // A unit glued to the number makes a duration; any other identifier glued to it is a separate
    // token, as in Go.
    const unitEnd = this.identEnd(number.end);
    const unit = this.source.slice(number.end, unitEnd);
    const unitNs = Object.hasOwn(DURATION_UNITS_NS, unit) ? DURATION_UNITS_NS[unit] : undefined;
    if (unitNs !== undefined) {
      this.pos = unitEnd;
      const valueNs = { units: value.units * unitNs, scale: value.scale };
      return { kind: 'duration', offset, text: this.source.slice(offset, unitEnd), valueNs };
    }
    this.pos = number.end;
    const text = this.source.slice(offset, number.end);
    return { kind: 'number', offset, text, value, integer: number.integer };
  }
}
