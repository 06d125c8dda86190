import { describe, expect, it } from 'vitest';
import { isSameJson } from './is-same-json';

describe('isSameJson', () => {
  it.each([
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 1, '1', false],
    ['key order does not matter', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['array order does', [1, 2], [2, 1], false],
    ['an undefined key is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['a null key is not absent', { a: 1, b: null }, { a: 1 }, false],
    ['an extra key differs', { a: 1 }, { a: 1, c: 2 }, false],
    ['an array is not an object', [], {}, false],
    ['nested differences count', { h: [{ key: 'k', value: 'v' }] }, { h: [{ key: 'k', value: 'w' }] }, false],
  ])('%s', (_name, left, right, expected) => {
    expect(isSameJson(left, right)).toBe(expected);
    expect(isSameJson(right, left)).toBe(expected);
  });
});
