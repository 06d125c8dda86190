/**
 * Go literals as Go's `text/scanner` reads them (SPEC §4.1): double-quoted strings with Go escapes,
 * and integer and floating-point numbers in every Go form (`0x1F`, `0o17`, `017`, `1_000`, `.5`,
 * `1e3`, `0x1p-2`). Values are exact: numbers become scaled decimals, never JavaScript numbers.
 */
import type { ScaledDecimal } from '../values/decimal';

/** Reports a lexical problem at `offset` (length `length`) and never returns. */
export type FailLexing = (offset: number, length: number, problem: string) => never;

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  '"': 34,
};

/** Largest exponent written in a number literal; beyond it the exact value would be absurdly long. */
const MAX_EXPONENT = 1000;

function pushUtf8(bytes: number[], codePoint: number): void {
  if (codePoint < 0x80) bytes.push(codePoint);
  else if (codePoint < 0x800) bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 63));
  else if (codePoint < 0x10000) {
    bytes.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63));
  } else {
    bytes.push(
      0xf0 | (codePoint >> 18),
      0x80 | ((codePoint >> 12) & 63),
      0x80 | ((codePoint >> 6) & 63),
      0x80 | (codePoint & 63),
    );
  }
}

function isHexDigit(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}

/**
 * Reads the Go string literal starting with `"` at `start`. Escapes work on bytes, as in Go
 * (`"\xc3\xa9"` is `é`); bytes that are not UTF-8 become U+FFFD.
 */
export function scanGoString(
  source: string,
  start: number,
  fail: FailLexing,
): { end: number; value: string } {
  const bytes: number[] = [];
  let i = start + 1;
  for (;;) {
    if (i >= source.length) fail(start, i - start, 'string literal not terminated: add the closing "');
    const code = source.codePointAt(i)!;
    if (code === 34) break;
    if (code === 10) {
      fail(start, i - start, 'newline in string literal: write it as \\n, or close the string with "');
    }
    if (code !== 92) {
      pushUtf8(bytes, code >= 0xd800 && code <= 0xdfff ? 0xfffd : code);
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    const escaped = source[i + 1];
    const simple = escaped === undefined ? undefined : SIMPLE_ESCAPES[escaped];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (escaped !== undefined && escaped >= '0' && escaped <= '7') {
      const digits = source.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits) || Number.parseInt(digits, 8) > 255) {
        fail(
          i,
          Math.min(4, source.length - i),
          'octal escape must be \\ followed by 3 octal digits up to \\377',
        );
      }
      bytes.push(Number.parseInt(digits, 8));
      i += 4;
    } else if (escaped === 'x' || escaped === 'u' || escaped === 'U') {
      const count = escaped === 'x' ? 2 : escaped === 'u' ? 4 : 8;
      const digits = source.slice(i + 2, i + 2 + count);
      if (digits.length !== count || ![...digits].every((d) => isHexDigit(d))) {
        fail(i, 2 + digits.length, `escape \\${escaped} must be followed by ${count} hexadecimal digits`);
      }
      const value = Number.parseInt(digits, 16);
      if (escaped === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
        fail(i, 2 + count, `escape \\${escaped}${digits} is not a valid Unicode code point`);
      } else pushUtf8(bytes, value);
      i += 2 + count;
    } else {
      const shown = escaped === undefined ? '\\' : `\\${escaped}`;
      fail(
        i,
        shown.length,
        `unknown escape sequence ${shown} in string: write a backslash as \\\\ (a regular expression "\\d" is written "\\\\d")`,
      );
    }
  }
  return { end: i + 1, value: new TextDecoder('utf-8').decode(new Uint8Array(bytes)) };
}

/** Go's check that every `_` in a number literal separates two digits (or follows the base prefix). */
function invalidSeparator(text: string): number {
  let prefix = ' ';
  let previous = '.';
  let i = 0;
  if (text.length >= 2 && text[0] === '0') {
    const p = text[1]!.toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') {
      prefix = p;
      previous = '0';
      i = 2;
    }
  }
  for (; i < text.length; i++) {
    const before = previous;
    const ch = text[i]!;
    if (ch === '_') {
      if (before !== '0') return i;
      previous = '_';
    } else if ((ch >= '0' && ch <= '9') || (prefix === 'x' && isHexDigit(ch))) {
      previous = '0';
    } else {
      if (before === '_') return i - 1;
      previous = '.';
    }
  }
  return previous === '_' ? text.length - 1 : -1;
}

/** A number literal read from source: its exact value and whether it is an integer literal. */
interface GoNumber {
  readonly end: number;
  readonly value: ScaledDecimal;
  readonly integer: boolean;
}

