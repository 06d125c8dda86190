import { describe, expect, it } from 'vitest';
import { JsonNumber, parseJsonLossless, stringifyJsonLossless } from './parse-json-lossless';

describe('parseJsonLossless', () => {
  it.each([
    ['an integer beyond 2^53', '9007199254740993', new JsonNumber('9007199254740993')],
    ['a double written with a fraction', '5.0', new JsonNumber('5.0')],
    ['an exponent', '-1.5E-3', new JsonNumber('-1.5E-3')],
    ['a string with escapes', '"a\\"b\\\\c\\u00e9\\n"', 'a"b\\cé\n'],
    ['a string ending in an escaped backslash', '"a\\\\"', 'a\\'],
    ['literals', '[true, false, null]', [true, false, null]],
    [
      'nested objects and arrays',
      ' {"a": [1, {"b": "c"}], "d": {}} ',
      { a: [new JsonNumber('1'), { b: 'c' }], d: {} },
    ],
  ])('parses %s', (_, text, expected) => {
    expect(parseJsonLossless(text)).toEqual(expected);
  });

  it('keeps __proto__ as a plain key', () => {
    const value = parseJsonLossless('{"__proto__": "x"}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(null);
  });

  it.each([
    ['a trailing comma', '[1,]', /invalid JSON at offset 3: expected a value, found "]"/],
    ['an unterminated string', '{"a": "b', /invalid JSON at offset 6: expected a closing quote/],
    ['text after the value', '{} x', /invalid JSON at offset 3: expected the end of the text/],
    ['a missing colon', '{"a" 1}', /invalid JSON at offset 5: expected ":"/],
    ['a raw control character in a string', '"a\u0001"', /JSON/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseJsonLossless(text)).toThrow(message);
  });

  it('writes numbers back with their original literal', () => {
    const text = '{"a":[9007199254740993,5.0,"x",true,null],"b":{"c":1E3}}';
    expect(stringifyJsonLossless(parseJsonLossless(text))).toBe(text);
  });
});
