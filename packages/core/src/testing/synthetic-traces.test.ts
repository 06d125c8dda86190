import { describe, expect, it } from 'vitest';
import { assembleTrace } from '../trace/assemble-trace';
import { isSpanId, isTraceId, type TraceId } from '../trace/model';
import { createSeededRandom, deepChainSpans, randomOtlpBatch, randomTreeSpans } from './synthetic-traces';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c' as TraceId;

describe('createSeededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const values = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(createSeededRandom(43).next()).not.toBe(values[0]);
  });
});

describe('randomOtlpBatch', () => {
  const batch = randomOtlpBatch(512, 1);

  it('is deterministic for a seed and differs between seeds', () => {
    expect(randomOtlpBatch(512, 1)).toEqual(batch);
    expect(randomOtlpBatch(512, 2)).not.toEqual(batch);
  });

  it('has the requested number of spans, all sharing one resource and one scope', () => {
    expect(batch).toHaveLength(512);
    expect(new Set(batch.map((r) => r.resource)).size).toBe(1);
    expect(new Set(batch.map((r) => r.scope)).size).toBe(1);
    const resourceKeys = batch[0]!.resource.attributes.map((a) => a.key);
    expect(resourceKeys).toEqual(
      expect.arrayContaining(['service.name', 'telemetry.sdk.language', 'host.name']),
    );
  });

  it('looks like an SDK export: valid ids, several traces, ~10 attributes, some events and errors', () => {
    expect(batch.every((r) => isTraceId(r.traceId) && isSpanId(r.spanId))).toBe(true);
    expect(new Set(batch.map((r) => r.spanId)).size).toBe(512);
    const traces = new Set(batch.map((r) => r.traceId));
    expect(traces.size).toBeGreaterThan(5);
    const attributeCounts = batch.map((r) => r.attributes.length);
    expect(Math.min(...attributeCounts)).toBeGreaterThanOrEqual(10);
    expect(batch.some((r) => r.events.length > 0)).toBe(true);
    expect(batch.some((r) => r.links.length > 0)).toBe(true);
    expect(batch.some((r) => r.status?.code === 'STATUS_CODE_ERROR')).toBe(true);
    const valueTypes = new Set(batch.flatMap((r) => r.attributes.map((a) => a.value.type)));
    expect([...valueTypes].sort()).toEqual(['array', 'bool', 'double', 'int', 'string']);
  });

  it('forms one tree per trace, children inside the time window of their parent', () => {
    const byId = new Map(batch.map((r) => [r.spanId, r]));
    for (const record of batch) {
      expect(record.startTimeUnixNano).toBeLessThan(record.endTimeUnixNano);
      if (record.parentSpanId === null) continue;
      const parent = byId.get(record.parentSpanId)!;
      expect(parent.traceId).toBe(record.traceId);
      expect(record.startTimeUnixNano).toBeGreaterThanOrEqual(parent.startTimeUnixNano);
      expect(record.endTimeUnixNano).toBeLessThanOrEqual(parent.endTimeUnixNano);
    }
    expect(batch.filter((r) => r.parentSpanId === null)).toHaveLength(
      new Set(batch.map((r) => r.traceId)).size,
    );
  });
});

describe('randomTreeSpans', () => {
  it('assembles into one tree of n spans with a realistic mix of types', () => {
    const spans = randomTreeSpans(2000, 7);
    expect(randomTreeSpans(2000, 7)).toEqual(spans);
    const trace = assembleTrace(TRACE_ID, spans);
    expect(trace.spans).toHaveLength(2000);
    expect(trace.spans[0]!.parentId).toBeNull();
    expect(trace.subtreeEnd[0]).toBe(2000);
    const types = new Set(trace.spans.map((s) => s.type));
    expect([...types].sort()).toEqual(['database', 'general', 'http', 'messaging']);
    expect(new Set(spans.map((s) => s.attributes.get('service.name'))).size).toBeGreaterThan(2);
  });
});

describe('deepChainSpans', () => {
  it('builds a chain where every span is the only child of the previous one', () => {
    const trace = assembleTrace(TRACE_ID, deepChainSpans(10_000));
    expect(trace.spans).toHaveLength(10_000);
    expect(trace.parentIndex[9_999]).toBe(9_998);
    expect(trace.subtreeEnd[0]).toBe(10_000);
    expect(trace.spans[9_999]!.attributes.get('depth')).toBe('9999');
  });
});
