/** The Events tab: the run's event log, each decision of the pipeline in plain words, in order. */
import type { RunEventView, TestRunView } from '../api/api-types';
import { describeRunState } from '../components/describe-run-state';
import { formatOffset, formatTimestamp } from '../format/format-time';

export function EventsTab({
  run,
  events,
}: {
  readonly run: TestRunView;
  readonly events: readonly RunEventView[];
}) {
  if (events.length === 0) {
    return (
      <p className="empty-hint">
        {describeRunState(run).final
          ? 'This run recorded no event.'
          : 'No event yet: each step of the run (trigger, trace collection, analyzer, assertions) adds one here as it happens.'}
      </p>
    );
  }
  return (
    <ol className="event-log" aria-label="Run events">
      {events.map((event) => (
        <li key={event.seq} className={`event event-${event.type.toLowerCase()}`}>
          <time dateTime={event.createdAt} title={formatTimestamp(event.createdAt)} className="event-time">
            {formatOffset(run.createdAt, event.createdAt)}
          </time>
          <span className="event-stage">{event.stage.replaceAll('_', ' ').toLowerCase()}</span>
          <div className="event-text">
            <strong>{event.title}</strong>
            {event.description ? <p>{event.description}</p> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
