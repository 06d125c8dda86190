import { parseDurationNs } from '../values/index';
import type { ArithmeticOperator } from './ast';
import { createEvaluationFailure } from './expression-failure';
import { createSingleValue, type ExpressionValue, formatValue, type SingleValue } from './expression-value';

const INTEGER_RE = /^-?[0-9]+$/;

/** Exact decimal expansion of a double: `units / 10^scale`. */
function exactDecimalOf(x: number): { units: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const power = (exponent === 0 ? 1 : exponent) - 1075;
  if (power >= 0) return { units: mantissa << BigInt(power), scale: 0 };
  // m × 2^-k = m × 5^k / 10^k
  return { units: mantissa * 5n ** BigInt(-power), scale: -power };
}

/**
 * Go's `fmt.Sprintf("%.2f", x)`: the exact binary value rounded half to even at two decimals (JavaScript's
 * `toFixed` rounds ties up: `(0.125).toFixed(2)` is `0.13`, Go gives `0.12`).
 * @example formatFloatTwoDecimals(0.1 + 0.2) // '0.30'
 */
export function formatFloatTwoDecimals(x: number): string {
  const { units, scale } = exactDecimalOf(x);
  let hundredths: bigint;
  if (scale <= 2) hundredths = units * 10n ** BigInt(2 - scale);
  else {
    const divisor = 10n ** BigInt(scale - 2);
    hundredths = units / divisor;
    const twiceRest = (units % divisor) * 2n;
    if (twiceRest > divisor || (twiceRest === divisor && hundredths % 2n === 1n)) hundredths++;
  }
  const digits = hundredths.toString().padStart(3, '0');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function applyToIntegers(operator: ArithmeticOperator, a: bigint, b: bigint): bigint {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0n) throw createEvaluationFailure('division by zero');
      // BigInt division truncates toward zero, as Go's int conversion of the float quotient does.
      return a / b;
  }
}

function applyToFloats(operator: ArithmeticOperator, a: number, b: number): number {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw createEvaluationFailure('division by zero');
      return a / b;
  }
}

/** Nanoseconds of a duration-typed text: integer ns, or a number with a unit (`1500ms`, Q4 rec.). */
export function durationTextToNs(text: string): bigint | undefined {
  if (INTEGER_RE.test(text)) return BigInt(text);
  return parseDurationNs(text);
}

function describe(value: ExpressionValue): string {
  return value.kind === 'array' ? `an array ${formatValue(value)}` : `${value.type} "${value.text}"`;
}

/**
 * `left operator right` (SPEC §5.5): both operands must have the same type, number or duration.
 * Integers are computed exactly (BigInt, Q20 rec.); with a decimal operand the result is a float64
 * printed with two decimals. Division by zero is an error (Q28 rec.).
 * @example applyArithmetic('/', valueFromText('10'), valueFromText('4')).text // '2'
 */
export function applyArithmetic(
  operator: ArithmeticOperator,
  left: ExpressionValue,
  right: ExpressionValue,
): SingleValue {
  const leftType = left.kind === 'array' ? 'array value' : left.type;
  const rightType = right.kind === 'array' ? 'array value' : right.type;
  if (leftType !== rightType) {
    throw createEvaluationFailure(
      `types mismatch: cannot compute ${describe(left)} ${operator} ${describe(right)}; both operands must be numbers or both durations`,
    );
  }
  if (
    left.kind === 'array' ||
    right.kind === 'array' ||
    (left.type !== 'number' && left.type !== 'duration')
  ) {
    throw createEvaluationFailure(
      `operation is only allowed on numbers and duration fields, not on ${describe(left)} ${operator} ${describe(right)}`,
    );
  }
  if (left.type === 'duration') {
    const a = durationTextToNs(left.text);
    const b = durationTextToNs(right.text);
    if (a === undefined || b === undefined) {
      const bad = a === undefined ? left.text : right.text;
      throw createEvaluationFailure(`cannot parse "${bad}" as a duration`);
    }
    return createSingleValue('duration', applyToIntegers(operator, a, b).toString());
  }
  if (INTEGER_RE.test(left.text) && INTEGER_RE.test(right.text)) {
    return createSingleValue(
      'number',
      applyToIntegers(operator, BigInt(left.text), BigInt(right.text)).toString(),
    );
  }
  const result = applyToFloats(operator, Number(left.text), Number(right.text));
  if (!Number.isFinite(result)) {
    throw createEvaluationFailure(`the result of ${left.text} ${operator} ${right.text} is too large`);
  }
  return createSingleValue('number', formatFloatTwoDecimals(result));
}
