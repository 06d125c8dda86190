/**
 * The test form: name and description, the trigger, specs and outputs. Problems show beside their
 * fields as they are typed; saving applies the definition through the API and offers to run it.
 */
import { parseDefinition, printDefinition } from '@tracecheck/core';
import { useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { DefinitionProblemView, TestResourceView, TestView } from '../api/api-types';
import { CopyButton } from '../components/copy-button';
import { RunTestButton } from '../components/run-test-button';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';
import { findDraftProblems, hasErrors } from './check-draft';
import { TextField } from './form-fields';
import { ImportPanel } from './import-panel';
import { SpecsEditor } from './specs-editor';
import {
  createEmptyDraft,
  draftFromTest,
  FORM_TRIGGER_TYPES,
  isFormTriggerType,
  type TestDraft,
  TRIGGER_TYPE_LABELS,
  testSpecFromDraft,
} from './test-draft';
import { TriggerForm } from './trigger-form';

type SaveState =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'saved'; readonly test: TestView; readonly created: boolean }
  | {
      readonly status: 'failed';
      readonly message: string;
      readonly problems: readonly DefinitionProblemView[];
    };

/** The YAML of the draft as `tracecheck apply` reads it, or undefined while the draft has errors. */
function yamlOfDraft(draft: TestDraft): string | undefined {
  const definition = { type: 'Test', spec: testSpecFromDraft(draft) };
  const parsed = parseDefinition(JSON.stringify(definition, null, 2));
  return parsed.resource ? printDefinition(parsed.resource) : undefined;
}

function problemsOf(error: ApiError): readonly DefinitionProblemView[] {
  const details = error.details as { problems?: readonly DefinitionProblemView[] } | undefined;
  return (details?.problems ?? []).filter((problem) => problem.severity === 'error');
}

