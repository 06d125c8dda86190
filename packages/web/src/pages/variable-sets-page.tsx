/** Every variable set of the environment: the values a run reads with `var:NAME`. */
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { CodeBlock } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import type { VariableSetSpecView } from '../resources/resource-types';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

export function VariableSetsPage() {
  useDocumentTitle('Variable sets');
  const api = useApi();
  const sets = useLoad(
    () =>
      api.listResources<VariableSetSpecView>('variablesets', {
        take: 200,
        sortBy: 'name',
        sortDirection: 'asc',
      }),
    'variable-sets',
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>Variable sets</h1>
        <Link to={hrefOf({ page: 'variable-set-editor' })} className="button button-primary">
          New variable set
        </Link>
      </div>
      {sets.status === 'loading' ? <p className="loading">Loading variable sets…</p> : null}
      {sets.status === 'error' ? <ErrorMessage error={sets.error} onRetry={sets.reload} /> : null}
      {sets.status === 'ready' && sets.data.items.length === 0 ? (
        <section className="empty-state" aria-label="No variable sets yet">
          <h2>No variable set yet</h2>
          <p>
            A variable set holds the values that change between environments (a base URL, a token). Tests read
            them as <code>{'${var:BASE_URL}'}</code>; secret values are stored encrypted and never shown
            again.
          </p>
          <CodeBlock
            code="npx tracecheck run test -f test.yaml --vars staging"
            label="Command that runs a test with a variable set"
          />
        </section>
      ) : null}
      {sets.status === 'ready' && sets.data.items.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Variable set</th>
              <th scope="col">Id</th>
              <th scope="col">Values</th>
            </tr>
          </thead>
          <tbody>
            {sets.data.items.map(({ spec }) => {
              const values = spec.values ?? [];
              const secrets = values.filter((value) => value.type === 'secret').length;
              return (
                <tr key={spec.id}>
                  <td>
                    <Link
                      to={hrefOf({ page: 'variable-set-editor', variableSetId: spec.id })}
                      className="row-title"
                    >
                      {spec.name || spec.id}
                    </Link>
                    {spec.description ? <div className="muted small">{spec.description}</div> : null}
                  </td>
                  <td>
                    <code>{spec.id}</code>
                  </td>
                  <td>
                    {values.length} {secrets > 0 ? <span className="muted">({secrets} secret)</span> : null}
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
