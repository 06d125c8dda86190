/**
 * The page of a start-run link (`/test/<id>/run?vars={…}`): it says which test will run with which
 * variables and starts the run only once the user confirms.
 */
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { Link, navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';

export function StartRunPage(props: {
  readonly testId: string;
  readonly variables: Readonly<Record<string, string>>;
}) {
  const { testId, variables } = props;
  const api = useApi();
  const test = useLoad(() => api.getTest(testId), `test:${testId}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(`Run ${testId}`);
  const entries = Object.entries(variables);
  const name = test.status === 'ready' ? test.data.spec.name || testId : testId;
  if (test.status === 'error')
    return (
      <div className="page">
        <ErrorMessage error={test.error} onRetry={test.reload} />
      </div>
    );
  return (
    <div className="page start-run-page">
      <p className="breadcrumbs">
        <Link to={hrefOf({ page: 'test', testId })}>← {name}</Link>
      </p>
      <h1>Run {name}?</h1>
      <p>
        This link starts a run of the test <code>{testId}</code>
        {entries.length > 0 ? ' with these variables:' : ' with no extra variable.'}
      </p>
      {entries.length > 0 ? (
        <dl className="attribute-table">
          {entries.map(([key, value]) => (
            <div key={key} className="attribute-row">
              <dt>{key}</dt>
              <dd>
                <code>{value}</code>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="header-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={busy || test.status !== 'ready'}
          onClick={() => {
            setBusy(true);
            setError(null);
            api.runTest(testId, variables).then(
              (run) =>
                navigate(hrefOf({ page: 'run', testId, runId: run.id, tab: 'trace' }), { replace: true }),
              (reason: unknown) => {
                setBusy(false);
                setError(reason instanceof ApiError ? reason.detail : String(reason));
              },
            );
          }}
        >
          {busy ? 'Starting…' : 'Start the run'}
        </button>
        <Link to={hrefOf({ page: 'test', testId })} className="button">
          Cancel
        </Link>
      </div>
    </div>
  );
}
