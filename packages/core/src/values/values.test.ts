import { describe, expect, it } from 'vitest';
import { compareDecimalText, isFiniteDecimal, parseDurationNs, parseGoDurationNs } from './index';

describe('decimal', () => {
  it.each([
    ['200', '200.0', 0],
    ['1.5', '2', -1],
    ['-1', '0', -1],
    ['9007199254740993', '9007199254740992', 1],
    ['12.50', '12.5', 0],
  ])('compares %s and %s exactly', (a, b, want) => {
    expect(compareDecimalText(a, b)).toBe(want);
  });
  it.each(['', ' 5', '+1', '1e3', '0x1', '1_000', 'NaN', 'Infinity', '1.', '.5'])(
    '%j is not a finite decimal',
    (t) => {
      expect(isFiniteDecimal(t)).toBe(false);
    },
  );
});

describe('durations', () => {
  it.each([
    ['1.5ms', 1_500_000n],
    ['2s', 2_000_000_000n],
    ['61m', 3_660_000_000_000n],
    ['-2ms', -2_000_000n],
    ['1500', undefined],
    ['5 ms', undefined],
  ])('parses %s', (text, ns) => expect(parseDurationNs(text)).toBe(ns));
  it.each([
    ['500ms', 500_000_000n],
    ['1m30s', 90_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['0', 0n],
    ['2µs', 2_000n],
    ['5', undefined],
    ['1d', undefined],
    ['', undefined],
  ])('parses the Go duration %s', (text, ns) => expect(parseGoDurationNs(text)).toBe(ns));
});
