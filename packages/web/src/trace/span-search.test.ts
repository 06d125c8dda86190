import { buildTrace, spanIdOf } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import { isSelectorQuery, searchSpans, stepMatch } from './span-search';

const TRACE = buildTrace([
  {
    id: 1,
    name: 'POST /orders',
    kind: 'server',
    startMs: 0,
    endMs: 100,
    attributes: { 'http.method': 'POST' },
  },
  {
    id: 2,
    parent: 1,
    name: 'SELECT orders',
    kind: 'client',
    startMs: 10,
    endMs: 20,
    attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM Orders' },
  },
  {
    id: 3,
    parent: 1,
    name: 'publish',
    kind: 'producer',
    startMs: 30,
    endMs: 31,
    attributes: { 'messaging.system': 'kafka' },
  },
  {
    id: 4,
    parent: 3,
    name: 'INSERT shipments',
    kind: 'client',
    startMs: 40,
    endMs: 50,
    attributes: { 'db.system': 'postgresql' },
  },
]);

function namesOf(indexes: readonly number[]): string[] {
  return indexes.map((index) => TRACE.spans[index]!.name);
}

describe('isSelectorQuery', () => {
  it.each([
    { query: 'span[name="x"]', selector: true },
    { query: '  span [ name="x"]', selector: true },
    { query: ', span[]', selector: true },
    { query: 'span', selector: false },
    { query: 'spans of checkout', selector: false },
    { query: 'POST /orders', selector: false },
  ])('reads "$query" as a selector: $selector', ({ query, selector }) => {
    expect(isSelectorQuery(query)).toBe(selector);
  });
});

describe('searchSpans', () => {
  it.each([
    { query: 'select', names: ['SELECT orders'] },
    { query: 'postgresql', names: ['SELECT orders', 'INSERT shipments'] },
    { query: 'FROM orders', names: ['SELECT orders'] },
    { query: 'messaging.', names: ['publish'] },
    { query: spanIdOf(4), names: ['INSERT shipments'] },
    { query: 'producer', names: ['publish'] },
    { query: 'nothing like this', names: [] },
  ])('finds "$query" in names, ids, kinds and attributes', ({ query, names }) => {
    const result = searchSpans(TRACE, query);
    expect(result.kind === 'matches' && result.mode).toBe('text');
    expect(result.kind === 'matches' ? namesOf(result.indexes) : null).toEqual(names);
  });

  it.each([
    { query: 'span[db.system="postgresql"]', names: ['SELECT orders', 'INSERT shipments'] },
    { query: 'span[tracetest.span.type="messaging"] span[]', names: ['INSERT shipments'] },
    // Results come in tree order, whatever the order of the comma parts.
    {
      query: 'span[name="INSERT shipments"], span[name="POST /orders"]',
      names: ['POST /orders', 'INSERT shipments'],
    },
    { query: 'span[name="nope"]', names: [] },
  ])('evaluates the selector $query', ({ query, names }) => {
    const result = searchSpans(TRACE, query);
    expect(result.kind === 'matches' && result.mode).toBe('selector');
    expect(result.kind === 'matches' ? namesOf(result.indexes) : null).toEqual(names);
  });

  it('marks the matches in a mask over the spans', () => {
    const result = searchSpans(TRACE, 'span[kind="client"]');
    expect(result.kind === 'matches' ? [...result.mask] : null).toEqual([0, 1, 0, 1]);
  });

  it.each([
    { query: "span[name='x']", column: 11 },
    { query: 'span[name="x"', column: 14 },
  ])('reports the syntax error of $query at column $column', ({ query, column }) => {
    const result = searchSpans(TRACE, query);
    expect(result.kind).toBe('error');
    if (result.kind !== 'error') return;
    expect(result.line).toBe(1);
    expect(result.column).toBe(column);
    expect(result.message).toContain(`column ${column}`);
  });

  it('is empty for blank text', () => {
    expect(searchSpans(TRACE, '   ').kind).toBe('empty');
  });
});

describe('stepMatch', () => {
  const matches = [2, 5, 9];
  it.each([
    { selected: null, direction: 'next', to: 2 },
    { selected: null, direction: 'previous', to: 9 },
    { selected: 2, direction: 'next', to: 5 },
    { selected: 3, direction: 'next', to: 5 },
    { selected: 9, direction: 'next', to: 2 },
    { selected: 5, direction: 'previous', to: 2 },
    { selected: 6, direction: 'previous', to: 5 },
    { selected: 2, direction: 'previous', to: 9 },
    { selected: 0, direction: 'previous', to: 9 },
    { selected: 10, direction: 'next', to: 2 },
  ] as const)('from $selected, $direction goes to $to', ({ selected, direction, to }) => {
    expect(stepMatch(matches, selected, direction)).toBe(to);
  });

  it('gives -1 without matches', () => {
    expect(stepMatch([], 3, 'next')).toBe(-1);
  });
});
