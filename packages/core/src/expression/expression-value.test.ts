import { describe, expect, it } from 'vitest';
import {
  containsBracketPair,
  createArrayValue,
  createSingleValue,
  detectValueType,
  formatValue,
  NIL_VALUE,
  unescapeQuotes,
  valueFromText,
} from './expression-value';

describe('detectValueType', () => {
  it.each([
    ['200', 'number'],
    ['02', 'number'],
    ['12.5', 'number'],
    ['-5', 'string'],
    [' 5', 'string'],
    ['1e3', 'string'],
    ['0x1', 'string'],
    ['1.', 'string'],
    ['1500ms', 'duration'],
    ['1.5s', 'duration'],
    ['2h', 'duration'],
    ['5 ms', 'string'],
    ['5µs', 'string'],
    ['{"a": 1}', 'json'],
    [' {"a": {"b": [1]}}\n', 'json'],
    ['{}', 'json'],
    ['null', 'json'],
    ['{"a": 1', 'string'],
    ['{a: 1}', 'string'],
    ['[{"a":1}]', 'json'],
    ['[{"id": 1}, {"id": 2}]', 'json'],
    ['[]', 'json'],
    ['[null]', 'json'],
    ['[1, 2]', 'array'],
    ['["a"]', 'array'],
    ['[a,b]', 'array'],
    ['a[1]b', 'array'],
    ['GET /x?a[]=1', 'array'],
    ['[1,,2]', 'string'],
    ['[', 'string'],
    ['', 'string'],
    ['true', 'string'],
    ['ana', 'string'],
  ])('%j is %s', (text, type) => {
    expect(detectValueType(text)).toBe(type);
  });
});

describe('containsBracketPair', () => {
  // Tracetest's pattern, run with JavaScript's engine only here, on short generated texts.
  const reference = /\[[^,]*(,[^\],]+)*\]/;

  it('agrees with the regular expression on every short text over [ ] , a', () => {
    const alphabet = ['[', ']', ',', 'a'];
    const texts: string[] = [''];
    for (let length = 1; length <= 7; length++) {
      const count = alphabet.length ** length;
      for (let n = 0; n < count; n++) {
        let text = '';
        for (let k = 0, m = n; k < length; k++, m = Math.floor(m / alphabet.length))
          text += alphabet[m % alphabet.length];
        texts.push(text);
      }
    }
    const disagreements = texts.filter((t) => containsBracketPair(t) !== reference.test(t));
    expect(disagreements).toEqual([]);
  });

  it('stays linear on long texts full of brackets', () => {
    const text = '['.repeat(200_000) + ',,'.repeat(100_000);
    expect(containsBracketPair(text)).toBe(false);
    expect(containsBracketPair(`${text}[x]`)).toBe(true);
  });
});

describe('formatValue', () => {
  it.each([
    [valueFromText('abc'), 'abc'],
    [NIL_VALUE, ''],
    [
      createArrayValue([valueFromText('a'), valueFromText('1'), createSingleValue('duration', '2000000000')]),
      '["a", 1, 2000000000]',
    ],
    [createArrayValue([]), '[]'],
    [createArrayValue([valueFromText('{"a":1}'), valueFromText('[1, 2]')]), '[{"a":1}, [1, 2]]'],
  ])('formats %j as %j', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe('unescapeQuotes', () => {
  it.each([
    [`it\\'s`, "it's"],
    ['say \\"hi\\"', 'say "hi"'],
    ['\\d+', '\\d+'],
    ['a\\\\"b', 'a\\"b'],
  ])('unescapes %j to %j', (text, expected) => {
    expect(unescapeQuotes(text)).toBe(expected);
  });
});
