import { describe, expect, it } from 'vitest';
import { buildTrace, F1, spanIdOf } from '../testing/index';

const ids = (t: { spans: readonly { id: string }[] }) => t.spans.map((s) => Number.parseInt(s.id, 16));

describe('assembleTrace', () => {
  it('orders F1 in tree order with derived attributes', () => {
    expect(ids(F1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(F1.spans.map((s) => s.type)).toEqual([
      'general',
      'http',
      'database',
      'http',
      'http',
      'database',
      'messaging',
      'messaging',
      'http',
      'http',
      'general',
    ]);
    expect(F1.spans.map((s) => s.attributes.get('tracetest.span.duration'))).toEqual([
      '1000000000',
      '890000000',
      '50000000',
      '220000000',
      '200000000',
      '1500000',
      '20000000',
      '300000000',
      '50000000',
      '40000000',
      '50000000',
    ]);
    expect(F1.spans[2]!.attributes.get('tracetest.span.parent_id')).toBe(spanIdOf(2));
    expect(F1.spans[0]!.attributes.get('tracetest.span.parent_id')).toBe('0000000000000000');
    expect(F1.spans[0]!.attributes.get('span.events')).toBe('[]');
    expect(Array.from(F1.subtreeEnd)).toEqual([11, 11, 3, 6, 6, 6, 11, 11, 9, 10, 11]);
  });

  it('builds a temporary root over several orphans and breaks ties by end time then id (T05)', () => {
    const t = buildTrace([
      {
        id: 2,
        parent: '00000000000000aa',
        name: 'A',
        kind: 'server',
        startMs: 10,
        endMs: 20,
        attributes: { 'http.method': 'GET' },
      },
      {
        id: 3,
        parent: '00000000000000bb',
        name: 'B',
        startMs: 5,
        endMs: 30,
        attributes: { 'db.system': 'x' },
      },
      {
        id: 4,
        parent: 2,
        name: 'C',
        kind: 'client',
        startMs: 12,
        endMs: 15,
        attributes: { 'rpc.system': 'grpc' },
      },
      {
        id: 5,
        parent: 2,
        name: 'D',
        startMs: 11,
        endMs: 13,
        attributes: { event_type: 'click', 'http.url': 'x' },
      },
      { id: 6, parent: 3, name: 'E', startMs: 6, endMs: 7, attributes: { 'faas.trigger': 'http' } },
      { id: 9, parent: 3, name: 'G', startMs: 8, endMs: 9, attributes: { 'messaging.system': 'kafka' } },
      { id: 8, parent: 3, name: 'documentLoad', startMs: 8, endMs: 9, attributes: { 'http.url': 'x' } },
      { id: 7, parent: 3, name: 'F', startMs: 8, endMs: 9, attributes: { 'exception.message': 'boom' } },
      { id: 10, parent: 3, name: 'H', startMs: 10, endMs: 10.0015 },
    ]);
    expect(t.spans[0]!.name).toBe('Temporary Tracetest root span');
    expect(ids(t).slice(1)).toEqual([3, 6, 7, 8, 9, 10, 2, 5, 4]);
    const typeOf = (n: number) => t.spans[t.indexById.get(spanIdOf(n))!]!.type;
    expect([3, 2, 4, 5, 6, 7, 8, 9, 10].map(typeOf)).toEqual([
      'database',
      'http',
      'rpc',
      'general',
      'faas',
      'exception',
      'general',
      'messaging',
      'general',
    ]);
    expect(t.spans[t.indexById.get(spanIdOf(10))!]!.attributes.get('tracetest.span.duration')).toBe('1500');
  });

  it('assembles a 100k-span chain without recursion', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: i + 1,
      parent: i === 0 ? null : i,
      name: `s${i}`,
      startMs: i,
      endMs: i + 1,
    }));
    const t = buildTrace(rows);
    expect(t.spans.length).toBe(100_000);
    expect(t.subtreeEnd[0]).toBe(100_000);
    expect(t.parentIndex[99_999]).toBe(99_998);
  });

  it('survives a parent cycle', () => {
    const t = buildTrace([
      { id: 1, name: 'root', startMs: 0, endMs: 10 },
      { id: 2, parent: 3, name: 'a', startMs: 1, endMs: 2 },
      { id: 3, parent: 2, name: 'b', startMs: 2, endMs: 3 },
    ]);
    expect(t.spans.length).toBe(4);
    expect(t.spans[0]!.name).toBe('Temporary Tracetest root span');
  });
});
