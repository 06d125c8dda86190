/** Times of runs and events as people read them. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long ago `iso` was, relative to `nowMs`: "just now", "5 minutes ago", "3 hours ago",
 * "2 days ago"; older than a month, the date.
 * @example formatTimeAgo('2025-01-01T10:00:00Z', Date.parse('2025-01-01T10:05:00Z')) // '5 minutes ago'
 */
export function formatTimeAgo(iso: string, nowMs: number): string {
  const thenMs = Date.parse(iso);
  if (Number.isNaN(thenMs)) return iso;
  const elapsedMs = nowMs - thenMs;
  if (elapsedMs < MINUTE_MS) return 'just now';
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  if (elapsedMs < HOUR_MS) return plural(Math.floor(elapsedMs / MINUTE_MS), 'minute');
  if (elapsedMs < DAY_MS) return plural(Math.floor(elapsedMs / HOUR_MS), 'hour');
  if (elapsedMs < 30 * DAY_MS) return plural(Math.floor(elapsedMs / DAY_MS), 'day');
  return new Date(thenMs).toISOString().slice(0, 10);
}

/** A timestamp to the second, in the reader's time zone, for a title or a table cell. */
export function formatTimestamp(iso: string): string {
  const thenMs = Date.parse(iso);
  if (Number.isNaN(thenMs)) return iso;
  return new Date(thenMs).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * Offset of `iso` after `startIso`, as `+1.234s` (for an event log that reads top to bottom).
 * @example formatOffset('2025-01-01T10:00:00Z', '2025-01-01T10:00:01.5Z') // '+1.500s'
 */
export function formatOffset(startIso: string, iso: string): string {
  const offsetMs = Date.parse(iso) - Date.parse(startIso);
  if (Number.isNaN(offsetMs)) return '';
  return `${offsetMs < 0 ? '-' : '+'}${(Math.abs(offsetMs) / 1000).toFixed(3)}s`;
}
