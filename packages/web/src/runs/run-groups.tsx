/**
 * Run groups (runs started together: one CI job, one monitor tick), newest first, each with one
 * verdict; a group opens to list its test runs and suite runs, linked.
 */
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { RunGroupView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { RunStateBadge } from '../components/run-state-badge';
import { TimeAgo } from '../components/time-ago';
import { VerdictIcon } from '../components/verdict-icon';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

const PAGE_SIZE = 50;

function GroupVerdict({ group }: { readonly group: RunGroupView }) {
  if (group.verdict === null) {
    return <span className="muted">{group.state === 'CREATED' ? 'No run yet' : 'Running…'}</span>;
  }
  return (
    <span className={group.verdict ? 'verdict-passed' : 'verdict-failed'}>
      <VerdictIcon verdict={group.verdict ? 'passed' : 'failed'} /> {group.verdict ? 'Passed' : 'Failed'}
    </span>
  );
}

function GroupMembers({ groupId }: { readonly groupId: string }) {
  const api = useApi();
  const group = useLoad(() => api.getRunGroup(groupId), `run-group:${groupId}`);
  if (group.status === 'loading') return <p className="loading">Loading the group’s runs…</p>;
  if (group.status === 'error') return <ErrorMessage error={group.error} onRetry={group.reload} />;
  const { runs, suiteRuns } = group.data;
  if (runs.length === 0 && suiteRuns.length === 0) return <p className="muted">No run in this group yet.</p>;
  return (
    <ul className="plain-list" aria-label={`Runs of group ${groupId}`}>
      {runs.map((run) => (
        <li key={`test-${run.testId}-${run.id}`}>
          <RunStateBadge run={run} />{' '}
          <Link to={hrefOf({ page: 'run', testId: run.testId, runId: run.id, tab: 'trace' })}>
            {run.testId} #{run.id}
          </Link>
        </li>
      ))}
      {suiteRuns.map((suiteRun) => (
        <li key={`suite-${suiteRun.testSuiteId}-${suiteRun.id}`}>
          <Link to={hrefOf({ page: 'suite-run', suiteId: suiteRun.testSuiteId, runId: String(suiteRun.id) })}>
            suite {suiteRun.testSuiteId} #{suiteRun.id}
          </Link>{' '}
          <span className="muted small">{suiteRun.state.toLowerCase()}</span>
          {suiteRun.steps.length > 0 ? (
            <ul className="plain-list nested-list">
              {suiteRun.steps.map((step) => (
                <li key={`${step.testId}-${step.id}`}>
                  <RunStateBadge run={step} />{' '}
                  <Link to={hrefOf({ page: 'run', testId: step.testId, runId: step.id, tab: 'trace' })}>
                    {step.testId} #{step.id}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function RunGroups() {
  const api = useApi();
  const groups = useLoad(() => api.listRunGroups({ take: PAGE_SIZE }), 'run-groups');
  const [open, setOpen] = useState<string | null>(null);
  const now = Date.now();
  return (
    <section aria-labelledby="run-groups-title" className="run-groups">
      <h2 id="run-groups-title">Run groups</h2>
      {groups.status === 'loading' ? <p className="loading">Loading run groups…</p> : null}
      {groups.status === 'error' ? <ErrorMessage error={groups.error} onRetry={groups.reload} /> : null}
      {groups.status === 'ready' && groups.data.items.length === 0 ? (
        <p className="empty-hint">
          No run group yet. Runs started together join one:{' '}
          <code>tracecheck run test -f a.yaml -f b.yaml</code> or a monitor’s tick.
        </p>
      ) : null}
      {groups.status === 'ready' && groups.data.items.length > 0 ? (
        <table className="data-table" aria-label="Run groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Verdict</th>
              <th scope="col">Runs</th>
              <th scope="col">Started</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.items.map((group) => (
              <tr key={group.id}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={open === group.id}
                    onClick={() => setOpen(open === group.id ? null : group.id)}
                  >
                    {group.id}
                  </button>
                  {open === group.id ? <GroupMembers groupId={group.id} /> : null}
                </td>
                <td>
                  <GroupVerdict group={group} />
                </td>
                <td>
                  <span className="count-passed">✔ {group.summary.passed}</span>{' '}
                  <span className="count-failed">✘ {group.summary.failed}</span>
                  {group.summary.running > 0 ? (
                    <span className="muted"> · {group.summary.running} running</span>
                  ) : null}
                </td>
                <td>
                  <TimeAgo at={group.createdAt} now={now} />
                </td>
                <td>{group.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
