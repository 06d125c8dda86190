/** The cells every table of runs shares: state, when, how long, pass/fail counts and source. */
import type { TestRunView } from '../api/api-types';
import { formatTimeAgo, formatTimestamp } from '../format/format-time';
import { RunStateBadge } from './run-state-badge';

export function RunSummaryCells(props: { readonly run: TestRunView; readonly now: number }) {
  const { run, now } = props;
  return (
    <>
      <td>
        <RunStateBadge run={run} />
      </td>
      <td>
        <time dateTime={run.createdAt} title={formatTimestamp(run.createdAt)}>
          {formatTimeAgo(run.createdAt, now)}
        </time>
      </td>
      <td>{run.executionTime}s</td>
      <td>
        <span className="counts">
          <span className="count-passed">✔ {run.pass}</span>
          <span className="count-failed">✘ {run.fail}</span>
        </span>
      </td>
      <td className="muted">{run.source}</td>
    </>
  );
}
