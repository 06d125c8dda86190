import { describe, expect, it } from 'vitest';
import { editDistance, findCliResource } from './cli-resources';

describe('findCliResource', () => {
  it.each([
    ['test', 'tests'],
    ['Tests', 'tests'],
    ['transaction', 'testsuites'],
    ['transactions', 'testsuites'],
    ['variablesets', 'variablesets'],
    ['pollingprofile', 'pollingprofiles'],
    ['monitors', 'monitors'],
  ])('%s → /api/%s', (name, plural) => {
    expect(findCliResource(name).plural).toBe(plural);
  });

  it.each([
    ['tset', 'test'],
    ['testsuit', 'testsuite'],
    ['datastor', 'datastore'],
    ['analyser', 'analyzer'],
    ['varaibleset', 'variableset'],
  ])('suggests the closest name for %s', (name, suggestion) => {
    expect(() => findCliResource(name)).toThrow(`Did you mean "${suggestion}"?`);
  });

  it('suggests nothing for a name far from every resource', () => {
    expect(() => findCliResource('widgets')).toThrow(/^unknown resource "widgets"\. Resources: test, /);
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
