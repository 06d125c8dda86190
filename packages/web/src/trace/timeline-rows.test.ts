import { buildTrace, spanIdOf } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import {
  barOf,
  computeDepths,
  computeTimeRange,
  computeTimeTicks,
  findRow,
  listVisibleRows,
} from './timeline-rows';

/**
 * 1 root (0–100 ms)
 * ├─ 2 (10–50)
 * │  ├─ 3 (12–20)
 * │  └─ 4 (30–45)
 * │     └─ 5 (31–32)
 * └─ 6 (60–90)
 */
const TREE = buildTrace([
  { id: 1, name: 'root', startMs: 0, endMs: 100 },
  { id: 2, parent: 1, name: 'a', startMs: 10, endMs: 50 },
  { id: 3, parent: 2, name: 'a1', startMs: 12, endMs: 20 },
  { id: 4, parent: 2, name: 'a2', startMs: 30, endMs: 45 },
  { id: 5, parent: 4, name: 'a2x', startMs: 31, endMs: 32 },
  { id: 6, parent: 1, name: 'b', startMs: 60, endMs: 90 },
]);

/** Index in tree order of the span with fixture id `n`. */
function indexOf(n: number): number {
  return TREE.indexById.get(spanIdOf(n))!;
}

function collapsedMask(...ids: number[]): Uint8Array {
  const mask = new Uint8Array(TREE.spans.length);
  for (const id of ids) mask[indexOf(id)] = 1;
  return mask;
}

function namesOf(rows: Int32Array): string[] {
  return [...rows].map((index) => TREE.spans[index]!.name);
}

describe('computeDepths', () => {
  it('gives each span its distance from the root', () => {
    const depths = computeDepths(TREE);
    expect(TREE.spans.map((span, index) => [span.name, depths[index]])).toEqual([
      ['root', 0],
      ['a', 1],
      ['a1', 2],
      ['a2', 2],
      ['a2x', 3],
      ['b', 1],
    ]);
  });

  it('handles a chain of 20,000 spans without recursion', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      id: i + 1,
      parent: i === 0 ? null : i,
      name: `s${i}`,
      startMs: i / 1000,
      endMs: 200,
    }));
    const depths = computeDepths(buildTrace(rows));
    expect(depths[19_999]).toBe(19_999);
  });
});

describe('listVisibleRows', () => {
  it.each([
    { collapsed: [], rows: ['root', 'a', 'a1', 'a2', 'a2x', 'b'] },
    { collapsed: [4], rows: ['root', 'a', 'a1', 'a2', 'b'] },
    { collapsed: [2], rows: ['root', 'a', 'b'] },
    { collapsed: [2, 4], rows: ['root', 'a', 'b'] },
    { collapsed: [1], rows: ['root'] },
    { collapsed: [6], rows: ['root', 'a', 'a1', 'a2', 'a2x', 'b'] },
  ])('with $collapsed collapsed shows $rows', ({ collapsed, rows }) => {
    expect(namesOf(listVisibleRows(TREE, collapsedMask(...collapsed)))).toEqual(rows);
  });
});

describe('findRow', () => {
  const rows = listVisibleRows(TREE, collapsedMask(4));
  it.each([
    { id: 1, row: 0 },
    { id: 4, row: 3 },
    { id: 6, row: 4 },
    { id: 5, row: -1 },
  ])('finds span $id at row $row', ({ id, row }) => {
    expect(findRow(rows, indexOf(id))).toBe(row);
  });
});

describe('time axis', () => {
  const range = computeTimeRange(TREE);

  it('covers the earliest start to the latest end', () => {
    expect(range.durationNs).toBe(100_000_000);
    expect(range.endNs - range.startNs).toBe(100_000_000n);
  });

  it.each([
    { id: 1, left: 0, width: 1 },
    { id: 2, left: 0.1, width: 0.4 },
    { id: 6, left: 0.6, width: 0.3 },
  ])('places the bar of span $id at $left, $width wide', ({ id, left, width }) => {
    const span = TREE.spans[indexOf(id)]!;
    const bar = barOf(range, span.startTimeUnixNano, span.endTimeUnixNano);
    expect(bar.left).toBeCloseTo(left, 9);
    expect(bar.width).toBeCloseTo(width, 9);
  });

  it('keeps a bar inside the axis when a span ends after it', () => {
    const bar = barOf(range, range.startNs + 90_000_000n, range.endNs + 50_000_000n);
    expect(bar.left + bar.width).toBeLessThanOrEqual(1);
  });

  it.each([
    { durationNs: 230_000_000, maxTicks: 6, ticks: [0, 50e6, 100e6, 150e6, 200e6] },
    { durationNs: 1_000, maxTicks: 5, ticks: [0, 200, 400, 600, 800, 1000] },
    { durationNs: 9, maxTicks: 3, ticks: [0, 5] },
    { durationNs: 0, maxTicks: 6, ticks: [0] },
  ])('ticks $durationNs ns with at most about $maxTicks ticks', ({ durationNs, maxTicks, ticks }) => {
    expect(computeTimeTicks(durationNs, maxTicks)).toEqual(ticks);
  });
});