export function TestEditor({ initial }: { readonly initial?: TestView }) {
  const api = useApi();
  const [draft, setDraft] = useState<TestDraft>(() =>
    initial ? draftFromTest(initial) : createEmptyDraft(),
  );
  const [showImport, setShowImport] = useState(initial === undefined);
  const [showYaml, setShowYaml] = useState(false);
  const [imported, setImported] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>({ status: 'idle' });
  /** Problems are shown once a field was touched or a save was tried, not on an empty new form. */
  const [showAll, setShowAll] = useState(initial !== undefined);
  const formRef = useRef<HTMLFormElement>(null);
  const problems = useMemo(() => findDraftProblems(draft), [draft]);
  const shownProblems = useMemo(() => {
    if (showAll) return problems;
    // Language errors show as they are typed; missing required fields wait for a save.
    return new Map([...problems].filter(([, problem]) => problem.column !== undefined));
  }, [problems, showAll]);
  const update = (change: (current: TestDraft) => TestDraft) => {
    setDraft(change);
    if (save.status !== 'saving') setSave({ status: 'idle' });
  };
  const editing = initial !== undefined;

  const submit = async () => {
    setShowAll(true);
    if (hasErrors(problems)) {
      setSave({
        status: 'failed',
        message: `Fix the ${problems.size === 1 ? 'problem' : `${problems.size} problems`} marked below first.`,
        problems: [],
      });
      // Move to the first invalid field, so keyboard and screen reader users land on it.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setSave({ status: 'saving' });
    try {
      const stored = await api.applyResource<TestView>(
        'tests',
        { type: 'Test', spec: testSpecFromDraft(draft) as unknown as TestView },
        initial?.id,
      );
      const test = (stored as TestResourceView).spec;
      setDraft((current) => ({ ...current, id: test.id }));
      setSave({ status: 'saved', test, created: !editing && draft.id === undefined });
    } catch (error) {
      if (error instanceof ApiError)
        setSave({ status: 'failed', message: error.detail, problems: problemsOf(error) });
      else setSave({ status: 'failed', message: String(error), problems: [] });
    }
  };

  const yaml = showYaml ? yamlOfDraft(draft) : undefined;

  return (
    <div className="test-editor">
      {!showImport ? (
        <p>
          <button type="button" className="button" onClick={() => setShowImport(true)}>
            Import from cURL, Postman or YAML
          </button>
        </p>
      ) : (
        <ImportPanel
          onClose={() => setShowImport(false)}
          onImport={(change, summary) => {
            update(change);
            setImported(summary);
            setShowImport(false);
          }}
        />
      )}
      {imported ? (
        <p className="notice" role="status">
          {imported} Check the fields below, then save.
        </p>
      ) : null}
      <form
        ref={formRef}
        className="editor-form"
        aria-label={editing ? `Edit test ${initial.name || initial.id}` : 'New test'}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <section className="editor-section" aria-labelledby="editor-basics-title">
          <h2 id="editor-basics-title">Test</h2>
          <TextField
            label="Name"
            required
            value={draft.name}
            problem={shownProblems.get('name')}
            onChange={(name) => update((d) => ({ ...d, name }))}
          />
          <TextField
            label="Description"
            multiline
            rows={2}
            value={draft.description}
            onChange={(description) => update((d) => ({ ...d, description }))}
          />
        </section>
        <section className="editor-section" aria-labelledby="editor-trigger-title">
          <h2 id="editor-trigger-title">Trigger</h2>
          <div className="segmented" role="radiogroup" aria-label="Trigger type">
            {FORM_TRIGGER_TYPES.map((type) => (
              <label key={type} className={`segment${draft.triggerType === type ? ' segment-active' : ''}`}>
                <input
                  type="radio"
                  name="trigger-type"
                  value={type}
                  checked={draft.triggerType === type}
                  onChange={() => update((d) => ({ ...d, triggerType: type }))}
                />
                {TRIGGER_TYPE_LABELS[type]}
              </label>
            ))}
            {!isFormTriggerType(draft.triggerType) ? (
              <span className="segment segment-active">{draft.triggerType}</span>
            ) : null}
          </div>
          <TriggerForm draft={draft} update={update} problems={shownProblems} />
        </section>
        <SpecsEditor draft={draft} update={update} problems={shownProblems} />
        <div className="editor-actions">
          <button type="submit" className="button button-primary" disabled={save.status === 'saving'}>
            {save.status === 'saving' ? 'Saving…' : editing ? 'Save test' : 'Create test'}
          </button>
          <button
            type="button"
            className="button"
            aria-expanded={showYaml}
            onClick={() => setShowYaml((value) => !value)}
          >
            {showYaml ? 'Hide YAML' : 'Show YAML'}
          </button>
          {editing ? (
            <Link to={hrefOf({ page: 'test', testId: initial.id })}>Cancel</Link>
          ) : (
            <Link to="/tests">Cancel</Link>
          )}
        </div>
        <div aria-live="polite">
          {save.status === 'saved' ? (
            <div className="notice notice-success" role="status">
              <p>
                {save.created ? 'Created' : 'Saved'}{' '}
                <Link to={hrefOf({ page: 'test', testId: save.test.id })}>
                  {save.test.name || save.test.id}
                </Link>
                {save.test.version ? `, version ${save.test.version}` : ''}.
              </p>
              <RunTestButton testId={save.test.id} label="Run" primary />
            </div>
          ) : null}
          {save.status === 'failed' ? (
            <div className="error-message" role="alert">
              <p>
                <strong>Not saved.</strong> {save.message}
              </p>
              {save.problems.length > 0 ? (
                <ul className="problem-list">
                  {save.problems.map((problem) => (
                    <li key={`${problem.path}:${problem.message}`}>
                      <code>{problem.path || 'the definition'}</code>: {problem.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        {showYaml ? (
          <section aria-label="YAML of the form" className="yaml-panel">
            {yaml === undefined ? (
              <p className="empty-hint">The YAML shows once the form has no errors.</p>
            ) : (
              <>
                <div className="yaml-actions">
                  <CopyButton text={yaml} label="Copy YAML" />
                </div>
                <pre className="code-view">
                  <code>{yaml}</code>
                </pre>
              </>
            )}
          </section>
        ) : null}
      </form>
    </div>
  );
}
