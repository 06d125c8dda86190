/**
 * The Test tab: every spec with its verdict, each assertion with its observed value on each span;
 * choosing a spec highlights its spans in the trace, choosing a result selects its span.
 */
import type { SpanId, Trace } from '@tracecheck/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SpanResultView, SpecDraftView, SpecResultView, TestRunView, TestView } from '../api/api-types';
import { describeRunState } from '../components/describe-run-state';
import { VerdictIcon } from '../components/verdict-icon';
import { SpecEditor } from '../spec-editor/spec-editor';
import { TraceExplorer } from '../trace/trace-explorer';
import { maskOfSpanIds, summarizeSpec, titleOfSpec } from './test-results';

export interface TestTabProps {
  readonly run: TestRunView;
  /** The test's current definition (the spec editor starts from it); `null` when it could not be read. */
  readonly test?: TestView | null;
  readonly trace: Trace | null;
  readonly selectedSpanId: string | null;
  /** 0-based index of the selected spec. */
  readonly selectedSpec: number | null;
  readonly onSelectSpan: (spanId: string) => void;
  readonly onSelectSpec: (index: number | null) => void;
  /** A new spec to open the spec editor with ("add an assertion from this attribute" of the Trace tab). */
  readonly draft?: SpecDraftView | null;
  /** Called once the editor took the draft. */
  readonly onDraftUsed?: () => void;
}

function spanLabel(trace: Trace | null, spanId: string): string {
  const index = trace?.indexById.get(spanId as SpanId);
  return index === undefined ? `#${spanId}` : trace!.spans[index]!.name;
}

/** Span results shown at first, and added by each "Show more": a spec may select 100,000 spans. */
const RESULTS_PAGE = 50;

/**
 * The span-level results of one assertion, failures first (they are what a reader looks for), a page
 * at a time.
 */
function SpanResultList(props: {
  readonly results: readonly SpanResultView[];
  readonly trace: Trace | null;
  readonly selectedSpanId: string | null;
  readonly onSelectSpan: (spanId: string) => void;
}) {
  const { trace, selectedSpanId, onSelectSpan } = props;
  const [shown, setShown] = useState(RESULTS_PAGE);
  const ordered = useMemo(
    () => [
      ...props.results.filter((result) => !result.passed),
      ...props.results.filter((result) => result.passed),
    ],
    [props.results],
  );
  return (
    <>
      <ul className="span-result-list">
        {ordered.slice(0, shown).map((result, resultIndex) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a span may be selected twice (Q7 keeps order)
          <li key={resultIndex} className={result.passed ? 'is-passed' : 'is-failed'}>
            <VerdictIcon verdict={result.passed ? 'passed' : 'failed'} />
            {result.spanId === null ? (
              <span className="muted">no span (selector matched nothing)</span>
            ) : (
              <button
                type="button"
                className={`link-button${result.spanId === selectedSpanId ? ' is-current' : ''}`}
                onClick={() => onSelectSpan(result.spanId!)}
                aria-label={`${result.passed ? 'Passed' : 'Failed'} on span ${spanLabel(trace, result.spanId)}: select it in the trace`}
              >
                {spanLabel(trace, result.spanId)}
              </button>
            )}
            <span className="observed">
              observed <code>{result.observedValue === '' ? '(nothing)' : result.observedValue}</code>
            </span>
            {result.error && result.error !== 'no match' ? (
              <span className="result-error">{result.error}</span>
            ) : null}
          </li>
        ))}
      </ul>
      {ordered.length > shown ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => setShown((count) => count + RESULTS_PAGE * 4)}
        >
          Show more ({(ordered.length - shown).toLocaleString('en-US')} not shown)
        </button>
      ) : null}
    </>
  );
}

