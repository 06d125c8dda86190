/** Every test suite of the environment: tests run in order, sharing their outputs. */
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { CodeBlock } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import type { SuiteSpecView } from '../resources/resource-types';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

const EXAMPLE = `type: TestSuite
spec:
  name: Checkout flow
  steps:
    - ./tests/create-order.yaml
    - ./tests/pay-order.yaml`;

export function SuitesPage() {
  useDocumentTitle('Test suites');
  const api = useApi();
  const suites = useLoad(
    () => api.listResources<SuiteSpecView>('testsuites', { take: 200, sortBy: 'name', sortDirection: 'asc' }),
    'suites',
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>Test suites</h1>
        <Link to={hrefOf({ page: 'suite-editor' })} className="button button-primary">
          New suite
        </Link>
      </div>
      {suites.status === 'loading' ? <p className="loading">Loading suites…</p> : null}
      {suites.status === 'error' ? <ErrorMessage error={suites.error} onRetry={suites.reload} /> : null}
      {suites.status === 'ready' && suites.data.items.length === 0 ? (
        <section className="empty-state" aria-label="No suites yet">
          <h2>No suite yet</h2>
          <p>
            A suite runs tests one after the other; an output of one test (an order id, a token) becomes a
            variable of the next. Create one with <strong>New suite</strong>, or apply a file:
          </p>
          <CodeBlock code={EXAMPLE} label="A suite definition" />
          <CodeBlock
            code="npx tracecheck run testsuite -f checkout.yaml"
            label="Command that runs the suite"
          />
        </section>
      ) : null}
      {suites.status === 'ready' && suites.data.items.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Suite</th>
              <th scope="col">Steps</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {suites.data.items.map(({ spec }) => (
              <tr key={spec.id}>
                <td>
                  <Link to={hrefOf({ page: 'suite', suiteId: spec.id })} className="row-title">
                    {spec.name || spec.id}
                  </Link>
                  {spec.description ? <div className="muted small">{spec.description}</div> : null}
                </td>
                <td>{spec.steps.length}</td>
                <td className="muted">{spec.version ? `v${spec.version}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