const BASE_NAMES: Readonly<Record<number, string>> = {
  16: 'hexadecimal',
  8: 'octal',
  2: 'binary',
  10: 'decimal',
};

/**
 * Reads the Go number literal starting at `start` (a digit, or `.` before a digit). Stops before
 * any letter that is not part of the literal, so `100ms` reads `100`.
 */
export function scanGoNumber(source: string, start: number, fail: FailLexing): GoNumber {
  let i = start;
  let base = 10;
  let prefix = '';
  const digitsOf = (allowed: (ch: string) => boolean): string => {
    const from = i;
    while (i < source.length && (allowed(source[i]!) || source[i] === '_')) i++;
    return source.slice(from, i).replaceAll('_', '');
  };
  const decimalDigit = (ch: string) => ch >= '0' && ch <= '9';
  let intDigits = '';
  let fracDigits = '';
  let sawDot = false;
  if (source[i] !== '.') {
    if (source[i] === '0') {
      const p = source[i + 1]?.toLowerCase();
      if (p === 'x' || p === 'o' || p === 'b') {
        prefix = p;
        base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
        i += 2;
      } else {
        prefix = '0';
      }
    }
    intDigits = digitsOf(base === 16 ? isHexDigit : decimalDigit);
  }
  if (source[i] === '.') {
    if (prefix === 'o' || prefix === 'b') fail(i, 1, `invalid radix point in ${BASE_NAMES[base]} literal`);
    sawDot = true;
    i++;
    fracDigits = digitsOf(base === 16 ? isHexDigit : decimalDigit);
  }
  if (intDigits === '' && fracDigits === '') {
    fail(start, i - start, `${BASE_NAMES[base]} literal has no digits`);
  }
  let exponent = 0;
  let sawExponent = false;
  const e = source[i]?.toLowerCase();
  if (e === 'e' || e === 'p') {
    if (e === 'e' && prefix !== '' && prefix !== '0') {
      fail(i, 1, "'e' exponent requires decimal mantissa");
    }
    if (e === 'p' && prefix !== 'x') fail(i, 1, "'p' exponent requires hexadecimal mantissa");
    sawExponent = true;
    i++;
    let sign = 1;
    if (source[i] === '+' || source[i] === '-') {
      if (source[i] === '-') sign = -1;
      i++;
    }
    const expDigits = digitsOf(decimalDigit);
    if (expDigits === '') fail(start, i - start, 'exponent has no digits');
    if (expDigits.length > 4 || Number(expDigits) > MAX_EXPONENT) {
      fail(start, i - start, `exponent is too large (at most ${MAX_EXPONENT})`);
    }
    exponent = sign * Number(expDigits);
  } else if (prefix === 'x' && sawDot) {
    fail(start, i - start, "hexadecimal mantissa requires a 'p' exponent");
  }
  const text = source.slice(start, i);
  const badSeparator = invalidSeparator(text);
  if (badSeparator >= 0) fail(start + badSeparator, 1, "'_' must separate successive digits");

  const integer = !sawDot && !sawExponent;
  if (integer) {
    const octalOrBinary = prefix === '0' || prefix === 'o' ? 8 : prefix === 'b' ? 2 : 0;
    const bad = [...intDigits].find((d) => Number(d) >= octalOrBinary && octalOrBinary > 0);
    if (bad) fail(start, i - start, `invalid digit '${bad}' in ${BASE_NAMES[octalOrBinary]} literal`);
    if (prefix === '0') {
      return { end: i, value: { units: BigInt(`0o${intDigits || '0'}`), scale: 0 }, integer };
    }
    const radix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
    return { end: i, value: { units: BigInt(`${radix}${intDigits}`), scale: 0 }, integer };
  }
  if (prefix === 'x') {
    const hex = intDigits + fracDigits;
    const mantissa = hex === '' ? 0n : BigInt(`0x${hex}`);
    const power = exponent - 4 * fracDigits.length;
    const value =
      power >= 0
        ? { units: mantissa << BigInt(power), scale: 0 }
        : { units: mantissa * 5n ** BigInt(-power), scale: -power };
    return { end: i, value, integer };
  }
  const units = BigInt(`${intDigits}${fracDigits}` || '0');
  const scale = fracDigits.length - exponent;
  const value = scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
  return { end: i, value, integer };
}

/**
 * Writes `value` as a Go double-quoted string literal that `scanGoString` reads back exactly.
 * @example quoteGoString('say "hi"\n') // '"say \\"hi\\"\\n"'
 */
export function quoteGoString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code === 10) out += '\\n';
    else if (code === 9) out += '\\t';
    else if (code === 13) out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}
