import { buildTrace } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import { diffTraces, structuralKeys } from './diff-traces';

const BASELINE = buildTrace([
  { id: 1, name: 'GET /orders', startMs: 0, endMs: 100 },
  { id: 2, parent: 1, name: 'SELECT orders', startMs: 10, endMs: 20 },
  { id: 3, parent: 1, name: 'SELECT orders', startMs: 30, endMs: 40 },
  { id: 4, parent: 1, name: 'cache get', startMs: 50, endMs: 52 },
]);

describe('structuralKeys', () => {
  it('keys spans by their path of names from the root and their occurrence among same-named siblings', () => {
    const keys = structuralKeys(BASELINE);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[a-z]+:GET \/orders#0$/);
    expect(keys.filter((key) => key.endsWith(':SELECT orders#0'))).toHaveLength(1);
    expect(keys.filter((key) => key.endsWith(':SELECT orders#1'))).toHaveLength(1);
    expect(keys[1]!.startsWith(`${keys[0]}/`)).toBe(true);
  });
});

describe('diffTraces', () => {
  it('finds nothing between a trace and itself', () => {
    const diff = diffTraces(BASELINE, BASELINE);
    expect(diff).toMatchObject({ added: 0, missing: 0, slower: 0, faster: 0, matched: 4 });
    expect(diff.changes).toEqual([]);
  });

  it('matches spans by structure, not by span id, and reports added, missing, slower and faster ones', () => {
    const current = buildTrace([
      { id: 11, name: 'GET /orders', startMs: 0, endMs: 103 },
      { id: 12, parent: 11, name: 'SELECT orders', startMs: 10, endMs: 40 }, // 10 ms → 30 ms: slower
      { id: 13, parent: 11, name: 'SELECT orders', startMs: 45, endMs: 47 }, // 10 ms → 2 ms: faster
      { id: 14, parent: 11, name: 'publish order', startMs: 60, endMs: 70 }, // new
    ]);
    const diff = diffTraces(current, BASELINE, { percent: 20, milliseconds: 5 });
    expect(diff).toMatchObject({ added: 1, missing: 1, slower: 1, faster: 1, matched: 3 });
    expect(diff.changes.map((change) => [change.change, change.name])).toEqual([
      ['slower', 'SELECT orders'],
      ['faster', 'SELECT orders'],
      ['added', 'publish order'],
      ['missing', 'cache get'],
    ]);
    expect(diff.changes[0]).toMatchObject({ currentMs: 30, baselineMs: 10, depth: 1 });
  });

  it('needs both thresholds to call a span slower', () => {
    const current = buildTrace([
      { id: 1, name: 'GET /orders', startMs: 0, endMs: 104 }, // +4 ms: under 5 ms
      { id: 2, parent: 1, name: 'SELECT orders', startMs: 10, endMs: 21 }, // +1 ms
      { id: 3, parent: 1, name: 'SELECT orders', startMs: 30, endMs: 40 },
      { id: 4, parent: 1, name: 'cache get', startMs: 50, endMs: 52 },
    ]);
    expect(diffTraces(current, BASELINE, { percent: 20, milliseconds: 5 }).changes).toEqual([]);
    const strict = diffTraces(current, BASELINE, { percent: 1, milliseconds: 0.5 });
    expect(strict.changes.map((change) => change.name)).toEqual(['GET /orders', 'SELECT orders']);
  });

  it('refuses negative thresholds with a clear error', () => {
    expect(() => diffTraces(BASELINE, BASELINE, { percent: -1, milliseconds: 5 })).toThrow(/≥ 0/);
  });
});
