/** When something happened, as "3 min ago", its full timestamp in the tooltip. */
import { formatTimeAgo, formatTimestamp } from '../format/format-time';

export function TimeAgo({
  at,
  now,
  className,
}: {
  /** An ISO timestamp, e.g. a run's `createdAt`. */
  readonly at: string;
  /** Epoch milliseconds the age is counted to. */
  readonly now: number;
  readonly className?: string;
}) {
  return (
    <time dateTime={at} title={formatTimestamp(at)} className={className}>
      {formatTimeAgo(at, now)}
    </time>
  );
}
