import { buildTrace, spanIdOf } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import type { AssertionResultsView, SpecResultView } from '../api/api-types';
import { countResultsBySpan, maskOfSpanIds, summarizeSpec, titleOfSpec } from './test-results';

const TRACE = buildTrace([
  { id: 1, name: 'root', startMs: 0, endMs: 10 },
  { id: 2, parent: 1, name: 'a', startMs: 1, endMs: 2 },
  { id: 3, parent: 1, name: 'b', startMs: 3, endMs: 4 },
]);

const SPEC: SpecResultView = {
  selector: { query: 'span[name="a"], span[name="b"]' },
  results: [
    {
      assertion: 'attr:x = 1',
      allPassed: false,
      spanResults: [
        { spanId: spanIdOf(2), observedValue: '1', passed: true },
        { spanId: spanIdOf(3), observedValue: '2', passed: false, error: 'no match' },
      ],
    },
    {
      assertion: 'attr:y = 1',
      allPassed: true,
      spanResults: [
        { spanId: spanIdOf(2), observedValue: '1', passed: true },
        { spanId: spanIdOf(3), observedValue: '1', passed: true },
      ],
    },
  ],
};

const META_SPEC: SpecResultView = {
  name: 'nothing selected',
  selector: { query: 'span[name="zzz"]' },
  results: [
    {
      assertion: 'attr:tracetest.selected_spans.count = 1',
      allPassed: false,
      spanResults: [{ spanId: null, observedValue: '0', passed: false, error: 'no match' }],
    },
  ],
};

describe('countResultsBySpan', () => {
  it('counts span-level results on each span; results without a span are left out', () => {
    const results: AssertionResultsView = { allPassed: false, results: [SPEC, META_SPEC] };
    const counts = countResultsBySpan(TRACE, results);
    expect([...counts.passed]).toEqual([0, 2, 1]);
    expect([...counts.failed]).toEqual([0, 0, 1]);
  });
});

describe('summarizeSpec', () => {
  it.each([
    { spec: SPEC, passed: 3, failed: 1, spanIds: [spanIdOf(2), spanIdOf(3)] },
    { spec: META_SPEC, passed: 0, failed: 1, spanIds: [] },
  ])('counts $passed passed and $failed failed', ({ spec, passed, failed, spanIds }) => {
    expect(summarizeSpec(spec)).toEqual({ passed, failed, spanIds });
  });
});

describe('maskOfSpanIds', () => {
  it('marks the named spans and ignores unknown ids', () => {
    expect([...maskOfSpanIds(TRACE, [spanIdOf(3), 'ffffffffffffffff'])]).toEqual([0, 0, 1]);
  });
});

describe('titleOfSpec', () => {
  it.each([
    { spec: { name: 'Named', selector: { query: 'span[]' } }, title: 'Named' },
    { spec: { selector: { query: 'span[a="1"]' } }, title: 'span[a="1"]' },
    { spec: { selector: { query: '' } }, title: 'All Spans' },
    { spec: { name: '', selector: { query: ' ' } }, title: 'All Spans' },
  ])('is "$title"', ({ spec, title }) => {
    expect(titleOfSpec(spec)).toBe(title);
  });
});
