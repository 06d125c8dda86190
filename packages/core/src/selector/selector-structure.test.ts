import { describe, expect, it } from 'vitest';
import { parseSelector } from './parse-selector';
import { selectorStructure } from './selector-structure';

describe('selectorStructure (SPEC §9.5)', () => {
  it('describes filters with the literal as text: numbers as written (Q1), strings unquoted', () => {
    expect(
      selectorStructure(parseSelector('span[tracetest.span.type="http" app.total=1.5 ok=true d>100ms]')),
    ).toEqual([
      {
        filters: [
          { property: 'tracetest.span.type', operator: '=', value: 'http' },
          { property: 'app.total', operator: '=', value: '1.5' },
          { property: 'ok', operator: '=', value: 'true' },
          { property: 'd', operator: '>', value: '100ms' },
        ],
      },
    ]);
  });

  it('gives a presence filter the operator "exists" and no value', () => {
    expect(selectorStructure(parseSelector('span[http.route]'))).toEqual([
      { filters: [{ property: 'http.route', operator: 'exists' }] },
    ]);
  });

  it('links compounds with combinator and childSelector, one entry per comma part', () => {
    expect(selectorStructure(parseSelector('span[a] > span[b] span[c]:nth_child(2), span[d]'))).toEqual([
      {
        filters: [{ property: 'a', operator: 'exists' }],
        combinator: 'child',
        childSelector: {
          filters: [{ property: 'b', operator: 'exists' }],
          combinator: 'descendant',
          childSelector: {
            filters: [{ property: 'c', operator: 'exists' }],
            pseudoClass: { name: 'nth_child', argument: 2 },
            pseudoClasses: [{ name: 'nth_child', argument: 2 }],
          },
        },
      },
      { filters: [{ property: 'd', operator: 'exists' }] },
    ]);
  });

  it('lists every pseudo-class in source order and keeps the last positional one as pseudoClass', () => {
    expect(
      selectorStructure(parseSelector('span[]:first:has(> span[a] span[b], span[c]):not(span[d]):last')),
    ).toEqual([
      {
        filters: [],
        pseudoClass: { name: 'last' },
        pseudoClasses: [
          { name: 'first' },
          {
            name: 'has',
            argument: [
              {
                filters: [{ property: 'a', operator: 'exists' }],
                combinator: 'descendant',
                childSelector: { filters: [{ property: 'b', operator: 'exists' }] },
                leadingCombinator: 'child',
              },
              { filters: [{ property: 'c', operator: 'exists' }], leadingCombinator: 'descendant' },
            ],
          },
          { name: 'not', argument: [{ filters: [{ property: 'd', operator: 'exists' }] }] },
          { name: 'last' },
        ],
      },
    ]);
  });

  it('is empty for the empty selector', () => {
    expect(selectorStructure(parseSelector(''))).toEqual([]);
  });
});
