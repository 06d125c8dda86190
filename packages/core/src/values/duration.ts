import { parseDecimal, type ScaledDecimal } from './decimal';

/** Nanoseconds per unit of the expression and selector languages. */
export const DURATION_UNITS_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const DURATION_TEXT_RE = /^(-?[0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)$/;

/** Value of `amount` (a decimal) times `unitNs`, exact, truncated toward zero below 1 ns. */
export function scaleToNanos(amount: ScaledDecimal, unitNs: bigint): bigint {
  return (amount.units * unitNs) / 10n ** BigInt(amount.scale);
}

/**
 * Parses a duration text such as `1500ms`, `1.5s` or `-2ms` to exact nanoseconds; `undefined` when the
 * text is not a single number glued to one unit (`ns us ms s m h`).
 * @example parseDurationNs('1.5ms') // 1500000n
 */
export function parseDurationNs(text: string): bigint | undefined {
  const m = DURATION_TEXT_RE.exec(text);
  if (!m) return undefined;
  return scaleToNanos(parseDecimal(m[1]!)!, DURATION_UNITS_NS[m[2]!]!);
}

const GO_UNITS_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const GO_PART_RE = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go `time.ParseDuration` string (`500ms`, `1m30s`, `1.5h`, `-2s`, `0`) to nanoseconds, as
 * polling profiles write them (SPEC §1.7). `undefined` when the text is not a Go duration.
 */
export function parseGoDurationNs(text: string): bigint | undefined {
  let s = text;
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  let pos = 0;
  while (pos < s.length) {
    GO_PART_RE.lastIndex = pos;
    const m = GO_PART_RE.exec(s);
    if (!m || m.index !== pos) return undefined;
    const number = m[1]!;
    if (number === '' || number === '.') return undefined;
    const normalised = number.startsWith('.')
      ? `0${number}`
      : number.endsWith('.')
        ? number.slice(0, -1)
        : number;
    const amount = parseDecimal(normalised);
    if (!amount) return undefined;
    total += scaleToNanos(amount, GO_UNITS_NS[m[2]!]!);
    pos += m[0].length;
  }
  return sign * total;
}
