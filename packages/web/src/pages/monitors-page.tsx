/** Every monitor of the environment: tests and suites run on a schedule, with alerts when they fail. */
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import type { MonitorSpecView } from '../resources/resource-types';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

export function MonitorsPage() {
  useDocumentTitle('Monitors');
  const api = useApi();
  const monitors = useLoad(
    () => api.listResources<MonitorSpecView>('monitors', { take: 200, sortBy: 'name', sortDirection: 'asc' }),
    'monitors',
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>Monitors</h1>
        <Link to={hrefOf({ page: 'monitor-editor' })} className="button button-primary">
          New monitor
        </Link>
      </div>
      {monitors.status === 'loading' ? <p className="loading">Loading monitors…</p> : null}
      {monitors.status === 'error' ? <ErrorMessage error={monitors.error} onRetry={monitors.reload} /> : null}
      {monitors.status === 'ready' && monitors.data.items.length === 0 ? (
        <section className="empty-state" aria-label="No monitors yet">
          <h2>No monitor yet</h2>
          <p>
            A monitor runs tests and suites on a schedule (a cron expression in a time zone) and calls a
            webhook when a run fails: synthetic monitoring with the same specs as CI.
          </p>
        </section>
      ) : null}
      {monitors.status === 'ready' && monitors.data.items.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Monitor</th>
              <th scope="col">Schedule</th>
              <th scope="col">Runs</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {monitors.data.items.map(({ spec }) => (
              <tr key={spec.id}>
                <td>
                  <Link to={hrefOf({ page: 'monitor-editor', monitorId: spec.id })} className="row-title">
                    {spec.name || spec.id}
                  </Link>
                  <div className="muted small">
                    {(spec.tests ?? []).length} tests, {(spec.testSuites ?? []).length} suites
                  </div>
                </td>
                <td>
                  <code>{spec.schedule?.cron ?? '—'}</code>{' '}
                  <span className="muted">{spec.schedule?.timeZone ?? 'UTC'}</span>
                </td>
                <td>{spec.summary?.runs ?? 0}</td>
                <td>
                  <span className={`state-badge ${spec.enabled ? 'tone-passed' : 'tone-stopped'}`}>
                    {spec.enabled ? 'Enabled' : 'Paused'}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
