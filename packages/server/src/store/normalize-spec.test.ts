import { describe, expect, it } from 'vitest';
import { areJsonEqual, normalizeSpec } from './normalize-spec';

describe('normalizeSpec', () => {
  it.each([
    ['sets the id first', 't1', { name: 'a' }, { id: 't1', name: 'a' }],
    ['replaces a different id', 't1', { id: 'other', name: 'a' }, { id: 't1', name: 'a' }],
    [
      'drops the read-only keys',
      't1',
      { name: 'a', version: 3, createdAt: 'x', updatedAt: 'y', summary: { runs: 1 } },
      { id: 't1', name: 'a' },
    ],
    ['drops undefined values', 't1', { name: 'a', description: undefined }, { id: 't1', name: 'a' }],
    [
      'keeps nested read-only-looking keys',
      't1',
      { trigger: { version: 2 } },
      { id: 't1', trigger: { version: 2 } },
    ],
  ])('%s', (_, id, spec, expected) => {
    const normalized = normalizeSpec(id, spec);
    expect(normalized).toEqual(expected);
    expect(Object.keys(normalized)[0]).toBe('id');
  });
});

describe('areJsonEqual', () => {
  it.each([
    ['equal scalars', 1, 1, true],
    ['a number and its text', 1, '1', false],
    ['null and an empty object', null, {}, false],
    [
      'objects in another key order',
      { a: 1, b: [1, { c: 2, d: 3 }] },
      { b: [1, { d: 3, c: 2 }], a: 1 },
      true,
    ],
    ['arrays in another order', [1, 2], [2, 1], false],
    ['an array and an object with index keys', [1], { 0: 1 }, false],
    ['a missing key and an undefined one', { a: 1 }, { a: 1, b: undefined }, true],
    ['a missing key and a null one', { a: 1 }, { a: 1, b: null }, false],
    ['a nested difference', { a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }, false],
    ['different lengths', [1, 2], [1, 2, 3], false],
  ])('%s', (_, left, right, expected) => {
    expect(areJsonEqual(left, right)).toBe(expected);
    expect(areJsonEqual(right, left)).toBe(expected);
  });
});
