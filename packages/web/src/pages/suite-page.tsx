/** One test suite: its steps in order, and its runs with the run of each step. */
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { SuiteRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { DeleteButton } from '../components/delete-button';
import { ErrorMessage } from '../components/error-message';
import { RunStateBadge } from '../components/run-state-badge';
import { RunsSection } from '../components/runs-section';
import { useDocumentTitle } from '../components/use-document-title';
import { formatTimeAgo, formatTimestamp } from '../format/format-time';
import type { SuiteSpecView } from '../resources/resource-types';
import { Link, navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';
import { SuiteRunStateBadge } from '../suites/suite-run-state-badge';
import { isSuiteRunFinal } from '../suites/suite-run-view';

function RunSuiteButton({
  suiteId,
  onStarted,
}: {
  readonly suiteId: string;
  readonly onStarted: (run: SuiteRunView) => void;
}) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <span className="run-test-button">
      <button
        type="button"
        className="button button-primary"
        disabled={state.busy}
        onClick={() => {
          setState({ busy: true, error: null });
          api.runSuite(suiteId).then(
            (run) => {
              setState({ busy: false, error: null });
              onStarted(run);
            },
            (error: unknown) =>
              setState({ busy: false, error: error instanceof ApiError ? error.detail : String(error) }),
          );
        }}
      >
        {state.busy ? 'Starting…' : 'Run suite'}
      </button>
      {state.error ? (
        <span className="inline-error" role="alert">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}

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
          <RunSuiteButton
            suiteId={suiteId}
            onStarted={(run) => navigate(hrefOf({ page: 'suite-run', suiteId, runId: run.id }))}
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
              <time dateTime={run.createdAt} title={formatTimestamp(run.createdAt)}>
                {formatTimeAgo(run.createdAt, now)}
              </time>
            </td>
            <td>{isSuiteRunFinal(run.state) ? `${run.executionTime}s` : '—'}</td>
            <td>
              <span className="counts">
                <span className="count-passed">✔ {run.pass}</span>
                <span className="count-failed">✘ {run.fail}</span>
              </span>
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
