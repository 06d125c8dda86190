/**
 * The spec editor of the Test tab: edit each spec's selector and assertions with suggestions from the
 * run's trace and inline syntax errors, preview the spans a selector matches in the trace as you
 * type, add assertions from the selected span's attributes, edit outputs, then dry-run the changed
 * specs on the stored trace or save the test (a new version) and re-run it on the stored trace.
 */
import type { SpanId, Trace } from '@tracecheck/core';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { DryRunResultView, SpecDraftView, TestRunView, TestView } from '../api/api-types';
import { useDebouncedValue } from '../components/use-debounced-value';
import { VerdictIcon } from '../components/verdict-icon';
import { navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';
import {
  assertionFromAttribute,
  checkAssertion,
  checkSelector,
  expressionSuggestions,
  previewSelection,
  selectorForSpan,
  selectorSuggestions,
  traceVocabulary,
} from './spec-language';
import { SuggestInput } from './suggest-input';

export interface SpecEditorProps {
  readonly run: TestRunView;
  readonly test: TestView | null;
  readonly trace: Trace | null;
  readonly selectedSpanId: string | null;
  /** The spans the edited selector matches, to highlight in the trace (`null`: none). */
  readonly onPreview: (mask: Uint8Array | null) => void;
  readonly onClose: () => void;
  /** A new spec to start with, added after the test's (from "add an assertion from this attribute"). */
  readonly initialDraft?: SpecDraftView | null;
}

interface OutputDraft {
  readonly name: string;
  readonly selector: string;
  readonly value: string;
}

/** The specs to start from: the test's, else those the run evaluated. */
function initialSpecs(run: TestRunView, test: TestView | null): SpecDraftView[] {
  if (test?.specs) return test.specs.map((spec) => ({ ...spec, assertions: [...spec.assertions] }));
  return (run.result?.results ?? []).map((spec) => ({
    selector: spec.selector.query,
    ...(spec.name ? { name: spec.name } : {}),
    assertions: spec.results.map((result) => result.assertion),
  }));
}

function describeFailure(reason: unknown): string {
  return reason instanceof ApiError ? reason.detail : String(reason);
}

export function SpecEditor(props: SpecEditorProps) {
  const { run, test, trace, selectedSpanId, onPreview, onClose } = props;
  const api = useApi();
  const [specs, setSpecs] = useState<SpecDraftView[]>(() => [
    ...initialSpecs(run, test),
    ...(props.initialDraft ? [props.initialDraft] : []),
  ]);
  const [outputs, setOutputs] = useState<OutputDraft[]>(() => [...(test?.outputs ?? [])]);
  const [current, setCurrent] = useState(() => (props.initialDraft ? specs.length - 1 : 0));
  const [busy, setBusy] = useState<'dry-run' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<DryRunResultView | null>(null);
  const vocabulary = useMemo(() => traceVocabulary(trace), [trace]);
  const spec = specs[current];

  // The preview follows the selector as you type, on the debounced text (big traces take a moment).
  const selectorText = useDebouncedValue(spec?.selector ?? '', 150);
  const selectorCheck = useMemo(() => checkSelector(spec?.selector ?? ''), [spec?.selector]);
  const preview = useMemo(() => {
    const checked = checkSelector(selectorText);
    if (!checked.ok || trace === null) return null;
    return previewSelection(trace, checked.value);
  }, [selectorText, trace]);
  useEffect(() => {
    onPreview(preview?.mask ?? null);
  }, [preview, onPreview]);
  useEffect(() => () => onPreview(null), [onPreview]);

  const selectedSpan =
    trace && selectedSpanId ? trace.spans[trace.indexById.get(selectedSpanId as SpanId) ?? -1] : undefined;

  const updateSpec = (change: (spec: SpecDraftView) => SpecDraftView) =>
    setSpecs((list) => list.map((item, index) => (index === current ? change(item) : item)));
  const setAssertion = (position: number, text: string) =>
    updateSpec((item) => ({
      ...item,
      assertions: item.assertions.map((assertion, index) => (index === position ? text : assertion)),
    }));
  const addAssertion = (text: string) => {
    if (spec === undefined) {
      setSpecs((list) => [
        ...list,
        { selector: selectedSpan ? selectorForSpan(selectedSpan) : '', assertions: [text] },
      ]);
      setCurrent(specs.length);
      return;
    }
    updateSpec((item) => ({ ...item, assertions: [...item.assertions, text] }));
  };

  const problems = specs.flatMap((item, index) => [
    ...(checkSelector(item.selector).ok ? [] : [`spec ${index + 1}: the selector`]),
    ...item.assertions.flatMap((assertion, position) =>
      checkAssertion(assertion).ok ? [] : [`spec ${index + 1}: assertion ${position + 1}`],
    ),
  ]);
  const cleanSpecs = (): SpecDraftView[] =>
    specs.map((item) => ({
      selector: item.selector,
      ...(item.name ? { name: item.name } : {}),
      assertions: item.assertions,
    }));

  const runDry = () => {
    setBusy('dry-run');
    setError(null);
    api.dryRun(run.testId, run.id, cleanSpecs()).then(
      (result) => {
        setBusy(null);
        setDryRun(result);
      },
      (reason) => {
        setBusy(null);
        setError(describeFailure(reason));
      },
    );
  };

  const saveAndRerun = () => {
    if (test === null) {
      setError('the test definition could not be read: reload the page, then save again');
      return;
    }
    setBusy('save');
    setError(null);
    const { version: _version, createdAt: _createdAt, summary: _summary, ...definition } = test;
    const spec = {
      ...definition,
      specs: cleanSpecs(),
      outputs: outputs.filter((output) => output.name.trim() !== ''),
    };
    api
      .applyResource('tests', { type: 'Test', spec }, test.id)
      .then(() => api.rerunRun(run.testId, run.id))
      .then(
        (next) => {
          setBusy(null);
          onClose();
          navigate(hrefOf({ page: 'run', testId: run.testId, runId: next.id, tab: 'test' }));
        },
        (reason) => {
          setBusy(null);
          setError(describeFailure(reason));
        },
      );
  };

  return (
    <section className="spec-editor" aria-labelledby="spec-editor-title">
      <div className="spec-editor-header">
        <h2 id="spec-editor-title">Edit specs</h2>
        <button type="button" className="button button-small" onClick={onClose}>
          Close the editor
        </button>
      </div>
      <fieldset className="spec-editor-specs">
        <legend className="sr-only">Specs</legend>
        {specs.map((item, index) => (
          <button
            // biome-ignore lint/suspicious/noArrayIndexKey: specs are identified by their position
            key={index}
            type="button"
            className={`button button-small${index === current ? ' is-current' : ''}`}
            aria-pressed={index === current}
            onClick={() => setCurrent(index)}
          >
            {item.name || `Spec ${index + 1}`}
          </button>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setSpecs((list) => [...list, { selector: '', assertions: [''] }]);
            setCurrent(specs.length);
          }}
        >
          + Spec
        </button>
      </fieldset>
      {spec === undefined ? (
        <p className="empty-hint">No spec yet: add one, or add an assertion from a span's attribute below.</p>
      ) : (
        <div className="spec-editor-form">
          <label className="field">
            <span>Name</span>
            <input
              type="text"
              value={spec.name ?? ''}
              onChange={(event) => updateSpec((item) => ({ ...item, name: event.target.value }))}
            />
          </label>
          <SuggestInput
            label="Selector"
            value={spec.selector}
            onChange={(selector) => updateSpec((item) => ({ ...item, selector }))}
            suggest={(text, cursor) => selectorSuggestions(text, cursor, vocabulary)}
            problem={selectorCheck.ok ? null : selectorCheck.problem}
            placeholder='span[tracetest.span.type="http"]'
            status={
              preview === null
                ? trace === null
                  ? 'No trace to preview on.'
                  : undefined
                : `Matches ${preview.count.toLocaleString('en-US')} ${preview.count === 1 ? 'span' : 'spans'} (highlighted in the trace)`
            }
          />
          <fieldset className="assertion-fields">
            <legend>Assertions</legend>
            {spec.assertions.map((assertion, position) => {
              const checked = checkAssertion(assertion);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: assertions are identified by their position
                <div key={position} className="assertion-field">
                  <SuggestInput
                    label={`Assertion ${position + 1}`}
                    value={assertion}
                    onChange={(text) => setAssertion(position, text)}
                    suggest={(text, cursor) => expressionSuggestions(text, cursor, vocabulary)}
                    problem={checked.ok ? null : checked.problem}
                    placeholder="attr:http.status_code = 200"
                  />
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Remove assertion ${position + 1}`}
                    onClick={() =>
                      updateSpec((item) => ({
                        ...item,
                        assertions: item.assertions.filter((_, index) => index !== position),
                      }))
                    }
                  >
                    ✕
                  </button>
                </div>
              );
            })}
            <button type="button" className="button button-small" onClick={() => addAssertion('')}>
              + Assertion
            </button>
          </fieldset>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setSpecs((list) => list.filter((_, index) => index !== current));
              setCurrent((index) => Math.max(0, index - 1));
            }}
          >
            Remove this spec
          </button>
        </div>
      )}
      <section className="span-attribute-picker" aria-labelledby="picker-title">
        <h3 id="picker-title">Assert on the selected span</h3>
        {selectedSpan === undefined ? (
          <p className="muted small">Select a span in the timeline to add assertions from its attributes.</p>
        ) : (
          <>
            <p className="small">
              <strong>{selectedSpan.name}</strong>{' '}
              {spec !== undefined && spec.selector.trim() === '' ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => updateSpec((item) => ({ ...item, selector: selectorForSpan(selectedSpan) }))}
                >
                  Use it as the selector
                </button>
              ) : null}
            </p>
            <ul className="attribute-picker-list">
              {[...selectedSpan.attributes].slice(0, 200).map(([name, value]) => (
                <li key={name}>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Add an assertion on ${name}`}
                    onClick={() => addAssertion(assertionFromAttribute(name, value))}
                  >
                    + assert
                  </button>{' '}
                  <code>{name}</code> = <code className="attribute-value">{value}</code>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <fieldset className="output-fields">
        <legend>Outputs</legend>
        {outputs.map((output, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: outputs are identified by their position
          <div key={index} className="output-field">
            <label className="field">
              <span>Output {index + 1} name</span>
              <input
                type="text"
                value={output.name}
                onChange={(event) =>
                  setOutputs((list) =>
                    list.map((item, at) => (at === index ? { ...item, name: event.target.value } : item)),
                  )
                }
              />
            </label>
            <SuggestInput
              label={`Output ${index + 1} selector`}
              value={output.selector}
              onChange={(selector) =>
                setOutputs((list) => list.map((item, at) => (at === index ? { ...item, selector } : item)))
              }
              suggest={(text, cursor) => selectorSuggestions(text, cursor, vocabulary)}
              problem={(() => {
                const checked = checkSelector(output.selector);
                return checked.ok ? null : checked.problem;
              })()}
            />
            <SuggestInput
              label={`Output ${index + 1} value`}
              value={output.value}
              onChange={(value) =>
                setOutputs((list) => list.map((item, at) => (at === index ? { ...item, value } : item)))
              }
              suggest={(text, cursor) => expressionSuggestions(text, cursor, vocabulary)}
            />
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => setOutputs((list) => [...list, { name: '', selector: '', value: '' }])}
        >
          + Output
        </button>
      </fieldset>
      <div className="spec-editor-actions">
        {problems.length > 0 ? (
          <p className="inline-error" role="alert">
            Fix the syntax of {problems.join(', ')} first.
          </p>
        ) : null}
        {error ? (
          <p className="inline-error" role="alert">
            {error}
          </p>
        ) : null}
        <button
          type="button"
          className="button"
          disabled={busy !== null || problems.length > 0}
          onClick={runDry}
        >
          {busy === 'dry-run' ? 'Trying…' : 'Dry run on this trace'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== null || problems.length > 0 || test === null}
          onClick={saveAndRerun}
        >
          {busy === 'save' ? 'Saving…' : 'Save and re-run'}
        </button>
      </div>
      {dryRun ? <DryRunResults result={dryRun} /> : null}
    </section>
  );
}

function DryRunResults({ result }: { readonly result: DryRunResultView }) {
  return (
    <section className="dry-run-results" aria-labelledby="dry-run-title" aria-live="polite">
      <h3 id="dry-run-title">
        Dry run: {result.allPassed ? 'every spec passed' : 'some specs failed'} (nothing saved)
      </h3>
      <ol>
        {result.results.map((spec, index) => {
          const passed = !spec.error && spec.results.every((assertion) => assertion.allPassed);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: specs are identified by their position
            <li key={index} className={passed ? 'is-passed' : 'is-failed'}>
              <VerdictIcon verdict={passed ? 'passed' : 'failed'} />{' '}
              {spec.name || spec.selector.query || 'All spans'}
              {spec.error ? <span className="result-error"> {spec.error}</span> : null}
              <ul>
                {spec.results.map((assertion, position) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: assertions are identified by their position
                  <li key={position}>
                    <VerdictIcon verdict={assertion.allPassed ? 'passed' : 'failed'} />{' '}
                    <code>{assertion.assertion}</code>{' '}
                    <span className="muted small">
                      {assertion.spanResults.filter((span) => span.passed).length}/
                      {assertion.spanResults.length} spans
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
