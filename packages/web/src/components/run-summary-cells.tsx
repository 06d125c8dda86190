/** The cells every table of runs shares: state, when, how long, pass/fail counts and source. */
import type { TestRunView } from '../api/api-types';
import { PassFailCounts } from './pass-fail-counts';
import { RunStateBadge } from './run-state-badge';
import { TimeAgo } from './time-ago';

export function RunSummaryCells(props: { readonly run: TestRunView; readonly now: number }) {
  const { run, now } = props;
  return (
    <>
      <td>
        <RunStateBadge run={run} />
      </td>
      <td>
        <TimeAgo at={run.createdAt} now={now} />
      </td>
      <td>{run.executionTime}s</td>
      <td>
        <PassFailCounts pass={run.pass} fail={run.fail} />
      </td>
      <td className="muted">{run.source}</td>
    </>
  );
}
