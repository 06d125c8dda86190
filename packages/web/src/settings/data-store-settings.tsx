/**
 * The data store runs read traces from (SPEC §1.8): its type and settings, "Test connection" (an
 * agent tries it step by step, nothing is stored), and save.
 */
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { ConnectionResultView, PageView, ResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { VerdictIcon } from '../components/verdict-icon';
import { CheckboxField, SelectField, TextField } from '../editor/form-fields';
import { SaveStatus, useSave } from '../resources/save-status';
import {
  DATA_STORE_FIELDS,
  DATA_STORE_TYPE_OPTIONS,
  type DataStoreField,
  isOtlpType,
  valueAt,
  withValueAt,
} from './data-store-fields';

export interface DataStoreSpecView {
  readonly id?: string;
  readonly name: string;
  readonly type: string;
  readonly default?: boolean;
  readonly [key: string]: unknown;
}

type Settings = Readonly<Record<string, unknown>>;

function FieldInput({
  field,
  settings,
  onChange,
}: {
  readonly field: DataStoreField;
  readonly settings: Settings;
  readonly onChange: (settings: Settings) => void;
}) {
  const value = valueAt(settings, field.path);
  const set = (next: unknown) => onChange(withValueAt(settings, field.path, next));
  switch (field.kind) {
    case 'bool':
      return <CheckboxField label={field.label} checked={value === true} onChange={set} />;
    case 'select':
      return (
        <SelectField
          label={field.label}
          value={typeof value === 'string' ? value : (field.options?.[0] ?? '')}
          options={(field.options ?? []).map((option) => ({ value: option, label: option }))}
          onChange={set}
        />
      );
    case 'list':
      return (
        <TextField
          label={field.label}
          multiline
          rows={2}
          code
          value={Array.isArray(value) ? value.join('\n') : ''}
          {...(field.placeholder ? { placeholder: field.placeholder } : {})}
          onChange={(text) =>
            set(
              text
                .split('\n')
                .map((line) => line.trim())
                .filter((line) => line !== ''),
            )
          }
        />
      );
    default:
      return (
        <TextField
          label={field.label}
          code={field.kind !== 'secret'}
          multiline={field.kind === 'textarea'}
          type={field.kind === 'secret' ? 'password' : 'text'}
          autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
          value={typeof value === 'string' ? value : ''}
          {...(field.placeholder ? { placeholder: field.placeholder } : {})}
          onChange={set}
        />
      );
  }
}

function ConnectionResult({ result }: { readonly result: ConnectionResultView }) {
  return (
    <section
      className={`connection-result ${result.passed ? 'notice-success' : 'notice-failure'}`}
      aria-label="Connection test result"
    >
      <h3>{result.passed ? 'The data store answered' : 'The connection test failed'}</h3>
      <ol className="connection-steps">
        {result.steps.map((step) => (
          <li key={step.step} className={step.passed ? 'step-passed' : 'step-failed'}>
            <VerdictIcon verdict={step.passed ? 'passed' : 'failed'} />
            <span className="sr-only">{step.passed ? 'Passed:' : 'Failed:'}</span>{' '}
            <strong>{step.step}</strong> — {step.message}
            {step.error ? <div className="muted small">{step.error}</div> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function DataStoreForm({ initial }: { readonly initial: DataStoreSpecView }) {
  const api = useApi();
  const [spec, setSpec] = useState<DataStoreSpecView>(initial);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionResultView | null>(null);
  const [testError, setTestError] = useState<string | null>(null);
  const [saveState, save] = useSave<ResourceView<DataStoreSpecView>>();
  const fields = DATA_STORE_FIELDS[spec.type] ?? [];
  const settings = (spec[spec.type] as Settings | undefined) ?? {};
  const definition = (): ResourceView<DataStoreSpecView> => {
    // Only the object of the chosen type is sent; settings of other types typed before are left out.
    const clean: Record<string, unknown> = {
      ...(spec.id ? { id: spec.id } : {}),
      name: spec.name,
      type: spec.type,
      default: spec.default === true,
    };
    if (fields.length > 0) clean[spec.type] = settings;
    return { type: 'DataStore', spec: clean as DataStoreSpecView };
  };
  const nameProblem =
    spec.name.trim() === ''
      ? { message: 'give the data store a name', severity: 'error' as const }
      : undefined;

  return (
    <form
      className="editor-form"
      aria-label="Data store"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (nameProblem) return;
        void save(() => api.applyResource<DataStoreSpecView>('datastores', definition())).then((stored) => {
          if (stored) setSpec((current) => ({ ...current, id: stored.spec.id }));
        });
      }}
    >
      <div className="form-row">
        <TextField
          label="Name"
          required
          value={spec.name}
          problem={nameProblem}
          onChange={(name) => setSpec({ ...spec, name })}
        />
        <SelectField
          label="Type"
          value={spec.type}
          options={DATA_STORE_TYPE_OPTIONS.map((type) => ({ value: type, label: type }))}
          onChange={(type) => {
            setResult(null);
            setSpec({ ...spec, type });
          }}
        />
      </div>
      {isOtlpType(spec.type) ? (
        <p className="notice">
          <strong>{spec.type}</strong> receives spans over OTLP: point your app's exporter (or your collector)
          at the agent, gRPC <code>:4317</code> or HTTP <code>:4318</code>. Nothing else to configure.
        </p>
      ) : null}
      {fields
        .filter((field) => field.when === undefined || field.when(settings))
        .map((field) => (
          <FieldInput
            key={field.path.join('.')}
            field={field}
            settings={settings}
            onChange={(next) => setSpec({ ...spec, [spec.type]: next })}
          />
        ))}
      <CheckboxField
        label="Use for runs (default data store)"
        checked={spec.default === true}
        onChange={(value) => setSpec({ ...spec, default: value })}
      />
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : 'Save data store'}
        </button>
        <button
          type="button"
          className="button"
          disabled={testing}
          onClick={() => {
            setTesting(true);
            setResult(null);
            setTestError(null);
            api.testDataStoreConnection(definition()).then(
              (answer) => {
                setResult(answer);
                setTesting(false);
              },
              (error: unknown) => {
                setTestError(error instanceof ApiError ? error.detail : String(error));
                setTesting(false);
              },
            );
          }}
        >
          {testing ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      <div aria-live="polite">
        {result ? <ConnectionResult result={result} /> : null}
        {testError ? (
          <div className="error-message" role="alert">
            <p>
              <strong>Could not test the connection.</strong> {testError}
            </p>
          </div>
        ) : null}
      </div>
      <SaveStatus state={saveState} saved={(stored) => <p>Saved the data store {stored.spec.name}.</p>} />
    </form>
  );
}

const NEW_DATA_STORE: DataStoreSpecView = { name: 'OpenTelemetry Collector', type: 'otlp', default: true };

function pickInitial(page: PageView<ResourceView<DataStoreSpecView>>): DataStoreSpecView {
  return page.items.find((item) => item.spec.default === true)?.spec ?? page.items[0]?.spec ?? NEW_DATA_STORE;
}

export function DataStoreSettings() {
  const api = useApi();
  const stores = useLoad(
    () => api.listResources<DataStoreSpecView>('datastores', { take: 100 }),
    'datastores',
  );
  const [chosen, setChosen] = useState<string | null>(null);
  if (stores.status === 'loading') return <p className="loading">Loading data stores…</p>;
  if (stores.status === 'error') return <ErrorMessage error={stores.error} onRetry={stores.reload} />;
  const items = stores.data.items;
  const initial =
    chosen === 'new'
      ? NEW_DATA_STORE
      : (items.find((item) => item.spec.id === chosen)?.spec ?? pickInitial(stores.data));
  return (
    <>
      <p className="muted">
        Where runs find their traces. With none stored, the agent receives spans over OTLP ({'type: agent'}).
        A backend such as Jaeger or Tempo is queried by the agent, never by the control plane.
      </p>
      {items.length > 0 ? (
        <SelectField
          label="Data store to edit"
          value={chosen ?? initial.id ?? 'new'}
          options={[
            ...items.map((item) => ({
              value: item.spec.id ?? '',
              label: `${item.spec.name} (${item.spec.type})${item.spec.default ? ', default' : ''}`,
            })),
            { value: 'new', label: 'A new data store' },
          ]}
          onChange={setChosen}
        />
      ) : null}
      <DataStoreForm key={chosen ?? initial.id ?? 'new'} initial={initial} />
    </>
  );
}
