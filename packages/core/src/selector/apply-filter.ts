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

/** The literal's value as a JavaScript number when that is exact (an integer below 2^53). */
function safeInteger(value: ScaledDecimal): number | undefined {
  if (value.scale !== 0) return undefined;
  return value.units >= -BigInt(Number.MAX_SAFE_INTEGER) && value.units <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value.units)
    : undefined;
}

/**
 * Compares a value with an exact literal: -1, 0, 1, or `undefined` when the text is not a number of
 * the right form (`parse`). `small` is the text read by `smallInteger` (NaN when it is not a small
 * integer): small integers skip BigInt, they are exact as JavaScript numbers.
 */
type Compare = (text: string, small: number) => -1 | 0 | 1 | undefined;

function comparator(literal: ScaledDecimal, parse: (text: string) => ScaledDecimal | undefined): Compare {
  const fast = safeInteger(literal);
  return (text, small) => {
    if (fast !== undefined && !Number.isNaN(small)) return small < fast ? -1 : small > fast ? 1 : 0;
    const value = parse(text);
    return value === undefined ? undefined : compareScaled(value, literal);
  };
}

function isOrder(operator: string): operator is OrderOperator {
  return operator === '<' || operator === '<=' || operator === '>' || operator === '>=';
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

/** A test on one value: its text, and the text read as a small integer (NaN when it is not one). */
type ValueTest = (text: string, small: number) => boolean;

/**
 * `value = literal` (SPEC §4.3): strings and booleans as text; a number numerically when the value is
 * a finite decimal, else by its source text (Q1 recommended); a duration by value in nanoseconds.
 */
function equality(literal: SelectorLiteral): ValueTest {
  switch (literal.type) {
    case 'string':
    case 'boolean': {
      const expected = literalText(literal);
      return (text) => text === expected;
    }
    case 'number': {
      const compare = comparator(literal.value, parseDecimal);
      return (text, small) => {
        const cmp = compare(text, small);
        return cmp === undefined ? text === literal.source : cmp === 0;
      };
    }
    case 'duration': {
      const compare = comparator(literal.valueNs, parseNanos);
      return (text, small) => compare(text, small) === 0;
    }
  }
}

/** The test a filter applies to the value (`""` for an absent attribute). */
function compileValueTest(filter: Exclude<SelectorFilter, { operator: 'exists' }>): ValueTest {
  switch (filter.operator) {
    case '=':
      return equality(filter.value);
    case '!=': {
      const equals = equality(filter.value);
      return (text, small) => !equals(text, small);
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
      return (text, small) => {
        const cmp = compare(text, small);
        return cmp !== undefined && orderHolds(operator, cmp);
      };
    }
  }
}

/** Whether the filter compares values as numbers (then it reads the column's small integers). */
function readsNumbers(filter: Exclude<SelectorFilter, { operator: 'exists' }>): boolean {
  const numeric = filter.value.type === 'number' || filter.value.type === 'duration';
  return numeric && (filter.operator === '=' || filter.operator === '!=' || isOrder(filter.operator));
}

/** The literal of a numeric comparison as an exact JavaScript number, when it is one. */
function fastLiteral(filter: Exclude<SelectorFilter, { operator: 'exists' }>): number | undefined {
  if (filter.operator !== '=' && filter.operator !== '!=' && !isOrder(filter.operator)) return undefined;
  const { value } = filter;
  if (value.type === 'number') return safeInteger(value.value);
  if (value.type === 'duration') return safeInteger(value.valueNs);
  return undefined;
}

/** Bit 0, 1, 2: the operator holds when the value is below, equal to, above the literal. */
const ORDER_MASKS: Readonly<Record<'=' | '!=' | OrderOperator, number>> = {
  '=': 0b010,
  '!=': 0b101,
  '<': 0b001,
  '<=': 0b011,
  '>': 0b100,
  '>=': 0b110,
};

/**
 * `table[k] = 1` when value k passes a numeric comparison with the integer `literal`: values that are
 * small integers compare as numbers here, the others go through `slow` (the full test).
 */
function fillNumericVerdicts(
  operator: '=' | '!=' | OrderOperator,
  literal: number,
  small: Float64Array,
  table: Uint8Array,
  slow: (k: number) => boolean,
): void {
  const mask = ORDER_MASKS[operator];
  for (let k = 0; k < small.length; k++) {
    const v = small[k]!;
    if (!Number.isNaN(v)) table[k] = (mask >> ((v > literal ? 2 : 1) - (v < literal ? 1 : 0))) & 1;
    else table[k] = slow(k) ? 1 : 0;
  }
}

/**
 * Applies a filter to the spans still set in `bits` (SPEC §4.3): clears the bit of every span the
 * filter rejects. An absent attribute reads as `""` for every operator but the presence test;
 * `name` and `kind` are always present. The test runs on the property's distinct values (see
 * `PropertyColumn`), then one pass over the spans reads each span's verdict by its value's code.
 */
export function applyFilter(filter: SelectorFilter, index: SelectionIndex, bits: Uint8Array): void {
  const { property } = filter;
  const n = bits.length;
  if (filter.operator === 'exists') {
    if (property === 'name' || property === 'kind') return;
    const { codes } = index.column(property);
    for (let i = 0; i < n; i++) if (codes[i] === 0) bits[i] = 0;
    return;
  }
  const column = index.column(property);
  const { codes, values } = column;
  const table = column.verdictTable();
  const textEquality =
    filter.operator === '=' && (filter.value.type === 'string' || filter.value.type === 'boolean');
  const code = textEquality ? column.codeOf(literalText(filter.value)) : undefined;
  if (code !== undefined) {
    // Code 0 (absent) reads as "": it matches only an empty literal.
    table.fill(0);
    if (code >= 0) table[code] = 1;
    if (values[0] === literalText(filter.value)) table[0] = 1;
  } else {
    const test = compileValueTest(filter);
    const small = readsNumbers(filter) ? column.smallIntegers() : null;
    const literal = fastLiteral(filter);
    if (small !== null && literal !== undefined) {
      const operator = filter.operator as '=' | '!=' | OrderOperator;
      fillNumericVerdicts(operator, literal, small, table, (k) => test(values[k]!, small[k]!));
    } else if (values.length * 8 <= n) {
      // Few distinct values: test them all.
      for (let k = 0; k < values.length; k++)
        table[k] = test(values[k]!, small ? small[k]! : Number.NaN) ? 1 : 0;
    } else {
      // Many distinct values (ids, URLs): test only those of the spans still set.
      // table[code]: 0 not tested yet, 1 kept, 2 rejected.
      table.fill(0);
      for (let i = 0; i < n; i++) {
        if (!bits[i]) continue;
        const c = codes[i]!;
        let v = table[c]!;
        if (v === 0) {
          v = test(values[c]!, small === null ? Number.NaN : small[c]!) ? 1 : 2;
          table[c] = v;
        }
        if (v === 2) bits[i] = 0;
      }
      return;
    }
  }
  for (let i = 0; i < n; i++) bits[i]! &= table[codes[i]!]!;
}
