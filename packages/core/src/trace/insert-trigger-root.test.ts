import { describe, expect, it } from 'vitest';
import { buildTrace, F1, type FixtureSpan, msAfterT0, spanIdOf } from '../testing/index';
import { insertTriggerRoot, type TriggerRootInput } from './insert-trigger-root';
import type { Trace } from './model';

/** Fixture F2 of SPEC §12.5: fetched from the store, no trigger span. */
const F2_ROWS: readonly FixtureSpan[] = [
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
    kind: 'internal',
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
    kind: 'internal',
    startMs: 11,
    endMs: 13,
    attributes: { event_type: 'click', 'http.url': 'x' },
  },
  { id: 6, parent: 3, name: 'E', startMs: 6, endMs: 7, attributes: { 'faas.trigger': 'http' } },
  { id: 7, parent: 3, name: 'F', startMs: 8, endMs: 9, attributes: { 'exception.message': 'boom' } },
  { id: 8, parent: 3, name: 'documentLoad', startMs: 8, endMs: 9, attributes: { 'http.url': 'x' } },
  { id: 9, parent: 3, name: 'G', startMs: 8, endMs: 9, attributes: { 'messaging.system': 'kafka' } },
  { id: 10, parent: 3, name: 'H', startMs: 10, endMs: 10.0015 },
];

const TRIGGER_ID = spanIdOf(0x77);
/** Trigger run window of §12.5: 0–1000 ms. */
const TRIGGER: TriggerRootInput = {
  spanId: TRIGGER_ID,
  startTimeUnixNano: msAfterT0(0),
  endTimeUnixNano: msAfterT0(1000),
};

const ids = (trace: Trace) =>
  trace.spans.map((s) => (s.id === TRIGGER_ID ? 'trigger' : Number.parseInt(s.id, 16)));

