/** Create a suite (`/testsuites/new`) or edit one (`/testsuite/<id>/edit`): name and steps picked from tests. */
import { useId, useState } from 'react';
import { useApi } from '../api/api-context';
import type { ResourceView, TestResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { TextField } from '../editor/form-fields';
import type { SuiteSpecView } from '../resources/resource-types';
import { SaveStatus, useSave } from '../resources/save-status';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';

function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

function SuiteForm({
  initial,
  tests,
}: {
  readonly initial?: SuiteSpecView;
  readonly tests: readonly TestResourceView[];
}) {
  const api = useApi();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [steps, setSteps] = useState<readonly string[]>(initial?.steps ?? []);
  const [pick, setPick] = useState(tests[0]?.spec.id ?? '');
  const [tried, setTried] = useState(false);
  const [saveState, save] = useSave<ResourceView<SuiteSpecView>>();
  const [savedId, setSavedId] = useState(initial?.id);
  const pickId = useId();
  const names = new Map(tests.map(({ spec }) => [spec.id, spec.name || spec.id]));
  const nameProblem =
    tried && name.trim() === ''
      ? { message: 'give the suite a name', severity: 'error' as const }
      : undefined;
  const stepsProblem =
    tried && steps.length === 0 ? 'add at least one step: pick a test and press Add step' : undefined;

  return (
    <form
      className="editor-form"
      aria-label={initial ? `Edit suite ${initial.name}` : 'New suite'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (name.trim() === '' || steps.length === 0) return;
        void save(() =>
          api.applyResource<SuiteSpecView>(
            'testsuites',
            {
              type: 'TestSuite',
              spec: {
                ...(savedId ? { id: savedId } : {}),
                name: name.trim(),
                description,
                steps,
              } as SuiteSpecView,
            },
            initial?.id,
          ),
        ).then((stored) => stored && setSavedId(stored.spec.id));
      }}
    >
      <TextField label="Name" required value={name} problem={nameProblem} onChange={setName} />
      <TextField label="Description" multiline rows={2} value={description} onChange={setDescription} />
      <fieldset className="form-group">
        <legend>Steps</legend>
        {steps.length === 0 ? (
          <p className="muted small">No step yet. Tests run in this order; outputs flow to the next steps.</p>
        ) : null}
        <ol className="step-editor-list">
          {steps.map((step, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a test may be a step twice
            <li key={`${step}-${index}`} className="step-editor-row">
              <span className="step-name">
                {names.get(step) ?? step} <code className="muted small">{step}</code>
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move step ${index + 1} up`}
                disabled={index === 0}
                onClick={() => setSteps(moveItem(steps, index, index - 1))}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move step ${index + 1} down`}
                disabled={index === steps.length - 1}
                onClick={() => setSteps(moveItem(steps, index, index + 1))}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove step ${index + 1}`}
                onClick={() => setSteps(steps.filter((_, at) => at !== index))}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
        {tests.length === 0 ? (
          <p className="empty-hint">
            There is no test to pick yet: <Link to={hrefOf({ page: 'test-editor' })}>create a test</Link>{' '}
            first.
          </p>
        ) : (
          <div className="form-row form-row-end">
            <div className="form-field field-grow">
              <label htmlFor={pickId}>Test to add</label>
              <select id={pickId} value={pick} onChange={(event) => setPick(event.target.value)}>
                {tests.map(({ spec }) => (
                  <option key={spec.id} value={spec.id}>
                    {spec.name || spec.id}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="button"
              disabled={pick === ''}
              onClick={() => setSteps([...steps, pick])}
            >
              Add step
            </button>
          </div>
        )}
        {stepsProblem ? (
          <p className="field-problem field-problem-error" role="alert">
            {stepsProblem}
          </p>
        ) : null}
      </fieldset>
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : initial ? 'Save suite' : 'Create suite'}
        </button>
        <Link to={initial ? hrefOf({ page: 'suite', suiteId: initial.id }) : '/testsuites'}>Cancel</Link>
      </div>
      <SaveStatus
        state={saveState}
        saved={(stored) => (
          <p>
            Saved <Link to={hrefOf({ page: 'suite', suiteId: stored.spec.id })}>{stored.spec.name}</Link>
            {stored.spec.version ? `, version ${stored.spec.version}` : ''}. Open it to run it.
          </p>
        )}
      />
    </form>
  );
}

export function SuiteEditorPage({ suiteId }: { readonly suiteId?: string }) {
  const api = useApi();
  useDocumentTitle(suiteId ? 'Edit suite' : 'New suite');
  const tests = useLoad(
    () => api.listTests({ take: 500, sortBy: 'name', sortDirection: 'asc' }),
    'suite-editor-tests',
  );
  const suite = useLoad(
    () => (suiteId ? api.getResource<SuiteSpecView>('testsuites', suiteId) : Promise.resolve(undefined)),
    `suite-editor:${suiteId ?? ''}`,
  );
  const error = tests.status === 'error' ? tests : suite.status === 'error' ? suite : undefined;
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/testsuites">← Suites</Link>
      </p>
      <h1>
        {suiteId
          ? `Edit ${suite.status === 'ready' ? suite.data?.spec.name || suiteId : suiteId}`
          : 'New suite'}
      </h1>
      {error ? <ErrorMessage error={error.error} onRetry={error.reload} /> : null}
      {tests.status === 'loading' || suite.status === 'loading' ? <p className="loading">Loading…</p> : null}
      {tests.status === 'ready' && suite.status === 'ready' ? (
        <SuiteForm tests={tests.data.items} {...(suite.data ? { initial: suite.data.spec } : {})} />
      ) : null}
    </div>
  );
}
