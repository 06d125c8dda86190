/**
 * The Analyzer tab (SPEC §8): the score against the minimum, each plugin and rule with its verdict,
 * and for a failed rule the spans that broke it, each a link into the trace.
 */
import type { AnalyzerResult, AnalyzerRuleResult, SpanId, Trace } from '@tracecheck/core';
import type { TestRunView } from '../api/api-types';
import { describeRunState } from '../components/describe-run-state';
import { VerdictIcon } from '../components/verdict-icon';

/** Failing spans listed per rule before "and N more": a rule can fail on every span of a huge trace. */
const MAX_LISTED_SPANS = 50;

function RuleResults(props: {
  readonly rule: AnalyzerRuleResult;
  readonly trace: Trace | null;
  readonly onSelectSpan: (spanId: string) => void;
}) {
  const failing = props.rule.results.filter((result) => !result.passed);
  if (failing.length === 0) return null;
  const listed = failing.slice(0, MAX_LISTED_SPANS);
  return (
    <ul className="analyzer-spans">
      {listed.map((result) => {
        const index = props.trace?.indexById.get(result.spanId as SpanId);
        const name = index === undefined ? `#${result.spanId}` : props.trace!.spans[index]!.name;
        return (
          <li key={result.spanId}>
            <button
              type="button"
              className="link-button"
              onClick={() => props.onSelectSpan(result.spanId)}
              aria-label={`Show span ${name} in the trace`}
            >
              {name}
            </button>
            <ul className="analyzer-errors">
              {result.errors.map((error, errorIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: errors of one span never reorder
                <li key={errorIndex}>
                  {error.description}
                  {error.expected ? (
                    <span className="muted">
                      {' '}
                      (expected <code>{error.expected}</code>)
                    </span>
                  ) : null}
                  {error.suggestions.length > 0 ? (
                    <span className="muted"> · try {error.suggestions.join(', ')}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          </li>
        );
      })}
      {failing.length > listed.length ? (
        <li className="muted">and {failing.length - listed.length} more spans</li>
      ) : null}
    </ul>
  );
}

function Score({ result }: { readonly result: AnalyzerResult }) {
  const tone = result.passed && result.score >= result.minimumScore ? 'is-passed' : 'is-failed';
  return (
    <div className={`analyzer-score ${tone}`}>
      <span className="score-value">
        <span className="sr-only">Score </span>
        {result.score}
        <span className="sr-only"> out of 100</span>
      </span>
      <span className="score-details">
        <span>{result.passed ? 'Every error-level rule passed' : 'Some error-level rules failed'}</span>
        <span className="muted">
          Minimum score {result.minimumScore}
          {result.score < result.minimumScore ? ' — below the minimum' : ''}
        </span>
      </span>
    </div>
  );
}

export function AnalyzerTab(props: {
  readonly run: TestRunView;
  readonly trace: Trace | null;
  readonly onSelectSpan: (spanId: string) => void;
}) {
  const result = props.run.linter;
  if (result === null || result === undefined) {
    const description = describeRunState(props.run);
    return (
      <p className="empty-hint">
        {description.final
          ? 'The analyzer did not run for this run: it is disabled in the Analyzer settings, or the run ended before the trace was complete.'
          : 'The analyzer checks the trace as soon as it is complete; its score appears here by itself.'}
      </p>
    );
  }
  return (
    <div className="analyzer-tab">
      <Score result={result} />
      {result.plugins.map((plugin) => (
        <section key={plugin.id} className="panel analyzer-plugin" aria-labelledby={`plugin-${plugin.id}`}>
          <h2 id={`plugin-${plugin.id}`}>
            <VerdictIcon verdict={plugin.passed ? 'passed' : 'failed'} /> {plugin.name}{' '}
            <span className="muted">score {plugin.score}</span>
          </h2>
          <p className="muted">{plugin.description}</p>
          <ul className="analyzer-rules">
            {plugin.rules.map((rule) => (
              <li key={rule.id} className={rule.passed ? 'is-passed' : 'is-failed'}>
                <details open={!rule.passed && rule.level === 'error'}>
                  <summary>
                    <VerdictIcon
                      verdict={rule.level === 'disabled' ? 'skipped' : rule.passed ? 'passed' : 'failed'}
                    />{' '}
                    <strong>{rule.name}</strong>{' '}
                    <span className="muted small">
                      {rule.level} · weight {rule.weight}
                      {rule.passed ? '' : ` · ${rule.results.filter((span) => !span.passed).length} spans`}
                    </span>
                  </summary>
                  <p>{rule.passed ? rule.description : rule.errorDescription || rule.description}</p>
                  {rule.tips.length > 0 && !rule.passed ? (
                    <div className="analyzer-tips">
                      <strong>Tips</strong>
                      <ul>
                        {rule.tips.map((tip) => (
                          <li key={tip}>{tip}</li>
                        ))}
                      </ul>
                    </div>
                  ) : null}
                  {rule.passed ? null : <h3 className="analyzer-spans-title">Spans that break the rule</h3>}
                  <RuleResults rule={rule} trace={props.trace} onSelectSpan={props.onSelectSpan} />
                </details>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
