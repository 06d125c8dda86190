/** The run-list query of the runs page's filters (the time range becomes an instant before now). */
import type { RunListQuery } from '../api/api-client';
import type { RunFilters } from '../router/routes';

/** Time ranges offered on the runs page: each the runs created in the last `ms`. */
export const RUN_TIME_RANGES: readonly {
  readonly value: string;
  readonly label: string;
  readonly ms: number;
}[] = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

/**
 * The query of `GET /api/runs` for these filters; an unknown time range filters nothing.
 * @example toRunListQuery({ since: '1h', source: 'cli' }, Date.now())
 */
export function toRunListQuery(filters: RunFilters, nowMs: number): RunListQuery {
  const range = RUN_TIME_RANGES.find((entry) => entry.value === filters.since);
  return {
    ...(filters.state ? { states: filters.state.split(',') } : {}),
    ...(filters.testId ? { testId: filters.testId } : {}),
    ...(range ? { createdAfter: new Date(nowMs - range.ms).toISOString() } : {}),
    ...(filters.source ? { source: filters.source } : {}),
    ...(filters.branch ? { branch: filters.branch } : {}),
  };
}
