import { buildTrace, type FixtureSpan, spanIdOf } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import { computeShapeIds, layoutTraceGraph, NODE_WIDTH_PX } from './layout-trace-graph';
import { toGraphInput } from './to-graph-input';

/**
 * root
 * ├─ item (×3, same shape: item → [db, http])     ids 10.., 20.., 30..
 * ├─ item whose db span failed                    id 40..
 * └─ done
 */
function item(base: number, startMs: number, failed = false): FixtureSpan[] {
  return [
    { id: base, parent: 1, name: 'item', startMs, endMs: startMs + 5 },
    {
      id: base + 1,
      parent: base,
      name: 'SELECT',
      startMs: startMs + 1,
      endMs: startMs + 2,
      attributes: { 'db.system': 'postgresql' },
      ...(failed ? { status: { code: 'STATUS_CODE_ERROR' as const, message: 'deadlock' } } : {}),
    },
    {
      id: base + 2,
      parent: base,
      name: 'GET',
      startMs: startMs + 3,
      endMs: startMs + 4,
      attributes: { 'http.method': 'GET' },
    },
  ];
}

const TRACE = buildTrace([
  { id: 1, name: 'root', startMs: 0, endMs: 100 },
  ...item(10, 10),
  ...item(20, 20),
  ...item(30, 30),
  ...item(40, 40, true),
  { id: 50, parent: 1, name: 'done', startMs: 90, endMs: 95 },
]);

function indexOf(id: number): number {
  return TRACE.indexById.get(spanIdOf(id))!;
}

describe('computeShapeIds', () => {
  it('gives equal subtrees equal ids, and different ones different ids', () => {
    const shapes = computeShapeIds(toGraphInput(TRACE));
    expect(shapes[indexOf(10)]).toBe(shapes[indexOf(20)]);
    expect(shapes[indexOf(10)]).toBe(shapes[indexOf(30)]);
    expect(shapes[indexOf(10)]).not.toBe(shapes[indexOf(40)]);
    expect(shapes[indexOf(11)]).toBe(shapes[indexOf(21)]);
    expect(shapes[indexOf(11)]).not.toBe(shapes[indexOf(12)]);
  });
});

describe('layoutTraceGraph', () => {
  const layout = layoutTraceGraph(toGraphInput(TRACE));
  const nodes = Array.from(layout.nodeSpan, (span, node) => ({
    name: TRACE.spans[span]!.name,
    count: layout.nodeCount[node],
    parent: layout.nodeParent[node],
  }));

  it('draws repeated sibling subtrees once, with their count; a failing copy stays apart', () => {
    expect(nodes).toEqual([
      { name: 'root', count: 1, parent: -1 },
      { name: 'item', count: 3, parent: 0 },
      { name: 'SELECT', count: 1, parent: 1 },
      { name: 'GET', count: 1, parent: 1 },
      { name: 'item', count: 1, parent: 0 },
      { name: 'SELECT', count: 1, parent: 4 },
      { name: 'GET', count: 1, parent: 4 },
      { name: 'done', count: 1, parent: 0 },
    ]);
  });

  it('maps every span to the node that shows it, copies included', () => {
    expect([10, 20, 30].map((id) => layout.nodeOfSpan[indexOf(id)])).toEqual([1, 1, 1]);
    expect([12, 22, 32].map((id) => layout.nodeOfSpan[indexOf(id)])).toEqual([3, 3, 3]);
    expect(layout.nodeOfSpan[indexOf(41)]).toBe(5);
    expect([...layout.nodeOfSpan].every((node) => node >= 0)).toBe(true);
  });

  it('puts each depth on its own row, parents over the middle of their children, without overlaps', () => {
    expect(layout.nodeY[1]).toBeGreaterThan(layout.nodeY[0]!);
    expect(layout.nodeY[1]).toBe(layout.nodeY[4]);
    expect(layout.nodeX[1]).toBe((layout.nodeX[2]! + layout.nodeX[3]!) / 2);
    const rows = new Map<number, number[]>();
    for (let node = 0; node < layout.nodeSpan.length; node++) {
      rows.set(layout.nodeY[node]!, [...(rows.get(layout.nodeY[node]!) ?? []), layout.nodeX[node]!]);
    }
    for (const xs of rows.values()) {
      const sorted = [...xs].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(NODE_WIDTH_PX);
    }
    expect(layout.width).toBeGreaterThan(Math.max(...layout.nodeX));
  });

  it('collapses 10,000 identical items into one node', () => {
    const rows: FixtureSpan[] = [{ id: 1, name: 'root', startMs: 0, endMs: 1000 }];
    for (let i = 0; i < 10_000; i++) rows.push(...item(100 + i * 3, i / 20));
    const big = layoutTraceGraph(toGraphInput(buildTrace(rows)));
    expect(Array.from(big.nodeCount)).toEqual([1, 10_000, 1, 1]);
  });
});
