import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute, type RunFilters } from '../router/routes';
import { checkTimeRange, fromLocalInputValue, toLocalInputValue, toRunListQuery } from './run-list-query';

const NOW_MS = Date.parse('2026-01-10T12:00:00.000Z');

describe('toRunListQuery', () => {
  it.each<{ filters: RunFilters; query: object }>([
    { filters: {}, query: {} },
    { filters: { state: 'FINISHED,STOPPED' }, query: { states: ['FINISHED', 'STOPPED'] } },
    { filters: { since: '1h' }, query: { createdAfter: '2026-01-10T11:00:00.000Z' } },
    { filters: { since: '7d' }, query: { createdAfter: '2026-01-03T12:00:00.000Z' } },
    { filters: { since: 'forever' }, query: {} },
    {
      filters: { testId: 'order-api', source: 'cli', branch: 'main' },
      query: { testId: 'order-api', source: 'cli', branch: 'main' },
    },
    {
      filters: { from: '2026-01-09T08:00:00.000Z', to: '2026-01-09T09:30:00.000Z' },
      query: { createdAfter: '2026-01-09T08:00:00.000Z', createdBefore: '2026-01-09T09:30:00.000Z' },
    },
    // A custom range wins over a fixed one; each end may come alone.
    {
      filters: { since: '1h', from: '2026-01-09T08:00:00.000Z' },
      query: { createdAfter: '2026-01-09T08:00:00.000Z' },
    },
    { filters: { to: '2026-01-09T10:00:00+02:00' }, query: { createdBefore: '2026-01-09T08:00:00.000Z' } },
    { filters: { from: '2026-01-09' }, query: { createdAfter: '2026-01-09T00:00:00.000Z' } },
  ])('$filters', ({ filters, query }) => {
    expect(toRunListQuery(filters, NOW_MS)).toEqual({ ok: true, query });
  });

  it('sends nothing for a custom range that is not valid, and says why', () => {
    const result = toRunListQuery(
      { state: 'FINISHED', from: '2026-01-09T10:00:00.000Z', to: '2026-01-09T09:00:00.000Z' },
      NOW_MS,
    );
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('“From” is after “To”') });
  });
});

describe('checkTimeRange', () => {
  it.each([
    {
      range: { from: '2026-01-09T10:00:00.000Z', to: '2026-01-09T09:00:00.000Z' },
      problem: '“From” is after “To”',
    },
    { range: { from: '2026-01-09T10:00:00.000Z', to: '2026-01-09T10:00:00.000Z' }, problem: 'same instant' },
    { range: { from: 'yesterday' }, problem: '“From” (“yesterday”) is not a date and time' },
    { range: { to: '1' }, problem: '“To” (“1”) is not a date and time' },
    { range: { from: '2026-13-45T99:00Z' }, problem: '“From” (“2026-13-45T99:00Z”) is not a date and time' },
  ])('$range → $problem', ({ range, problem }) => {
    const checked = checkTimeRange(range);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toContain(problem);
  });

  it('accepts an open range', () => {
    expect(checkTimeRange({})).toEqual({ ok: true });
  });
});

describe('the datetime-local boxes', () => {
  it.each(['2026-01-09T08:00:00.000Z', '2026-06-30T23:59:00.000Z', '2026-03-29T01:30:00.000Z'])(
    'show %s in local time and read it back',
    (iso) => {
      const local = toLocalInputValue(iso);
      expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
      expect(fromLocalInputValue(local)).toBe(iso);
    },
  );

  it('leave an empty or unfinished box out', () => {
    expect(fromLocalInputValue('')).toBeUndefined();
    expect(fromLocalInputValue('2026-01-09')).toBeUndefined();
    expect(toLocalInputValue(undefined)).toBe('');
    expect(toLocalInputValue('soon')).toBe('');
  });
});

describe('the runs page URL', () => {
  it('keeps every filter through parse and print', () => {
    const route = {
      page: 'runs' as const,
      filters: { state: 'FAILED', testId: 'a b', since: '24h', source: 'cli', branch: 'feat/x' },
    };
    const href = hrefOf(route);
    expect(href).toBe('/runs?state=FAILED&testId=a+b&since=24h&source=cli&branch=feat%2Fx');
    const url = new URL(href, 'http://dashboard');
    expect(parseRoute(url.pathname, url.search)).toEqual(route);
  });

  it('keeps a custom time range', () => {
    const route = {
      page: 'runs' as const,
      filters: { from: '2026-01-09T08:00:00.000Z', to: '2026-01-09T09:30:00.000Z', source: 'web' },
    };
    const href = hrefOf(route);
    expect(href).toBe('/runs?from=2026-01-09T08%3A00%3A00.000Z&to=2026-01-09T09%3A30%3A00.000Z&source=web');
    const url = new URL(href, 'http://dashboard');
    expect(parseRoute(url.pathname, url.search)).toEqual(route);
  });
});
