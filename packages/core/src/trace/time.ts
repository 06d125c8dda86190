import type { Nanos } from './model';

/**
 * Formats Unix nanoseconds as RFC 3339 in UTC with up to nine fraction digits, trailing zeros
 * trimmed (Go's `time.RFC3339Nano`).
 * @example formatRfc3339Nano(1_700_000_000_123_400_000n) // '2023-11-14T22:13:20.1234Z'
 */
export function formatRfc3339Nano(unixNano: Nanos): string {
  let seconds = unixNano / 1_000_000_000n;
  let fraction = unixNano % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const base = iso.slice(0, 19);
  if (fraction === 0n) return `${base}Z`;
  const digits = fraction.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}.${digits}Z`;
}

const RFC3339_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp to Unix nanoseconds, exactly. Returns `undefined` when the text is not
 * RFC 3339.
 */
export function parseRfc3339Nano(text: string): Nanos | undefined {
  const m = RFC3339_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const fractionNs = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + fractionNs;
}