describe('insertTriggerRoot', () => {
  it('T01: creates a general "Tracetest trigger" root over the orphans of F2', () => {
    const trace = insertTriggerRoot(buildTrace(F2_ROWS), TRIGGER);
    const root = trace.spans[0]!;
    expect(root).toMatchObject({
      id: TRIGGER_ID,
      parentId: null,
      name: 'Tracetest trigger',
      type: 'general',
    });
    expect(root.attributes.get('tracetest.span.type')).toBe('general');
    expect(root.attributes.get('tracetest.span.duration')).toBe('1000000000');
    expect(root.attributes.get('service.name')).toBe('tracetest');
    expect(trace.children[0]!.map((i) => trace.spans[i]!.id)).toEqual([spanIdOf(3), spanIdOf(2)]);
  });

  it('T05: orders the new trace trigger,3,6,7,8,9,10,2,5,4 (ties by end time, then span id)', () => {
    expect(ids(insertTriggerRoot(buildTrace(F2_ROWS), TRIGGER))).toEqual([
      'trigger',
      3,
      6,
      7,
      8,
      9,
      10,
      2,
      5,
      4,
    ]);
  });

  it('Q26: rewrites the parent id of every former orphan to the trigger root', () => {
    const trace = insertTriggerRoot(buildTrace(F2_ROWS), TRIGGER);
    for (const id of [2, 3]) {
      const span = trace.spans[trace.indexById.get(spanIdOf(id))!]!;
      expect(span.parentId).toBe(TRIGGER_ID);
      expect(span.attributes.get('tracetest.span.parent_id')).toBe(TRIGGER_ID);
    }
    expect(trace.spans.some((s) => s.name === 'Temporary Tracetest root span')).toBe(false);
    expect(Array.from(trace.subtreeEnd)).toEqual([10, 7, 3, 4, 5, 6, 7, 10, 9, 10]);
  });

  it('keeps the types and attributes of the collected spans', () => {
    const trace = insertTriggerRoot(buildTrace(F2_ROWS), TRIGGER);
    const typeOf = (id: number) => trace.spans[trace.indexById.get(spanIdOf(id))!]!.type;
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
    const h = trace.spans[trace.indexById.get(spanIdOf(10))!]!;
    expect(h.attributes.get('tracetest.span.duration')).toBe('1500');
  });

  it('puts a single former root under the trigger and rewrites its parent id', () => {
    const trace = insertTriggerRoot(
      buildTrace([
        { id: 1, name: 'GET /', kind: 'server', startMs: 5, endMs: 50, attributes: { 'http.method': 'GET' } },
        { id: 2, parent: 1, name: 'child', startMs: 6, endMs: 7 },
      ]),
      TRIGGER,
    );
    expect(ids(trace)).toEqual(['trigger', 1, 2]);
    expect(Array.from(trace.parentIndex)).toEqual([-1, 0, 1]);
    expect(trace.spans[1]!.attributes.get('tracetest.span.parent_id')).toBe(TRIGGER_ID);
  });

  it('adopts spans whose parent is the trigger span id the trigger propagated', () => {
    const trace = insertTriggerRoot(
      buildTrace([
        { id: 1, parent: TRIGGER_ID, name: 'POST /orders', kind: 'server', startMs: 5, endMs: 50 },
        { id: 2, parent: TRIGGER_ID, name: 'async', startMs: 60, endMs: 70 },
      ]),
      TRIGGER,
    );
    expect(ids(trace)).toEqual(['trigger', 1, 2]);
    expect(trace.children[0]).toEqual([1, 2]);
  });

  it('gives an empty trace the trigger span alone', () => {
    const trace = insertTriggerRoot(buildTrace([]), TRIGGER);
    expect(ids(trace)).toEqual(['trigger']);
    expect(trace.spans[0]!.attributes.get('tracetest.span.start_time')).toBe(String(msAfterT0(0)));
  });

  it('augments an existing "Tracetest trigger" root instead of adding one', () => {
    const trace = insertTriggerRoot(F1, {
      ...TRIGGER,
      response: {
        statusCode: 202,
        body: '{"ok":true}',
        headers: [{ key: 'Content-Type', value: 'application/json' }],
      },
    });
    expect(trace.spans.map((s) => s.id)).toEqual(F1.spans.map((s) => s.id));
    const root = trace.spans[0]!;
    expect(root.id).toBe(spanIdOf(1));
    expect(root.startTimeUnixNano).toBe(F1.spans[0]!.startTimeUnixNano);
    expect(root.type).toBe('general');
    expect(root.attributes.get('tracetest.response.status')).toBe('202');
    expect(root.attributes.get('tracetest.response.body')).toBe('{"ok":true}');
    expect(root.attributes.get('tracetest.response.headers')).toBe(
      '[{"key":"Content-Type","value":"application/json"}]',
    );
    expect(root.attributes.get('service.name')).toBe('tracetest');
    // The input trace is left as it was.
    expect(F1.spans[0]!.attributes.get('tracetest.response.status')).toBe('201');
  });

  it('makes a trigger root that is already augmented stay the same when augmented again', () => {
    const once = insertTriggerRoot(buildTrace(F2_ROWS), { ...TRIGGER, response: { statusCode: 200 } });
    const twice = insertTriggerRoot(once, { ...TRIGGER, response: { statusCode: 200 } });
    expect(twice.spans).toEqual(once.spans);
  });

  it.each([
    [
      'an HTTP response',
      {
        statusCode: 201,
        body: 'created',
        headers: [
          { key: 'X-A', value: '1' },
          { key: 'X-A', value: '2' },
        ],
      },
      { status: '201', body: 'created', headers: '[{"key":"X-A","value":"1"},{"key":"X-A","value":"2"}]' },
    ],
    [
      'a gRPC response with metadata',
      { statusCode: '5', body: '{\n  "id": "7"\n}', headers: [] },
      { status: '5', body: '{\n  "id": "7"\n}', headers: '[]' },
    ],
    [
      'a response without headers',
      { statusCode: 204, body: '', headers: null },
      { status: '204', body: '', headers: 'null' },
    ],
    ['no response', undefined, { status: undefined, body: undefined, headers: undefined }],
  ])(
    'exposes %s as tracetest.response.* on the new root, after inferring its type',
    (_, response, expected) => {
      const trace = insertTriggerRoot(buildTrace(F2_ROWS), { ...TRIGGER, response });
      const root = trace.spans[0]!;
      expect({
        status: root.attributes.get('tracetest.response.status'),
        body: root.attributes.get('tracetest.response.body'),
        headers: root.attributes.get('tracetest.response.headers'),
      }).toEqual(expected);
      expect(root.attributes.get('tracetest.span.type')).toBe('general');
      expect(root.attributes.get('service.name')).toBe('tracetest');
    },
  );
});
