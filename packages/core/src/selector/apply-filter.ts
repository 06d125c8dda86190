import { compareScaled, parseDecimal, type ScaledDecimal } from '../values/decimal';
import { DURATION_UNITS_NS } from '../values/duration';
import type { SelectionIndex } from './selection-index';
import type { OrderOperator, SelectorFilter, SelectorLiteral } from './selector';

const INTEGER_RE = /^-?[0-9]+$/;
const DURATION_TEXT_RE = /^(-?[0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)$/;

/** Integer nanoseconds or a duration text (`1500ms`, `1.5s`) as exact nanoseconds. */
function parseNanos(text: string): ScaledDecimal | undefined {
  if (INTEGER_RE.test(text)) return { units: BigInt(text), scale: 0 };
  const m = DURATION_TEXT_RE.exec(text);
  if (!m) return undefined;
  const amount = parseDecimal(m[1]!)!;
  return { units: amount.units * DURATION_UNITS_NS[m[2]!]!, scale: amount.scale };
}

/** The value of an integer text of at most 15 digits (exact as a JavaScript number), else undefined. */
function smallInteger(text: string): number | undefined {
  const negative = text.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const length = text.length - start;
  if (length < 1 || length > 15) return undefined;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** The literal's value as a JavaScript number when that is exact (an integer below 2^53). */
function safeInteger(value: ScaledDecimal): number | undefined {
  if (value.scale !== 0) return undefined;
  return value.units >= -BigInt(Number.MAX_SAFE_INTEGER) && value.units <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value.units)
    : undefined;
}

/**
 * Compares a value text with an exact literal: -1, 0, 1, or `undefined` when the text is not a number
 * of the right form (`parse`). Small integers skip BigInt: they are exact as JavaScript numbers.
 */
function comparator(
  literal: ScaledDecimal,
  parse: (text: string) => ScaledDecimal | undefined,
): (text: string) => -1 | 0 | 1 | undefined {
  const fast = safeInteger(literal);
  return (text) => {
    const n = fast === undefined ? undefined : smallInteger(text);
    if (n !== undefined) return n < fast! ? -1 : n > fast! ? 1 : 0;
    const value = parse(text);
    return value === undefined ? undefined : compareScaled(value, literal);
  };
}

function orderHolds(operator: OrderOperator, cmp: -1 | 0 | 1): boolean {
  switch (operator) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
  }
}

/** The text a literal stands for in `contains`/`startsWith`/…: numbers and durations as written. */
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

/**
 * `value = literal` (SPEC §4.3): strings and booleans as text; a number numerically when the value is
 * a finite decimal, else by its source text (Q1 recommended); a duration by value in nanoseconds.
 */
function equality(literal: SelectorLiteral): (text: string) => boolean {
  switch (literal.type) {
    case 'string':
    case 'boolean': {
      const expected = literalText(literal);
      return (text) => text === expected;
    }
    case 'number': {
      const compare = comparator(literal.value, parseDecimal);
      return (text) => {
        const cmp = compare(text);
        return cmp === undefined ? text === literal.source : cmp === 0;
      };
    }
    case 'duration': {
      const compare = comparator(literal.valueNs, parseNanos);
      return (text) => compare(text) === 0;
    }
  }
}

/** The test a filter applies to the value text (`""` for an absent attribute). */
function compileTextTest(filter: Exclude<SelectorFilter, { operator: 'exists' }>): (text: string) => boolean {
  switch (filter.operator) {
    case '=':
      return equality(filter.value);
    case '!=': {
      const equals = equality(filter.value);
      return (text) => !equals(text);
    }
    case 'contains': {
      const literal = literalText(filter.value);
      return (text) => text.includes(literal);
    }
    case 'not-contains': {
      const literal = literalText(filter.value);
      return (text) => !text.includes(literal);
    }
    case 'startsWith': {
      const literal = literalText(filter.value);
      return (text) => text.startsWith(literal);
    }
    case 'endsWith': {
      const literal = literalText(filter.value);
      return (text) => text.endsWith(literal);
    }
    case 'matches': {
      const pattern = filter.pattern;
      return (text) => pattern.matches(text);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const { operator, value } = filter;
      const compare =
        value.type === 'number'
          ? comparator(value.value, parseDecimal)
          : comparator(value.valueNs, parseNanos);
      return (text) => {
        const cmp = compare(text);
        return cmp !== undefined && orderHolds(operator, cmp);
      };
    }
  }
}

/**
 * Applies a filter to the spans still set in `bits` (SPEC §4.3): clears the bit of every span the
 * filter rejects. An absent attribute reads as `""` for every operator but the presence test;
 * `name` and `kind` are always present.
 */
export function applyFilter(filter: SelectorFilter, index: SelectionIndex, bits: Uint8Array): void {
  const { property } = filter;
  const n = bits.length;
  if (filter.operator === 'exists') {
    if (property === 'name' || property === 'kind') return;
    const column = index.column(property);
    for (let i = 0; i < n; i++) if (bits[i] && column[i] === undefined) bits[i] = 0;
    return;
  }
  const column = index.column(property);
  if (filter.operator === '=' && (filter.value.type === 'string' || filter.value.type === 'boolean')) {
    const expected = literalText(filter.value);
    for (let i = 0; i < n; i++) if (bits[i] && (column[i] ?? '') !== expected) bits[i] = 0;
    return;
  }
  const test = compileTextTest(filter);
  if (filter.operator !== 'matches') {
    for (let i = 0; i < n; i++) if (bits[i] && !test(column[i] ?? '')) bits[i] = 0;
    return;
  }
  // Spans share few distinct values (names, routes): run the pattern once per value.
  const known = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    if (!bits[i]) continue;
    const text = column[i] ?? '';
    let ok = known.get(text);
    if (ok === undefined) {
      ok = test(text);
      known.set(text, ok);
    }
    if (!ok) bits[i] = 0;
  }
}
