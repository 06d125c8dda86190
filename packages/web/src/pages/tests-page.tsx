/** Every test of the environment: search, sort, the state and counts of each one's last run. */
import { useState } from 'react';
import type { SortDirection, TestSortField } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { TestRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { FirstRunGuide } from '../components/first-run-guide';
import { PassFailCounts } from '../components/pass-fail-counts';
import { RunStateBadge } from '../components/run-state-badge';
import { RunTestButton } from '../components/run-test-button';
import { TimeAgo } from '../components/time-ago';
import { useDebouncedValue } from '../components/use-debounced-value';
import { useDocumentTitle } from '../components/use-document-title';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

const SORTS: readonly { value: string; label: string; sortBy: TestSortField; direction: SortDirection }[] = [
  { value: 'last_run', label: 'Last run', sortBy: 'last_run', direction: 'desc' },
  { value: 'name', label: 'Name', sortBy: 'name', direction: 'asc' },
  { value: 'created', label: 'Newest', sortBy: 'createdAt', direction: 'desc' },
];

const PAGE_SIZE = 200;
/** The latest runs read to show each test's last state; older last runs show counts only. */
const RECENT_RUNS = 100;

/** The newest run of each test among `runs` (newest first). */
function latestRunByTest(runs: readonly TestRunView[]): Map<string, TestRunView> {
  const latest = new Map<string, TestRunView>();
  for (const run of runs) if (!latest.has(run.testId)) latest.set(run.testId, run);
  return latest;
}

export function TestsPage() {
  useDocumentTitle('Tests');
  const api = useApi();
  const [query, setQuery] = useState('');
  const [sortValue, setSortValue] = useState('last_run');
  const settledQuery = useDebouncedValue(query.trim(), 250);
  const sort = SORTS.find((entry) => entry.value === sortValue) ?? SORTS[0]!;
  const tests = useLoad(
    () =>
      api.listTests({
        ...(settledQuery ? { query: settledQuery } : {}),
        sortBy: sort.sortBy,
        sortDirection: sort.direction,
        take: PAGE_SIZE,
      }),
    `${settledQuery}|${sort.value}`,
  );
  const recent = useLoad(() => api.listRuns({ take: RECENT_RUNS }), 'recent-runs');
  const latest =
    recent.status === 'ready' ? latestRunByTest(recent.data.items) : new Map<string, TestRunView>();
  const now = Date.now();

  if (tests.status === 'ready' && tests.data.count === 0 && settledQuery === '') {
    return (
      <div className="page">
        <div className="page-header">
          <h1>Tests</h1>
          <Link to={hrefOf({ page: 'test-editor' })} className="button button-primary">
            Create a test
          </Link>
        </div>
        <p className="muted">
          No test yet. Create one with the form (or import a cURL command, a Postman request or a YAML file),
          or follow these steps from a terminal.
        </p>
        <FirstRunGuide />
      </div>
    );
  }

  return (
    <div className="page">
      <div className="page-header">
        <h1>Tests</h1>
        {tests.status === 'ready' ? (
          <span className="muted">
            {tests.data.count} {tests.data.count === 1 ? 'test' : 'tests'}
          </span>
        ) : null}
        <Link to={hrefOf({ page: 'test-editor' })} className="button button-primary header-end-action">
          New test
        </Link>
      </div>
      <div className="toolbar">
        <label className="field">
          <span className="sr-only">Search tests by name or id</span>
          <input
            type="search"
            className="search-input"
            placeholder="Search tests by name or id"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </label>
        <label className="field field-inline">
          <span>Sort by</span>
          <select value={sortValue} onChange={(event) => setSortValue(event.target.value)}>
            {SORTS.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {tests.status === 'loading' ? <p className="loading">Loading tests…</p> : null}
      {tests.status === 'error' ? <ErrorMessage error={tests.error} onRetry={tests.reload} /> : null}
      {tests.status === 'ready' && tests.data.items.length === 0 ? (
        <p className="empty-hint">
          No test matches “{settledQuery}”. Search looks in names and ids; clear the box to see every test.
        </p>
      ) : null}
      {tests.status === 'ready' && tests.data.items.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Test</th>
              <th scope="col">Trigger</th>
              <th scope="col">Runs</th>
              <th scope="col">Last run</th>
              <th scope="col">Last results</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tests.data.items.map(({ spec }) => {
              const lastRun = latest.get(spec.id);
              const summary = spec.summary;
              const lastTime = summary?.lastRun.time ?? null;
              return (
                <tr key={spec.id}>
                  <td>
                    <Link to={hrefOf({ page: 'test', testId: spec.id })} className="row-title">
                      {spec.name || spec.id}
                    </Link>
                    {spec.description ? <div className="muted small">{spec.description}</div> : null}
                  </td>
                  <td>
                    <span className="trigger-badge">{spec.trigger.type.toUpperCase()}</span>
                  </td>
                  <td>{summary?.runs ?? 0}</td>
                  <td>
                    {lastRun ? (
                      <Link
                        to={hrefOf({ page: 'run', testId: spec.id, runId: lastRun.id, tab: 'trace' })}
                        aria-label={`Run ${lastRun.id} of ${spec.name || spec.id}`}
                      >
                        <RunStateBadge run={lastRun} />
                      </Link>
                    ) : null}{' '}
                    {lastTime ? (
                      <TimeAgo at={lastTime} now={now} className="muted" />
                    ) : (
                      <span className="muted">never run</span>
                    )}
                  </td>
                  <td>
                    {lastTime ? (
                      <PassFailCounts
                        pass={summary?.lastRun.passes ?? 0}
                        fail={summary?.lastRun.fails ?? 0}
                        titled
                      />
                    ) : null}
                  </td>
                  <td className="actions">
                    <RunTestButton testId={spec.id} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
