/** Create a test (`/tests/new`) or edit one (`/test/<id>/edit`) through the form. */
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { TestEditor } from '../editor/test-editor';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

function EditTest({ testId }: { readonly testId: string }) {
  const api = useApi();
  const test = useLoad(() => api.getTest(testId), `edit-test:${testId}`);
  const name = test.status === 'ready' ? test.data.spec.name || testId : testId;
  useDocumentTitle(`Edit ${name}`);
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/tests">Tests</Link> / <Link to={hrefOf({ page: 'test', testId })}>{name}</Link>
      </p>
      <h1>Edit {name}</h1>
      {test.status === 'loading' ? <p className="loading">Loading test…</p> : null}
      {test.status === 'error' ? <ErrorMessage error={test.error} onRetry={test.reload} /> : null}
      {test.status === 'ready' ? (
        <TestEditor key={`${testId}:${test.data.spec.version ?? ''}`} initial={test.data.spec} />
      ) : null}
    </div>
  );
}

export function TestEditorPage({ testId }: { readonly testId?: string }) {
  if (testId !== undefined) return <EditTest testId={testId} />;
  return <NewTest />;
}

function NewTest() {
  useDocumentTitle('New test');
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/tests">← Tests</Link>
      </p>
      <h1>New test</h1>
      <p className="muted">
        Describe the request that starts the work (the trigger), then what its trace must show (specs). Or
        import a cURL command, a Postman request or a YAML file.
      </p>
      <TestEditor />
    </div>
  );
}
