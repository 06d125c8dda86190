/**
 * Durations as people read them on a timeline: the largest unit that keeps the value at least 1, with
 * at most three significant decimals (`850ns`, `412µs`, `1.23ms`, `49ms`, `2.5s`, `1m 30s`).
 */

const UNITS: readonly (readonly [suffix: string, ns: number])[] = [
  ['s', 1e9],
  ['ms', 1e6],
  ['µs', 1e3],
];

function trimmed(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Formats a duration given in nanoseconds (a `bigint` or a number).
 * @example formatDurationNs(1_234_567n) // '1.23ms'
 */
export function formatDurationNs(durationNs: bigint | number): string {
  const ns = typeof durationNs === 'bigint' ? Number(durationNs) : durationNs;
  if (!Number.isFinite(ns) || ns <= 0) return '0ns';
  if (ns >= 60e9) {
    const totalSeconds = Math.round(ns / 1e9);
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    if (minutes >= 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
    return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
  }
  for (const [suffix, unitNs] of UNITS) {
    if (ns >= unitNs) {
      const text = trimmed(ns / unitNs);
      // Rounding may reach the next unit (999.6µs → "1000µs"): say "1ms" instead.
      if (text === '1000' && suffix !== 's') return `1${suffix === 'µs' ? 'ms' : 's'}`;
      return `${text}${suffix}`;
    }
  }
  return `${Math.round(ns)}ns`;
}
