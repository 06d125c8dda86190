/** Polling profiles (SPEC §1.7): how long and how often a run waits for its trace. */
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { ResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { CheckboxField, SelectField, TextField } from '../editor/form-fields';
import { SaveStatus, useSave } from '../resources/save-status';

export interface PollingProfileView {
  readonly id?: string;
  readonly name: string;
  readonly default?: boolean;
  readonly strategy: 'periodic' | 'no-polling';
  readonly periodic?: {
    readonly retryDelay: string;
    readonly timeout: string;
    readonly selectorMatchRetries?: number;
  };
}

/** Go's duration syntax (`500ms`, `1m30s`), which profiles use, not the expression language's. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function durationProblem(text: string, label: string) {
  return GO_DURATION.test(text.trim())
    ? undefined
    : { message: `${label} is a duration such as 500ms, 5s or 1m30s`, severity: 'error' as const };
}

function PollingProfileForm({ initial }: { readonly initial: PollingProfileView }) {
  const api = useApi();
  const [name, setName] = useState(initial.name);
  const [isDefault, setIsDefault] = useState(initial.default !== false);
  const [strategy, setStrategy] = useState(initial.strategy);
  const [retryDelay, setRetryDelay] = useState(initial.periodic?.retryDelay ?? '5s');
  const [timeout, setTimeoutText] = useState(initial.periodic?.timeout ?? '1m');
  const [retries, setRetries] = useState(String(initial.periodic?.selectorMatchRetries ?? 0));
  const [saveState, save] = useSave<ResourceView<PollingProfileView>>();
  const periodic = strategy === 'periodic';
  const problems = {
    name: name.trim() === '' ? { message: 'give the profile a name', severity: 'error' as const } : undefined,
    retryDelay: periodic ? durationProblem(retryDelay, 'the retry delay') : undefined,
    timeout: periodic ? durationProblem(timeout, 'the timeout') : undefined,
    retries:
      periodic && !/^\d+$/.test(retries.trim())
        ? { message: 'a whole number, 0 or more', severity: 'error' as const }
        : undefined,
  };
  return (
    <form
      className="editor-form"
      aria-label={`Polling profile ${initial.name}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (Object.values(problems).some(Boolean)) return;
        void save(() =>
          api.applyResource<PollingProfileView>('pollingprofiles', {
            type: 'PollingProfile',
            spec: {
              ...(initial.id ? { id: initial.id } : {}),
              name: name.trim(),
              default: isDefault,
              strategy,
              ...(periodic
                ? {
                    periodic: {
                      retryDelay: retryDelay.trim(),
                      timeout: timeout.trim(),
                      selectorMatchRetries: Number(retries),
                    },
                  }
                : {}),
            },
          }),
        );
      }}
    >
      <TextField label="Profile name" required value={name} problem={problems.name} onChange={setName} />
      <SelectField
        label="Strategy"
        value={strategy}
        options={[
          { value: 'periodic', label: 'Wait for the trace (periodic)' },
          { value: 'no-polling', label: 'Do not collect a trace' },
        ]}
        onChange={setStrategy}
      />
      {periodic ? (
        <div className="form-row">
          <TextField
            label="Timeout"
            code
            value={timeout}
            problem={problems.timeout}
            hint="A run waits at most this long for the trace to be complete."
            onChange={setTimeoutText}
          />
          <TextField
            label="Retry delay"
            code
            value={retryDelay}
            problem={problems.retryDelay}
            hint="Between two queries of a polled data store (Jaeger, Tempo…)."
            onChange={setRetryDelay}
          />
          <TextField
            label="Selector match retries"
            type="number"
            value={retries}
            problem={problems.retries}
            onChange={setRetries}
          />
        </div>
      ) : null}
      <CheckboxField
        label="Default profile"
        checked={isDefault}
        onChange={setIsDefault}
        hint="Used by tests that name no profile."
      />
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : 'Save polling profile'}
        </button>
      </div>
      <SaveStatus
        state={saveState}
        saved={(stored) => <p>Saved the polling profile {stored.spec.name}.</p>}
      />
    </form>
  );
}

export function PollingSettings() {
  const api = useApi();
  const profiles = useLoad(
    () => api.listResources<PollingProfileView>('pollingprofiles', { take: 100 }),
    'pollingprofiles',
  );
  if (profiles.status === 'loading') return <p className="loading">Loading polling profiles…</p>;
  if (profiles.status === 'error') return <ErrorMessage error={profiles.error} onRetry={profiles.reload} />;
  const items = profiles.data.items;
  return (
    <>
      <p className="muted">
        Tracecheck ends the wait as soon as the trace is complete (every selector matched and no parent span
        is missing); the timeout bounds the wait when spans never come.
      </p>
      {items.length === 0 ? (
        <p className="empty-hint">No profile stored: the built-in default waits up to 1m.</p>
      ) : null}
      {items.map((item) => (
        <PollingProfileForm key={item.spec.id ?? item.spec.name} initial={item.spec} />
      ))}
    </>
  );
}
