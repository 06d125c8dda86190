/**
 * Exact decimal arithmetic on text, for comparisons that must never go through a JavaScript
 * `number` (SPEC §4.3, §5.9): values are scaled to a common number of decimals as BigInt.
 */

const FINITE_DECIMAL_RE = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * True when the whole text is a finite decimal number: `^-?[0-9]+(\.[0-9]+)?$` (no spaces, `+`,
 * exponent, hex, `_`, `Infinity`, `NaN`, empty string).
 */
export function isFiniteDecimal(text: string): boolean {
  return FINITE_DECIMAL_RE.test(text);
}

/** A decimal as `units / 10^scale`. */
export interface ScaledDecimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Parses a finite decimal (see `isFiniteDecimal`); `undefined` otherwise. */
export function parseDecimal(text: string): ScaledDecimal | undefined {
  if (!FINITE_DECIMAL_RE.test(text)) return undefined;
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const scale = dot < 0 ? 0 : body.length - dot - 1;
  const units = BigInt(digits);
  return { units: negative ? -units : units, scale };
}

function rescale(d: ScaledDecimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Compares two scaled decimals exactly: -1, 0 or 1. */
export function compareScaled(a: ScaledDecimal, b: ScaledDecimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Compares two decimal texts exactly; `undefined` when either is not a finite decimal.
 * @example compareDecimalText('200', '200.0') // 0
 */
export function compareDecimalText(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return undefined;
  return compareScaled(x, y);
}
