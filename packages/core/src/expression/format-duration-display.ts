import { parseDecimal } from '../values/index';

const UNITS: readonly (readonly [unit: string, ns: bigint, next: bigint])[] = [
  ['ns', 1n, 1_000n],
  ['us', 1_000n, 1_000n],
  ['ms', 1_000_000n, 1_000n],
  ['s', 1_000_000_000n, 60n],
  ['m', 60_000_000_000n, 60n],
  ['h', 3_600_000_000_000n, 0n], // the last unit: never moves on
];

/**
 * Displays nanoseconds (a decimal text) in the largest unit that keeps the value at least 1, with up
 * to three decimals, trailing zeros dropped; negative values keep their sign (SPEC §5.11, recommended).
 * Returns `undefined` when the text is not a decimal number.
 * @example formatDurationDisplay('1234567') // '1.235ms'
 */
export function formatDurationDisplay(nsText: string): string | undefined {
  const decimal = parseDecimal(nsText);
  if (!decimal) return undefined;
  const negative = decimal.units < 0n;
  const magnitude = negative ? -decimal.units : decimal.units;
  const denominator = 10n ** BigInt(decimal.scale);
  if (magnitude === 0n) return '0ns';
  // Thousandths of a unit, rounded half up; move to the next unit while the value reaches it.
  const thousandthsIn = (unitNs: bigint) => {
    const divisor = denominator * unitNs;
    return (magnitude * 2000n + divisor) / (divisor * 2n);
  };
  let u = 0;
  let thousandths = thousandthsIn(UNITS[0]![1]);
  while (u < UNITS.length - 1 && thousandths >= UNITS[u]![2] * 1000n) {
    u++;
    thousandths = thousandthsIn(UNITS[u]![1]);
  }
  const whole = thousandths / 1000n;
  const fraction = (thousandths % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}${UNITS[u]![0]}`;
}
