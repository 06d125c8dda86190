/** One test suite: its steps in order, and its runs with the run of each step. */
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { ActionButton } from '../components/action-button';
import { DeleteButton } from '../components/delete-button';
import { ErrorMessage } from '../components/error-message';
import { PassFailCounts } from '../components/pass-fail-counts';
import { RunStateBadge } from '../components/run-state-badge';
import { RunsSection } from '../components/runs-section';
import { TimeAgo } from '../components/time-ago';
import { useDocumentTitle } from '../components/use-document-title';
import type { SuiteSpecView } from '../resources/resource-types';
import { Link, navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';
import { SuiteRunStateBadge } from '../suites/suite-run-state-badge';
import { isSuiteRunFinal } from '../suites/suite-run-view';

export function SuitePage({ suiteId }: { readonly suiteId: string }) {
  const api = useApi();
  const suite = useLoad(() => api.getResource<SuiteSpecView>('testsuites', suiteId), `suite:${suiteId}`);
  const tests = useLoad(() => api.listTests({ take: 500 }), 'suite-tests');
  const runs = useLoad(() => api.listSuiteRuns(suiteId, { take: 50 }), `suite-runs:${suiteId}`);
  const name = suite.status === 'ready' ? suite.data.spec.name || suiteId : suiteId;
  useDocumentTitle(name);
  const testNames = new Map(
    tests.status === 'ready' ? tests.data.items.map(({ spec }) => [spec.id, spec.name || spec.id]) : [],
  );
  const now = Date.now();
  if (suite.status === 'error') {
    return (
      <div className="page">
        <p className="breadcrumbs">
          <Link to="/testsuites">← Suites</Link>
        </p>
        <ErrorMessage error={suite.error} onRetry={suite.reload} />
      </div>
    );
  }
  const spec = suite.status === 'ready' ? suite.data.spec : null;
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/testsuites">← Suites</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>
            {name} {spec?.version ? <span className="muted version">v{spec.version}</span> : null}
          </h1>
          {spec?.description ? <p>{spec.description}</p> : null}
        </div>
        <div className="header-actions">
          <Link to={hrefOf({ page: 'suite-editor', suiteId })} className="button">
            Edit
          </Link>
          {spec ? (
            <DeleteButton
              what={`suite “${name}”`}
              onDelete={() => api.deleteResource('testsuites', suiteId).then(() => navigate('/testsuites'))}
            />
          ) : null}
          <ActionButton
            label="Run suite"
            busyLabel="Starting…"
            primary
            action={() => api.runSuite(suiteId)}
            onDone={(run) => navigate(hrefOf({ page: 'suite-run', suiteId, runId: run.id }))}
          />
        </div>
      </div>
      {suite.status === 'loading' ? <p className="loading">Loading suite…</p> : null}
      {spec ? (
        <section aria-labelledby="suite-steps-title">
          <h2 id="suite-steps-title">Steps</h2>
          {spec.steps.length === 0 ? (
            <p className="empty-hint">This suite has no step: edit it and pick the tests to run, in order.</p>
          ) : (
            <ol className="step-list">
              {spec.steps.map((step, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a test may be a step twice
                <li key={`${step}-${index}`}>
                  <Link to={hrefOf({ page: 'test', testId: step })}>{testNames.get(step) ?? step}</Link>
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
      <RunsSection
        titleId="suite-runs-title"
        runs={runs}
        columns={['Run', 'State', 'Started', 'Took', 'Results', 'Step runs']}
        emptyHint={
          <>
            This suite never ran. Press <strong>Run suite</strong>, or run it from CI with{' '}
            <code>npx tracecheck run testsuite --id {suiteId}</code>.
          </>
        }
        renderCells={(run) => (
          <>
            <td>
              <Link to={hrefOf({ page: 'suite-run', suiteId, runId: run.id })} className="row-title">
                #{run.id}
              </Link>{' '}
              <span className="muted small">v{run.version}</span>
            </td>
            <td>
              <SuiteRunStateBadge run={run} />
            </td>
            <td>
              <TimeAgo at={run.createdAt} now={now} />
            </td>
            <td>{isSuiteRunFinal(run.state) ? `${run.executionTime}s` : '—'}</td>
            <td>
              <PassFailCounts pass={run.pass} fail={run.fail} />
            </td>
            <td>
              <span className="step-runs">
                {run.steps.map((step) => (
                  <Link
                    key={step.id}
                    to={hrefOf({ page: 'run', testId: step.testId, runId: step.id, tab: 'test' })}
                    aria-label={`Run ${step.id} of ${testNames.get(step.testId) ?? step.testId}`}
                  >
                    <RunStateBadge run={step} />
                  </Link>
                ))}
              </span>
            </td>
          </>
        )}
      />
    </div>
  );
}
