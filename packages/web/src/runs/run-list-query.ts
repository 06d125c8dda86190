/**
 * The run-list query of the runs page's filters: a fixed time range becomes an instant before now, a
 * custom range (`from`, `to`) is checked and sent as `createdAfter` / `createdBefore`.
 */
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

/** A date, optionally with a time and a zone, as ISO 8601 writes it (`2026-01-10`, `2026-01-10T09:30Z`). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The instant of an ISO 8601 text, or `undefined` when it is not one. */
function parseInstant(text: string): number | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A custom time range, checked: the instants to send, or what is wrong with it. */
export type TimeRangeCheck =
  | { readonly ok: true; readonly createdAfter?: string; readonly createdBefore?: string }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks the custom time range of the filters: each end, when given, must be an ISO 8601 date and
 * time, and `from` must come before `to`.
 * @example checkTimeRange({ from: '2026-01-10T09:00:00.000Z', to: '2026-01-10T08:00:00.000Z' }).ok // false
 */
export function checkTimeRange(filters: Pick<RunFilters, 'from' | 'to'>): TimeRangeCheck {
  const ends = [
    { text: filters.from, name: 'From' },
    { text: filters.to, name: 'To' },
  ].map(({ text, name }) => {
    if (!text) return { name, text, ms: undefined, bad: false };
    const ms = parseInstant(text);
    return { name, text, ms, bad: ms === undefined };
  });
  const bad = ends.find((end) => end.bad);
  if (bad !== undefined) {
    return {
      ok: false,
      problem:
        `“${bad.name}” (“${bad.text}”) is not a date and time: pick one in the ${bad.name} box, or write it ` +
        'in the URL as ISO 8601 (2026-01-10T09:00:00Z).',
    };
  }
  const [from, to] = ends;
  if (from?.ms !== undefined && to?.ms !== undefined && from.ms >= to.ms) {
    return {
      ok: false,
      problem:
        from.ms === to.ms
          ? '“From” and “To” are the same instant, so no run can fall between them: pick a later “To”.'
          : '“From” is after “To”, so no run can fall between them: pick an earlier “From” or a later “To”.',
    };
  }
  return {
    ok: true,
    ...(from?.ms === undefined ? {} : { createdAfter: new Date(from.ms).toISOString() }),
    ...(to?.ms === undefined ? {} : { createdBefore: new Date(to.ms).toISOString() }),
  };
}

/** True when the filters hold a custom time range (it wins over `since`). */
export function hasCustomTimeRange(filters: RunFilters): boolean {
  return Boolean(filters.from || filters.to);
}

/**
 * The query of `GET /api/runs` for these filters, or the problem of their custom time range. An
 * unknown fixed range filters nothing; a custom range wins over a fixed one.
 * @example toRunListQuery({ since: '1h', source: 'cli' }, Date.now())
 */
export function toRunListQuery(
  filters: RunFilters,
  nowMs: number,
): { readonly ok: true; readonly query: RunListQuery } | { readonly ok: false; readonly problem: string } {
  let time: { createdAfter?: string; createdBefore?: string } = {};
  if (hasCustomTimeRange(filters)) {
    const range = checkTimeRange(filters);
    if (!range.ok) return range;
    const { ok: _ok, ...instants } = range;
    time = instants;
  } else {
    const range = RUN_TIME_RANGES.find((entry) => entry.value === filters.since);
    if (range) time = { createdAfter: new Date(nowMs - range.ms).toISOString() };
  }
  return {
    ok: true,
    query: {
      ...(filters.state ? { states: filters.state.split(',') } : {}),
      ...(filters.testId ? { testId: filters.testId } : {}),
      ...time,
      ...(filters.source ? { source: filters.source } : {}),
      ...(filters.branch ? { branch: filters.branch } : {}),
    },
  };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * The value of a `datetime-local` box for an instant of the URL, in the reader's time zone (to the
 * minute); empty when the text is not an instant.
 */
export function toLocalInputValue(iso: string | undefined): string {
  const ms = iso === undefined ? undefined : parseInstant(iso);
  if (ms === undefined) return '';
  const date = new Date(ms);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/**
 * The instant (ISO 8601, UTC) a `datetime-local` box's value stands for in the reader's time zone;
 * `undefined` when the box is empty or not complete. The URL keeps instants, so a shared link means
 * the same runs in every time zone.
 */
export function fromLocalInputValue(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  // Without a zone, a date and time is read in the local time zone.
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
