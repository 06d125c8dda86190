import { describe, expect, it } from 'vitest';
import { formatDurationNs } from './format-duration';

describe('formatDurationNs', () => {
  it.each([
    { ns: 0n, text: '0ns' },
    { ns: -5n, text: '0ns' },
    { ns: 850n, text: '850ns' },
    { ns: 1_000n, text: '1µs' },
    { ns: 412_000n, text: '412µs' },
    { ns: 999_600n, text: '1ms' },
    { ns: 1_234_567n, text: '1.23ms' },
    { ns: 12_345_678n, text: '12.3ms' },
    { ns: 100_000_000n, text: '100ms' },
    { ns: 2_500_000_000n, text: '2.5s' },
    { ns: 59_999_000_000n, text: '60s' },
    { ns: 90_000_000_000n, text: '1m 30s' },
    { ns: 120_000_000_000n, text: '2m' },
    { ns: 3_723_000_000_000n, text: '1h 2m' },
    { ns: 230_000_000, text: '230ms' },
  ])('formats $ns ns as $text', ({ ns, text }) => {
    expect(formatDurationNs(ns)).toBe(text);
  });
});
