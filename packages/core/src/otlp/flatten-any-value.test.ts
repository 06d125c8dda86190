import { describe, expect, it } from 'vitest';
import type { AnyValue, KeyValue } from '../trace/model';
import { decodeBase64, encodeBase64 } from './base64';
import { flattenAnyValue, formatDouble } from './flatten-any-value';

const str = (value: string): AnyValue => ({ type: 'string', value });
const int = (value: bigint): AnyValue => ({ type: 'int', value });
const dbl = (value: number): AnyValue => ({ type: 'double', value });
const bool = (value: boolean): AnyValue => ({ type: 'bool', value });
const arr = (...value: AnyValue[]): AnyValue => ({ type: 'array', value });
const kvlist = (...value: KeyValue[]): AnyValue => ({ type: 'kvlist', value });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const bytes = (...value: number[]): AnyValue => ({ type: 'bytes', value: new Uint8Array(value) });

describe('flattenAnyValue', () => {
  it.each([
    ['a string as is', str('GET /orders'), 'GET /orders'],
    ['an empty string', str(''), ''],
    ['an int', int(200n), '200'],
    ['a negative int', int(-3n), '-3'],
    ['the largest int64 exactly', int(2n ** 63n - 1n), '9223372036854775807'],
    ['the smallest int64 exactly', int(-(2n ** 63n)), '-9223372036854775808'],
    ['true', bool(true), 'true'],
    ['false', bool(false), 'false'],
    // Q14 recommended: shortest round-trip decimals, no rounding to integers.
    ['19.99 (Q14)', dbl(19.99), '19.99'],
    ['0.5 (Q14)', dbl(0.5), '0.5'],
    ['1.5 (Q14)', dbl(1.5), '1.5'],
    ['-1.5 (Q14)', dbl(-1.5), '-1.5'],
    ['0.0 (Q14)', dbl(0), '0'],
    ['-0.0', dbl(-0), '0'],
    ['a whole double', dbl(3), '3'],
    ['0.1 + 0.2', dbl(0.1 + 0.2), '0.30000000000000004'],
    ['1e21 in plain notation', dbl(1e21), '1000000000000000000000'],
    ['1.5e-7 in plain notation', dbl(1.5e-7), '0.00000015'],
    ['-2.5e22 in plain notation', dbl(-2.5e22), '-25000000000000000000000'],
    ['NaN', dbl(Number.NaN), 'NaN'],
    ['Infinity', dbl(Number.POSITIVE_INFINITY), 'Infinity'],
    ['-Infinity', dbl(Number.NEGATIVE_INFINITY), '-Infinity'],
    // Q25 recommended: arrays and kvlists as compact JSON, bytes as base64.
    ['a string array (Q25)', arr(str('a'), str('b')), '["a","b"]'],
    ['a kvlist (Q25)', kvlist(kv('k', str('v'))), '{"k":"v"}'],
    ['bytes as base64 (Q25)', bytes(1, 2, 3), 'AQID'],
    ['empty bytes', bytes(), ''],
    ['an empty array', arr(), '[]'],
    ['an empty kvlist', kvlist(), '{}'],
    ['an empty value', { type: 'empty' } as AnyValue, ''],
    [
      'a mixed array with exact ints, plain doubles and escapes',
      arr(int(2n ** 63n - 1n), dbl(1e21), dbl(Number.NaN), bool(false), str('q"\n'), bytes(255), {
        type: 'empty',
      }),
      '[9223372036854775807,1000000000000000000000,"NaN",false,"q\\"\\n","/w==",null]',
    ],
    [
      'a nested kvlist with a repeated key (last wins)',
      kvlist(
        kv('owner', kvlist(kv('name', str('ana')), kv('age', int(30n)))),
        kv('tags', arr(str('x'))),
        kv('tags', arr()),
      ),
      '{"owner":{"name":"ana","age":30},"tags":[]}',
    ],
  ])('flattens %s', (_, value, expected) => {
    expect(flattenAnyValue(value)).toBe(expected);
  });

  it('writes JSON that parses back to the same values', () => {
    const value = kvlist(kv('a', arr(dbl(0.1), int(7n), str('ü'))), kv('b', bool(true)));
    expect(JSON.parse(flattenAnyValue(value))).toEqual({ a: [0.1, 7, 'ü'], b: true });
  });
});

describe('formatDouble', () => {
  it.each([
    [123456789.125, '123456789.125'],
    [5e-324, `0.${'0'.repeat(323)}5`],
    [1.7976931348623157e308, `17976931348623157${'0'.repeat(292)}`],
    [1e-7, '0.0000001'],
    [1.2345e25, '12345000000000000000000000'],
  ])('formats %d in plain notation that round-trips', (value, expected) => {
    expect(formatDouble(value)).toBe(expected);
    expect(Number(expected)).toBe(value);
  });
});

describe('base64', () => {
  it.each([
    [[], ''],
    [[0], 'AA=='],
    [[0, 1], 'AAE='],
    [[0, 1, 2], 'AAEC'],
    [[251, 255, 191], '+/+/'],
  ])('encodes %j as %s and decodes it back', (input, text) => {
    expect(encodeBase64(new Uint8Array(input))).toBe(text);
    expect(decodeBase64(text)).toEqual(new Uint8Array(input));
  });

  it.each([
    ['-_-_', [251, 255, 191]],
    ['AAE', [0, 1]],
    ['AA', [0]],
  ])('decodes URL-safe or unpadded %s', (text, expected) => {
    expect(decodeBase64(text)).toEqual(new Uint8Array(expected));
  });

  it.each(['A', 'AAA*', 'AA=A', 'é'])('rejects %s', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
