/**
 * One run of a test suite (`/testsuite/<id>/run/<runId>`, the link the CLI prints): its state and
 * verdict, when it ran and how long, its variables, and each step in order with the run of its test,
 * the counts, and the outputs handed to the later steps. It follows the suite run live until it ends.
 */
import { isFinalState } from '@tracecheck/core';
import { useApi } from '../api/api-context';
import type { SuiteRunView, TestRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ActionButton } from '../components/action-button';
import { ErrorMessage } from '../components/error-message';
import { PassFailCounts } from '../components/pass-fail-counts';
import { RunStateBadge } from '../components/run-state-badge';
import { TimeAgo } from '../components/time-ago';
import { useDocumentTitle } from '../components/use-document-title';
import { formatTimestamp } from '../format/format-time';
import type { SuiteSpecView } from '../resources/resource-types';
import { Link } from '../router/navigation';
import { hrefOf } from '../router/routes';
import { SuiteRunStateBadge } from '../suites/suite-run-state-badge';
import { describeSuiteRun, handOversOf, isSuiteRunFinal, type StepHandOver } from '../suites/suite-run-view';
import { useSuiteRunData } from '../suites/use-suite-run-data';

function StepItem(props: {
  readonly step: TestRunView;
  readonly position: number;
  readonly testName: string;
  readonly handOver: StepHandOver;
}) {
  const { step, position, testName, handOver } = props;
  const final = isFinalState(step.state);
  return (
    <li className="suite-step" data-step={position}>
      <div className="suite-step-head">
        <span className="suite-step-number">Step {position}</span>
        <Link to={hrefOf({ page: 'test', testId: step.testId })} className="row-title">
          {testName}
        </Link>
        <span className="muted small">v{step.testVersion}</span>
        <Link
          to={hrefOf({ page: 'run', testId: step.testId, runId: step.id, tab: 'test' })}
          className="suite-step-run"
          aria-label={`Run ${step.id} of ${testName}`}
        >
          <RunStateBadge run={step} /> <span>run #{step.id}</span>
        </Link>
        <PassFailCounts pass={step.pass} fail={step.fail} titled />
        {final ? <span className="muted small">took {step.executionTime}s</span> : null}
      </div>
      {step.lastErrorState ? <p className="suite-step-error">{step.lastErrorState}</p> : null}
      {handOver.received.length > 0 ? (
        <div className="suite-step-vars">
          <span className="muted small">Got from earlier steps</span>
          <ul className="handed-list">
            {handOver.received.map((variable) => (
              <li key={variable.key}>
                <code>{variable.key}</code> = <code>{variable.value}</code>{' '}
                <span className="muted small">(output of step {variable.fromStep})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {handOver.outputs.length > 0 ? (
        <div className="suite-step-vars">
          <span className="muted small">Outputs, handed to the next steps</span>
          <ul className="handed-list">
            {handOver.outputs.map((output) => (
              <li key={output.name}>
                <code>{output.name}</code> ={' '}
                {output.error ? (
                  <span className="inline-error">{output.error}</span>
                ) : (
                  <code>{output.value}</code>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}

function Steps(props: {
  readonly run: SuiteRunView;
  readonly plannedSteps: readonly string[] | null;
  readonly testNames: ReadonlyMap<string, string>;
}) {
  const { run, plannedSteps, testNames } = props;
  const handOvers = handOversOf(run.steps);
  const final = isSuiteRunFinal(run.state);
  const pending = plannedSteps === null ? [] : plannedSteps.slice(run.steps.length);
  if (run.steps.length === 0 && pending.length === 0) {
    return (
      <p className="empty-hint">
        {final ? 'No step ran.' : 'The first step starts as soon as a worker picks the suite run up…'}
      </p>
    );
  }
  return (
    <ol className="suite-step-list">
      {run.steps.map((step, index) => (
        <StepItem
          key={step.id}
          step={step}
          position={index + 1}
          testName={testNames.get(step.testId) ?? step.testId}
          handOver={handOvers[index] ?? { outputs: [], received: [] }}
        />
      ))}
      {pending.map((testId, index) => {
        const position = run.steps.length + index + 1;
        return (
          <li key={`pending-${position}`} className="suite-step suite-step-pending" data-step={position}>
            <div className="suite-step-head">
              <span className="suite-step-number">Step {position}</span>
              <Link to={hrefOf({ page: 'test', testId })} className="row-title">
                {testNames.get(testId) ?? testId}
              </Link>
              <span className="muted small">{final ? 'Not run' : 'Waiting'}</span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function Variables({ run }: { readonly run: SuiteRunView }) {
  const { id, values } = run.variableSet;
  return (
    <>
      <p className="muted">
        {id ? (
          <>
            Variable set{' '}
            <Link to={hrefOf({ page: 'variable-set-editor', variableSetId: id })}>
              <code>{id}</code>
            </Link>
            {values.length > 0 ? ', with the variables given at start:' : '.'}
          </>
        ) : values.length > 0 ? (
          'No variable set; the variables given at start:'
        ) : (
          'No variable set and no variable: the steps ran with their own values.'
        )}
      </p>
      {values.length > 0 ? (
        <dl className="attribute-table suite-run-variables">
          {values.map((variable) => (
            <div key={variable.key} className="attribute-row">
              <dt>{variable.key}</dt>
              <dd>
                <code>{variable.value}</code>
                {variable.type === 'secret' ? <span className="muted small"> secret</span> : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </>
  );
}

export function SuiteRunPage({ suiteId, runId }: { readonly suiteId: string; readonly runId: string }) {
  const api = useApi();
  const data = useSuiteRunData(suiteId, runId);
  const suite = useLoad(() => api.getResource<SuiteSpecView>('testsuites', suiteId), `suite:${suiteId}`);
  const tests = useLoad(() => api.listTests({ take: 500 }), 'suite-run-tests');
  const suiteName = suite.status === 'ready' ? suite.data.spec.name || suiteId : suiteId;
  useDocumentTitle(`${suiteName} run #${runId}`);
  const testNames = new Map(
    tests.status === 'ready' ? tests.data.items.map(({ spec }) => [spec.id, spec.name || spec.id]) : [],
  );
  const breadcrumbs = (
    <p className="breadcrumbs">
      <Link to={hrefOf({ page: 'suite', suiteId })}>← {suiteName}</Link>
    </p>
  );
  if (data.status === 'loading') {
    return (
      <div className="page">
        {breadcrumbs}
        <p className="loading">Loading suite run…</p>
      </div>
    );
  }
  if (data.status === 'error') {
    return (
      <div className="page">
        {breadcrumbs}
        <ErrorMessage error={data.error} onRetry={data.reload} />
      </div>
    );
  }
  const { run } = data;
  const description = describeSuiteRun(run);
  // The suite as it is now lists the steps still to come only when it is the version that runs.
  const plannedSteps =
    suite.status === 'ready' && suite.data.spec.version === run.version ? suite.data.spec.steps : null;
  return (
    <div className="page suite-run-page">
      {breadcrumbs}
      <div className="page-header">
        <div>
          <h1>
            {suiteName} <span className="muted version">v{run.version}</span>{' '}
            <span className="run-number">run #{run.id}</span>
          </h1>
          <p className="muted small">
            Started <TimeAgo at={run.createdAt} now={Date.now()} />
            {run.completedAt ? (
              <>
                {' '}
                · ended <time dateTime={run.completedAt}>{formatTimestamp(run.completedAt)}</time> · took{' '}
                {run.executionTime}s
              </>
            ) : null}
            {' · '}
            {run.steps.length} of {plannedSteps?.length ?? run.steps.length}{' '}
            {(plannedSteps?.length ?? run.steps.length) === 1 ? 'step' : 'steps'} ran
          </p>
        </div>
        <div className="header-actions">
          <div className="run-status suite-run-status" aria-live="polite">
            <SuiteRunStateBadge run={run} />
            <span className="counts">
              <span className="count-passed" title="Assertion results that passed, over every step">
                ✔ {run.pass}
              </span>
              <span className="count-failed" title="Assertion results that failed, over every step">
                ✘ {run.fail}
              </span>
            </span>
            {data.live ? <span className="live-indicator">Live</span> : null}
          </div>
          {description.final ? null : (
            <ActionButton
              label="Stop"
              busyLabel="Stopping…"
              action={() => api.stopSuiteRun(run.testSuiteId, run.id)}
              onDone={data.reload}
            />
          )}
        </div>
      </div>
      {run.state === 'FAILED' || run.state === 'STOPPED' ? (
        <div className="run-error-banner" role="status">
          <strong>{description.label}.</strong> {run.lastErrorState || description.explanation}
        </div>
      ) : null}
      <section aria-labelledby="suite-run-steps-title">
        <h2 id="suite-run-steps-title">Steps</h2>
        <Steps run={run} plannedSteps={plannedSteps} testNames={testNames} />
      </section>
      <section aria-labelledby="suite-run-variables-title">
        <h2 id="suite-run-variables-title">Variables</h2>
        <Variables run={run} />
      </section>
    </div>
  );
}
