/**
 * The runs of a monitor, newest first: when, scheduled or manual, the verdict, the test and suite
 * runs it started (linked) and the result of each webhook call; with "Run now". While a run goes on
 * (or its alerts are being sent) the list reads itself again every few seconds.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { MonitorRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { TimeAgo } from '../components/time-ago';
import { VerdictIcon } from '../components/verdict-icon';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

const PAGE_SIZE = 20;
const REFRESH_MS = 3000;

function isGoingOn(run: MonitorRunView): boolean {
  return run.state === 'CREATED' || run.state === 'EXECUTING' || run.alertsPending;
}

function Verdict({ run }: { readonly run: MonitorRunView }) {
  if (run.verdict === null) {
    return <span className="muted">{run.state === 'FAILED' ? 'Failed to run' : 'Running…'}</span>;
  }
  return (
    <span className={run.verdict ? 'verdict-passed' : 'verdict-failed'}>
      <VerdictIcon verdict={run.verdict ? 'passed' : 'failed'} /> {run.verdict ? 'Passed' : 'Failed'}
    </span>
  );
}

function StartedRuns({ run }: { readonly run: MonitorRunView }) {
  if (run.runs.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {run.runs.map((target) => (
        <li key={`${target.kind}-${target.id}`}>
          {target.runId === null ? (
            <span>
              {target.kind} <code>{target.id}</code>:{' '}
              <span className="result-error">{target.error ?? 'not started'}</span>
            </span>
          ) : target.kind === 'test' ? (
            <Link to={hrefOf({ page: 'run', testId: target.id, runId: String(target.runId), tab: 'trace' })}>
              {target.id} #{target.runId}
            </Link>
          ) : (
            <Link to={hrefOf({ page: 'suite-run', suiteId: target.id, runId: String(target.runId) })}>
              suite {target.id} #{target.runId}
            </Link>
          )}
        </li>
      ))}
    </ul>
  );
}

function Deliveries({ run }: { readonly run: MonitorRunView }) {
  if (run.alerts.length === 0) {
    return <span className="muted">{run.alertsPending ? 'Sending…' : 'None'}</span>;
  }
  return (
    <ul className="plain-list">
      {run.alerts.map((alert) => (
        <li key={`${alert.alertId}-${alert.deliveredAt}`} className={alert.ok ? undefined : 'result-error'}>
          {alert.ok ? '✔' : '✘'} {alert.event.toLowerCase()} → <code>{alert.url}</code>:{' '}
          {alert.status === null ? 'no answer' : `HTTP ${alert.status}`}
          {alert.attempts > 1 ? ` after ${alert.attempts} attempts` : ''}
          {alert.error ? ` (${alert.error})` : ''}
        </li>
      ))}
    </ul>
  );
}

export function MonitorRuns({ monitorId }: { readonly monitorId: string }) {
  const api = useApi();
  const runs = useLoad(
    () => api.listMonitorRuns(monitorId, { take: PAGE_SIZE }),
    `monitor-runs:${monitorId}`,
  );
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const goingOn = runs.status === 'ready' && runs.data.items.some(isGoingOn);
  const { reload } = runs;
  useEffect(() => {
    if (!goingOn) return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  });
  const runNow = () => {
    setStarting(true);
    setError(null);
    api.runMonitor(monitorId).then(
      () => {
        setStarting(false);
        reload();
      },
      (reason: unknown) => {
        setStarting(false);
        setError(reason instanceof ApiError ? reason.detail : String(reason));
      },
    );
  };
  const now = Date.now();
  return (
    <section aria-labelledby="monitor-runs-title">
      <div className="page-header">
        <h2 id="monitor-runs-title">Runs</h2>
        <div className="header-actions">
          {error ? (
            <span className="inline-error" role="alert">
              {error}
            </span>
          ) : null}
          <button type="button" className="button button-primary" disabled={starting} onClick={runNow}>
            {starting ? 'Starting…' : 'Run now'}
          </button>
        </div>
      </div>
      {runs.status === 'loading' ? <p className="loading">Loading runs…</p> : null}
      {runs.status === 'error' ? <ErrorMessage error={runs.error} onRetry={runs.reload} /> : null}
      {runs.status === 'ready' && runs.data.items.length === 0 ? (
        <p className="empty-hint">This monitor has not run yet: press Run now, or wait for its schedule.</p>
      ) : null}
      {runs.status === 'ready' && runs.data.items.length > 0 ? (
        <table className="data-table" aria-label="Monitor runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Time</th>
              <th scope="col">Verdict</th>
              <th scope="col">Started</th>
              <th scope="col">Webhooks</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.items.map((run) => (
              <tr key={run.id}>
                <td>
                  #{run.id} <span className="muted small">{run.executionType.toLowerCase()}</span>
                </td>
                <td>
                  <TimeAgo at={run.createdAt} now={now} />
                </td>
                <td>
                  <Verdict run={run} />
                  {run.lastError ? <div className="result-error small">{run.lastError}</div> : null}
                </td>
                <td>
                  <StartedRuns run={run} />
                </td>
                <td>
                  <Deliveries run={run} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {runs.status === 'ready' && runs.data.count > runs.data.items.length ? (
        <p className="muted small">
          The {runs.data.items.length} newest of {runs.data.count} runs.
        </p>
      ) : null}
    </section>
  );
}
