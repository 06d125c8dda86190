/**
 * Create or edit a variable set. Secret values are write-only: a stored secret shows as masked and
 * empty, is kept as it is unless a new value is typed, and is never read back from the server.
 */
import { SECRET_MASK } from '@tracecheck/core';
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { ResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { TextField } from '../editor/form-fields';
import type { VariableSetSpecView, VariableSetValueView } from '../resources/resource-types';
import { SaveStatus, useSave } from '../resources/save-status';
import { Link, navigate } from '../router/navigation';

interface ValueRow {
  readonly key: string;
  /** For a stored secret: empty until a new value is typed. */
  readonly value: string;
  readonly type: 'raw' | 'secret';
  /** The server holds a secret for this key; an empty value keeps it. */
  readonly storedSecret: boolean;
}

function rowsOf(values: readonly VariableSetValueView[]): ValueRow[] {
  return values.map((entry) =>
    entry.type === 'secret'
      ? { key: entry.key, value: '', type: 'secret', storedSecret: true }
      : { key: entry.key, value: entry.value, type: 'raw', storedSecret: false },
  );
}

function valuesOf(rows: readonly ValueRow[]): VariableSetValueView[] {
  return rows
    .filter((row) => row.key.trim() !== '' || row.value !== '')
    .map((row) => ({
      key: row.key.trim(),
      // The server keeps the stored secret when it receives the mask back.
      value: row.type === 'secret' && row.storedSecret && row.value === '' ? SECRET_MASK : row.value,
      type: row.type,
    }));
}

function VariableSetForm({ initial }: { readonly initial?: VariableSetSpecView }) {
  const api = useApi();
  const [id, setId] = useState(initial?.id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [rows, setRows] = useState<readonly ValueRow[]>(() => rowsOf(initial?.values ?? []));
  const [tried, setTried] = useState(false);
  const [saveState, save] = useSave<ResourceView<VariableSetSpecView>>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = (index: number, change: Partial<ValueRow>) =>
    setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  const nameProblem =
    tried && name.trim() === ''
      ? { message: 'give the variable set a name', severity: 'error' as const }
      : undefined;
  const keyProblems = rows.map((row) =>
    tried && row.key.trim() === '' && row.value !== ''
      ? 'a value needs a key'
      : row.key !== '' && !/^\w+$/.test(row.key.trim())
        ? 'a key is a variable name: letters, digits and _'
        : undefined,
  );

  return (
    <form
      className="editor-form"
      aria-label={initial ? `Edit variable set ${initial.name}` : 'New variable set'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (name.trim() === '' || keyProblems.some(Boolean)) return;
        void save(() =>
          api.applyResource<VariableSetSpecView>(
            'variablesets',
            {
              type: 'VariableSet',
              spec: {
                ...(id.trim() ? { id: id.trim() } : {}),
                name: name.trim(),
                description,
                values: valuesOf(rows),
              } as VariableSetSpecView,
            },
            initial?.id,
          ),
        ).then((stored) => {
          if (stored === undefined) return;
          // Secrets are never read back: the rows now show every secret as stored.
          setRows(rowsOf(stored.spec.values ?? []));
          setId(stored.spec.id);
        });
      }}
    >
      <div className="form-row">
        <TextField
          label="Name"
          required
          value={name}
          problem={nameProblem}
          onChange={setName}
          className="field-grow"
        />
        {initial ? null : (
          <TextField
            label="Id"
            code
            value={id}
            placeholder="generated when empty"
            hint="Used by --vars and runs."
            onChange={setId}
          />
        )}
      </div>
      <TextField label="Description" multiline rows={2} value={description} onChange={setDescription} />
      <fieldset className="form-group">
        <legend>Values</legend>
        {rows.length === 0 ? <p className="muted small">No value yet.</p> : null}
        {rows.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are identified by their position while edited
          <div key={index} className="variable-row">
            <input
              aria-label={`Variable ${index + 1} key`}
              className="code-input"
              spellCheck={false}
              placeholder="BASE_URL"
              value={row.key}
              aria-invalid={keyProblems[index] ? true : undefined}
              onChange={(event) => update(index, { key: event.target.value })}
            />
            <input
              aria-label={`Variable ${index + 1} value`}
              className="code-input"
              spellCheck={false}
              type={row.type === 'secret' ? 'password' : 'text'}
              autoComplete={row.type === 'secret' ? 'new-password' : 'off'}
              placeholder={row.storedSecret ? '•••••••• stored; type to replace' : 'value'}
              value={row.value}
              onChange={(event) => update(index, { value: event.target.value })}
            />
            <label className="secret-toggle">
              <input
                type="checkbox"
                checked={row.type === 'secret'}
                onChange={(event) => update(index, { type: event.target.checked ? 'secret' : 'raw' })}
              />
              Secret
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove variable ${index + 1}`}
              onClick={() => setRows(rows.filter((_, at) => at !== index))}
            >
              ×
            </button>
            {keyProblems[index] ? (
              <p className="field-problem field-problem-error" role="alert">
                {keyProblems[index]}
              </p>
            ) : null}
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => setRows([...rows, { key: '', value: '', type: 'raw', storedSecret: false }])}
        >
          Add variable
        </button>
        <p className="field-hint">
          Secret values are encrypted when stored and never shown again; leave a stored secret empty to keep
          it.
        </p>
      </fieldset>
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : initial ? 'Save variable set' : 'Create variable set'}
        </button>
        <Link to="/variablesets">Back to variable sets</Link>
        {initial ? (
          confirmDelete ? (
            <span className="confirm-delete">
              Delete “{initial.name}”?{' '}
              <button
                type="button"
                className="button button-danger"
                onClick={() =>
                  void api.deleteResource('variablesets', initial.id).then(() => navigate('/variablesets'))
                }
              >
                Delete
              </button>{' '}
              <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </span>
          ) : (
            <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )
        ) : null}
      </div>
      <SaveStatus state={saveState} saved={(stored) => <p>Saved {stored.spec.name}.</p>} />
    </form>
  );
}

export function VariableSetEditorPage({ variableSetId }: { readonly variableSetId?: string }) {
  const api = useApi();
  useDocumentTitle(variableSetId ? 'Variable set' : 'New variable set');
  const set = useLoad(
    () =>
      variableSetId
        ? api.getResource<VariableSetSpecView>('variablesets', variableSetId)
        : Promise.resolve(undefined),
    `variable-set:${variableSetId ?? ''}`,
  );
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/variablesets">← Variable sets</Link>
      </p>
      <h1>
        {variableSetId
          ? set.status === 'ready'
            ? set.data?.spec.name || variableSetId
            : variableSetId
          : 'New variable set'}
      </h1>
      {set.status === 'loading' ? <p className="loading">Loading…</p> : null}
      {set.status === 'error' ? <ErrorMessage error={set.error} onRetry={set.reload} /> : null}
      {set.status === 'ready' ? <VariableSetForm {...(set.data ? { initial: set.data.spec } : {})} /> : null}
    </div>
  );
}
