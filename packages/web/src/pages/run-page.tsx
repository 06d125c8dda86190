/**
 * A run, updated live while it goes on: its state in the header, and tabs that follow its life:
 * Trigger, Trace, Test, Analyzer, Events.
 */
import { type KeyboardEvent, useCallback, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { SpecDraftView, TestRunView } from '../api/api-types';
import { CompareTab } from '../compare/compare-tab';
import { describeRunState } from '../components/describe-run-state';
import { describeTrigger } from '../components/describe-trigger';
import { ErrorMessage } from '../components/error-message';
import { PassFailCounts } from '../components/pass-fail-counts';
import { RunStateBadge } from '../components/run-state-badge';
import { TimeAgo } from '../components/time-ago';
import { useDocumentTitle } from '../components/use-document-title';
import { Link, navigate } from '../router/navigation';
import { hrefOf, type Route, RUN_TABS, type RunTab } from '../router/routes';
import { AnalyzerTab } from '../run/analyzer-tab';
import { AutomateTab } from '../run/automate-tab';
import { EventsTab } from '../run/events-tab';
import { TestTab } from '../run/test-tab';
import { TriggerTab } from '../run/trigger-tab';
import { type TraceState, useRunData } from '../run/use-run-data';
import { assertionFromAttribute, selectorForSpan } from '../spec-editor/spec-language';
import { TraceExplorer } from '../trace/trace-explorer';

type RunRoute = Extract<Route, { page: 'run' }>;

const TAB_LABELS: Readonly<Record<RunTab, string>> = {
  trigger: 'Trigger',
  trace: 'Trace',
  test: 'Test',
  analyzer: 'Analyzer',
  compare: 'Compare',
  automate: 'Automate',
  events: 'Events',
};

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} bytes`;
}

/** What the trace area says while there is no trace to show. */
function TraceStatus({ trace, run }: { readonly trace: TraceState; readonly run: TestRunView }) {
  switch (trace.status) {
    case 'loading':
      return <p className="loading">Loading the trace…</p>;
    case 'decoding':
      return <p className="loading">Decoding the trace ({formatBytes(trace.bytes)})…</p>;
    case 'error':
      return (
        <div className="error-message" role="alert">
          <p>
            <strong>The trace could not be read.</strong> {trace.message}
          </p>
        </div>
      );
    case 'ready':
      return null;
    case 'none':
      if (!describeRunState(run).final) {
        return (
          <div className="empty-state">
            <h2>Waiting for spans</h2>
            <p>
              Spans of trace <code>{run.traceId || '(not chosen yet)'}</code> appear here as the agent
              receives them.
            </p>
            <p className="muted">
              The agent receives OTLP on port 4318 (HTTP) and 4317 (gRPC). If nothing arrives, check that the
              app's <code>OTEL_EXPORTER_OTLP_ENDPOINT</code> points at it and that the app propagates the{' '}
              <code>traceparent</code> header it receives.
            </p>
          </div>
        );
      }
      return (
        <div className="empty-state">
          <h2>No span of this run's trace arrived</h2>
          <p>
            Tracecheck waited for trace <code>{run.traceId || '(none)'}</code> until the polling timeout.
            {run.lastErrorState ? ` The run says: ${run.lastErrorState}` : ''}
          </p>
          <ul>
            <li>
              Is the app exporting spans to the agent? Its <code>OTEL_EXPORTER_OTLP_ENDPOINT</code> should be
              the agent's address, port 4318 (HTTP) or 4317 (gRPC).
            </li>
            <li>
              Does the app continue the trace it is called with? OpenTelemetry's HTTP instrumentation reads
              the <code>traceparent</code> header by default; a proxy in between must pass it on.
            </li>
            <li>
              Is the trace sampled? A sampler other than <code>always_on</code> or{' '}
              <code>parentbased_always_on</code> may drop it.
            </li>
          </ul>
          <p>
            The{' '}
            <Link to={hrefOf({ page: 'run', testId: run.testId, runId: run.id, tab: 'events' })}>Events</Link>{' '}
            tab tells what the run saw.
          </p>
        </div>
      );
  }
}

function RunActions({ run, onChanged }: { readonly run: TestRunView; readonly onChanged: () => void }) {
  const api = useApi();
  const [busy, setBusy] = useState<'run' | 'stop' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const final = describeRunState(run).final;
  const fail = (reason: unknown) => {
    setBusy(null);
    setError(reason instanceof ApiError ? reason.detail : String(reason));
  };
  return (
    <div className="header-actions">
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
      {final ? null : (
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => {
            setBusy('stop');
            api.stopRun(run.testId, run.id).then(() => {
              setBusy(null);
              onChanged();
            }, fail);
          }}
        >
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </button>
      )}
      <button
        type="button"
        className="button button-primary"
        disabled={busy !== null}
        onClick={() => {
          setBusy('run');
          api.runTest(run.testId).then((next) => {
            setBusy(null);
            navigate(hrefOf({ page: 'run', testId: run.testId, runId: next.id, tab: 'trace' }));
          }, fail);
        }}
      >
        {busy === 'run' ? 'Starting…' : 'Run again'}
      </button>
    </div>
  );
}

export function RunPage({ route }: { readonly route: RunRoute }) {
  const data = useRunData(route.testId, route.runId);
  const tabRefs = useRef<Partial<Record<RunTab, HTMLAnchorElement | null>>>({});
  const testName = data.status === 'ready' ? data.test?.name || route.testId : route.testId;
  useDocumentTitle(`${testName} · run ${route.runId}`);

  // The callbacks read the route through a ref, so they keep their identity and the timeline's rows
  // do not re-render on every navigation.
  const routeRef = useRef(route);
  routeRef.current = route;
  // Selecting a span or a spec replaces the history entry: Back leaves the run, not the last click.
  const selectSpan = useCallback(
    (spanId: string) => navigate(hrefOf({ ...routeRef.current, selectedSpan: spanId }), { replace: true }),
    [],
  );
  const selectSpanInTrace = useCallback(
    (spanId: string) => navigate(hrefOf({ ...routeRef.current, tab: 'trace', selectedSpan: spanId })),
    [],
  );
  // "Add an assertion from this attribute" (Trace tab) hands a new spec to the Test tab's editor.
  const [draft, setDraft] = useState<SpecDraftView | null>(null);
  const clearDraft = useCallback(() => setDraft(null), []);
  const selectSpec = useCallback((index: number | null) => {
    const { selectedAssertion: _dropped, ...rest } = routeRef.current;
    navigate(hrefOf(index === null ? rest : { ...rest, selectedAssertion: index }), { replace: true });
  }, []);

  if (data.status === 'loading') return <p className="page loading">Loading run {route.runId}…</p>;
  if (data.status === 'error') {
    return (
      <div className="page">
        <p className="breadcrumbs">
          <Link to={hrefOf({ page: 'test', testId: route.testId })}>← {route.testId}</Link>
        </p>
        <ErrorMessage error={data.error} onRetry={data.reload} />
      </div>
    );
  }

  const { run, test, events, trace } = data;
  const description = describeRunState(run);
  const traceReady = trace.status === 'ready' ? trace.trace : null;
  const addAssertionFromAttribute = (index: number, name: string, value: string) => {
    const span = traceReady?.spans[index];
    if (span === undefined) return;
    setDraft({ selector: selectorForSpan(span), assertions: [assertionFromAttribute(name, value)] });
    navigate(hrefOf({ ...routeRef.current, tab: 'test', selectedSpan: span.id }));
  };
  const specCount = run.result?.results.length ?? 0;
  const tabBadges: Partial<Record<RunTab, string>> = {
    ...(run.result ? { test: `${run.pass}/${run.pass + run.fail}` } : {}),
    ...(run.linter ? { analyzer: String(run.linter.score) } : {}),
    ...(traceReady ? { trace: traceReady.spans.length.toLocaleString('en-US') } : {}),
    ...(events.length > 0 ? { events: String(events.length) } : {}),
  };

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = RUN_TABS.indexOf(route.tab);
    const next =
      event.key === 'ArrowRight'
        ? RUN_TABS[(index + 1) % RUN_TABS.length]
        : event.key === 'ArrowLeft'
          ? RUN_TABS[(index + RUN_TABS.length - 1) % RUN_TABS.length]
          : event.key === 'Home'
            ? RUN_TABS[0]
            : event.key === 'End'
              ? RUN_TABS[RUN_TABS.length - 1]
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    navigate(hrefOf({ ...route, tab: next }));
    tabRefs.current[next]?.focus();
  };

  return (
    <div className="run-page">
      <header className="run-header">
        <div className="run-title">
          <p className="breadcrumbs">
            <Link to={hrefOf({ page: 'test', testId: route.testId })}>← {testName}</Link>
            {run.testSuiteId && run.testSuiteRunId ? (
              <>
                {' · '}
                <Link to={hrefOf({ page: 'suite-run', suiteId: run.testSuiteId, runId: run.testSuiteRunId })}>
                  step of suite {run.testSuiteId} run #{run.testSuiteRunId}
                </Link>
              </>
            ) : null}
          </p>
          <h1>
            {testName} <span className="muted version">v{run.testVersion}</span>{' '}
            <span className="run-number">run #{run.id}</span>
          </h1>
          <p className="muted small">
            <span className="trigger-badge">
              {(run.resolvedTrigger ?? test?.trigger)?.type.toUpperCase() ?? '—'}
            </span>{' '}
            {describeTrigger(run.resolvedTrigger ?? test?.trigger)} · started{' '}
            <TimeAgo at={run.createdAt} now={Date.now()} />
            {description.final ? ` · took ${run.executionTime}s` : ''}
          </p>
        </div>
        <div className="run-status" aria-live="polite">
          <RunStateBadge run={run} />
          {run.result ? <PassFailCounts pass={run.pass} fail={run.fail} titled /> : null}
          {data.live ? <span className="live-indicator">Live</span> : null}
        </div>
        <RunActions run={run} onChanged={data.reload} />
      </header>
      {description.tone === 'error' ? (
        <div className="run-error-banner" role="status">
          <strong>{description.label}.</strong> {run.lastErrorState || description.explanation}
        </div>
      ) : null}
      {/* Tabs are links: each has its own URL, as in Tracetest, and arrow keys move between them. */}
      <div role="tablist" aria-label="Run views" className="tabs" onKeyDown={onTabKey}>
        {RUN_TABS.map((tab) => (
          <Link
            key={tab}
            to={hrefOf({ ...route, tab })}
            role="tab"
            id={`tab-${tab}`}
            aria-selected={route.tab === tab}
            aria-controls="run-tabpanel"
            tabIndex={route.tab === tab ? 0 : -1}
            className="tab"
            ref={(element) => {
              tabRefs.current[tab] = element;
            }}
          >
            {TAB_LABELS[tab]}
            {tabBadges[tab] ? <span className="count-badge">{tabBadges[tab]}</span> : null}
          </Link>
        ))}
      </div>
      <div
        role="tabpanel"
        id="run-tabpanel"
        aria-labelledby={`tab-${route.tab}`}
        className={`tabpanel tab-${route.tab}`}
      >
        {route.tab === 'trigger' ? <TriggerTab run={run} test={test} /> : null}
        {route.tab === 'trace' ? (
          traceReady ? (
            <TraceExplorer
              trace={traceReady}
              selectedSpanId={route.selectedSpan ?? null}
              onSelectSpan={selectSpan}
              results={run.result}
              onAddAssertion={addAssertionFromAttribute}
            />
          ) : (
            <TraceStatus trace={trace} run={run} />
          )
        ) : null}
        {route.tab === 'test' ? (
          <TestTab
            run={run}
            test={test}
            trace={traceReady}
            selectedSpanId={route.selectedSpan ?? null}
            selectedSpec={
              route.selectedAssertion !== undefined && route.selectedAssertion < specCount
                ? route.selectedAssertion
                : null
            }
            onSelectSpan={selectSpan}
            onSelectSpec={selectSpec}
            draft={draft}
            onDraftUsed={clearDraft}
          />
        ) : null}
        {route.tab === 'analyzer' ? (
          <AnalyzerTab run={run} trace={traceReady} onSelectSpan={selectSpanInTrace} />
        ) : null}
        {route.tab === 'compare' ? (
          <CompareTab run={run} trace={traceReady} onSelectSpan={selectSpanInTrace} />
        ) : null}
        {route.tab === 'automate' ? <AutomateTab run={run} /> : null}
        {route.tab === 'events' ? <EventsTab run={run} events={events} /> : null}
      </div>
    </div>
  );
}
