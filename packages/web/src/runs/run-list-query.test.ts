import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from '../router/routes';
import { toRunListQuery } from './run-list-query';

const NOW_MS = Date.parse('2026-01-10T12:00:00.000Z');

describe('toRunListQuery', () => {
  it.each([
    { filters: {}, query: {} },
    { filters: { state: 'FINISHED,STOPPED' }, query: { states: ['FINISHED', 'STOPPED'] } },
    { filters: { since: '1h' }, query: { createdAfter: '2026-01-10T11:00:00.000Z' } },
    { filters: { since: '7d' }, query: { createdAfter: '2026-01-03T12:00:00.000Z' } },
    { filters: { since: 'forever' }, query: {} },
    {
      filters: { testId: 'order-api', source: 'cli', branch: 'main' },
      query: { testId: 'order-api', source: 'cli', branch: 'main' },
    },
  ])('$filters', ({ filters, query }) => {
    expect(toRunListQuery(filters, NOW_MS)).toEqual(query);
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
});
