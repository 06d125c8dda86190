/** The test runner (SPEC §1.12, §7.5): which gates a run must pass to pass. */
import { REQUIRED_GATES } from '@tracecheck/core';
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { ResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { CheckboxField } from '../editor/form-fields';
import { SaveStatus, useSave } from '../resources/save-status';

interface TestRunnerView {
  readonly id?: string;
  readonly name?: string;
  readonly requiredGates?: readonly string[];
}

const GATE_HINTS: Readonly<Record<(typeof REQUIRED_GATES)[number], string>> = {
  'test-specs': 'every spec of the test passes',
  'analyzer-score': 'the analyzer score reaches the minimum score',
  'analyzer-rules': 'no analyzer rule at level "error" fails',
};

function TestRunnerForm({ initial }: { readonly initial: TestRunnerView }) {
  const api = useApi();
  const [gates, setGates] = useState<readonly string[]>(initial.requiredGates ?? ['test-specs']);
  const [saveState, save] = useSave<ResourceView<TestRunnerView>>();
  return (
    <form
      className="editor-form"
      aria-label="Test runner"
      onSubmit={(event) => {
        event.preventDefault();
        void save(() =>
          api.applyResource<TestRunnerView>('testrunners', {
            type: 'TestRunner',
            spec: {
              id: 'current',
              name: initial.name || 'default',
              requiredGates: REQUIRED_GATES.filter((gate) => gates.includes(gate)),
            },
          }),
        );
      }}
    >
      <fieldset className="form-group">
        <legend>Required gates</legend>
        <p className="muted small">
          A run passes when every required gate passes. A run can ask for other gates (CLI --required-gates).
        </p>
        {REQUIRED_GATES.map((gate) => (
          <CheckboxField
            key={gate}
            label={gate}
            hint={GATE_HINTS[gate]}
            checked={gates.includes(gate)}
            onChange={(checked) =>
              setGates(checked ? [...gates, gate] : gates.filter((entry) => entry !== gate))
            }
          />
        ))}
      </fieldset>
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : 'Save required gates'}
        </button>
      </div>
      <SaveStatus
        state={saveState}
        saved={(stored) => (
          <p>Saved: runs require {(stored.spec.requiredGates ?? []).join(', ') || 'no gate'}.</p>
        )}
      />
    </form>
  );
}

export function TestRunnerSettings() {
  const api = useApi();
  const runner = useLoad(() => api.getResource<TestRunnerView>('testrunners', 'current'), 'testrunner');
  if (runner.status === 'loading') return <p className="loading">Loading the test runner…</p>;
  if (runner.status === 'error') return <ErrorMessage error={runner.error} onRetry={runner.reload} />;
  return <TestRunnerForm initial={runner.data.spec} />;
}