function SpecDetails(props: {
  readonly spec: SpecResultView;
  readonly trace: Trace | null;
  readonly selectedSpanId: string | null;
  readonly onSelectSpan: (spanId: string) => void;
}) {
  const { spec, trace, selectedSpanId, onSelectSpan } = props;
  return (
    <div className="spec-details">
      {spec.error ? (
        <p className="result-error" role="alert">
          {spec.error}
        </p>
      ) : null}
      <ul className="assertion-results">
        {spec.results.map((assertion, assertionIndex) => (
          // Assertions may repeat the same text; their position is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: assertions are identified by their position
          <li key={assertionIndex} className={assertion.allPassed ? 'is-passed' : 'is-failed'}>
            <div className="assertion-line">
              <VerdictIcon verdict={assertion.allPassed ? 'passed' : 'failed'} />
              <span className="sr-only">{assertion.allPassed ? 'Passed: ' : 'Failed: '}</span>
              <code>{assertion.assertion}</code>
            </div>
            <SpanResultList
              results={assertion.spanResults}
              trace={trace}
              selectedSpanId={selectedSpanId}
              onSelectSpan={onSelectSpan}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

function SpecList(props: TestTabProps) {
  const { run, trace, selectedSpec, onSelectSpec } = props;
  const specs = run.result?.results ?? [];
  const passedCount = specs.filter(
    (spec) => spec.results.every((assertion) => assertion.allPassed) && !spec.error,
  ).length;
  if (run.result === null) {
    const description = describeRunState(run);
    return (
      <p className="empty-hint">
        {description.final
          ? `No assertion ran: the run ended ${description.label.toLowerCase()}. ${description.explanation}`
          : 'Assertions run as soon as the trace is complete; the results appear here by themselves.'}
      </p>
    );
  }
  return (
    <section className="spec-results" aria-labelledby="spec-results-title">
      <h2 id="spec-results-title">
        Test specs <span className="count-badge">{specs.length}</span>
      </h2>
      <p className={passedCount === specs.length ? 'count-passed' : 'count-failed'}>
        {passedCount} of {specs.length} specs passed
      </p>
      {run.requiredGatesResult ? (
        <p className="muted small">
          Required gates: {run.requiredGatesResult.required.join(', ') || 'none'}
          {run.requiredGatesResult.failed.length > 0
            ? ` · failed: ${run.requiredGatesResult.failed.join(', ')}`
            : ''}
        </p>
      ) : null}
      {specs.length === 0 ? (
        <p className="empty-hint">This test has no specs: add a selector and assertions to its YAML.</p>
      ) : null}
      <ol className="spec-result-list">
        {specs.map((spec, index) => {
          const summary = summarizeSpec(spec);
          const selected = index === selectedSpec;
          const passed = summary.failed === 0 && !spec.error;
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: specs are identified by their position (selectedAssertion)
              key={index}
              className={`spec-result${selected ? ' is-selected' : ''} ${passed ? 'is-passed' : 'is-failed'}`}
            >
              <button
                type="button"
                className="spec-result-header"
                aria-expanded={selected}
                onClick={() => onSelectSpec(selected ? null : index)}
              >
                <VerdictIcon verdict={passed ? 'passed' : 'failed'} />
                <span className="spec-title">{titleOfSpec(spec)}</span>
                <span className="spec-counts">
                  <span className="count-passed">✔ {summary.passed}</span>
                  <span className="count-failed">✘ {summary.failed}</span>
                  <span className="muted">
                    {summary.spanIds.length} {summary.spanIds.length === 1 ? 'span' : 'spans'}
                  </span>
                </span>
              </button>
              {spec.name ? <code className="selector-text">{spec.selector.query || 'All Spans'}</code> : null}
              {selected ? (
                <SpecDetails
                  spec={spec}
                  trace={trace}
                  selectedSpanId={props.selectedSpanId}
                  onSelectSpan={props.onSelectSpan}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
      {run.outputs.length > 0 ? (
        <section aria-labelledby="outputs-title">
          <h3 id="outputs-title">Outputs</h3>
          <dl className="attribute-table">
            {run.outputs.map((output) => (
              <div key={output.name} className="attribute-row">
                <dt>{output.name}</dt>
                <dd>{output.error ? <span className="result-error">{output.error}</span> : output.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </section>
  );
}

export function TestTab(props: TestTabProps) {
  const { run, trace, selectedSpec, onDraftUsed } = props;
  // The draft is read once, when the tab opens with one: the editor starts with it.
  const [draft] = useState(() => props.draft ?? null);
  const [editing, setEditing] = useState(draft !== null);
  useEffect(() => {
    if (draft !== null) onDraftUsed?.();
  }, [draft, onDraftUsed]);
  const [preview, setPreview] = useState<Uint8Array | null>(null);
  const onPreview = useCallback((mask: Uint8Array | null) => setPreview(mask), []);
  const closeEditor = useCallback(() => setEditing(false), []);
  const spec = selectedSpec === null ? undefined : run.result?.results[selectedSpec];
  const highlight = useMemo(
    () => (trace && spec ? maskOfSpanIds(trace, summarizeSpec(spec).spanIds) : null),
    [trace, spec],
  );
  const side = editing ? (
    <SpecEditor
      run={run}
      test={props.test ?? null}
      trace={trace}
      selectedSpanId={props.selectedSpanId}
      onPreview={onPreview}
      onClose={closeEditor}
      initialDraft={draft}
    />
  ) : (
    <>
      <div className="spec-editor-open">
        <button type="button" className="button button-small" onClick={() => setEditing(true)}>
          Edit specs
        </button>
      </div>
      <SpecList {...props} />
    </>
  );
  if (trace === null) return <div className="test-tab-solo">{side}</div>;
  return (
    <TraceExplorer
      trace={trace}
      selectedSpanId={props.selectedSpanId}
      onSelectSpan={props.onSelectSpan}
      results={run.result}
      highlight={editing ? preview : highlight}
      side={side}
    />
  );
}
