/**
 * The Compare tab: this run's trace against another run of the same test (by default the last
 * passing one): spans added, missing, and slower or faster beyond the thresholds.
 */
import { decodeOtlpProtobuf, type Trace } from '@tracecheck/core';
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/api-context';
import type { TestRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { formatTimeAgo } from '../format/format-time';
import { assembleRunTrace } from '../trace/decode-trace';
import { DEFAULT_THRESHOLDS, diffTraces, type SpanDiff } from './diff-traces';

export interface CompareTabProps {
  readonly run: TestRunView;
  readonly trace: Trace | null;
  readonly onSelectSpan: (spanId: string) => void;
}

/** Runs listed in the picker. */
const RUNS_LISTED = 50;

/** The default baseline: the newest other run that finished with every assertion passing, else the newest other run. */
export function defaultBaseline(run: TestRunView, runs: readonly TestRunView[]): TestRunView | undefined {
  const others = runs.filter((candidate) => candidate.id !== run.id);
  const passing = others.find(
    (candidate) => candidate.state === 'FINISHED' && candidate.fail === 0 && candidate.pass > 0,
  );
  return passing ?? others[0];
}

type BaselineTrace =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly trace: Trace }
  | { readonly status: 'none'; readonly message: string };

const CHANGE_LABELS: Readonly<Record<SpanDiff['change'], string>> = {
  added: 'Added',
  missing: 'Missing',
  slower: 'Slower',
  faster: 'Faster',
};

function formatMs(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function CompareTab({ run, trace, onSelectSpan }: CompareTabProps) {
  const api = useApi();
  const runs = useLoad(() => api.listTestRuns(run.testId, { take: RUNS_LISTED }), `compare:${run.testId}`);
  const [chosen, setChosen] = useState<string | null>(null);
  const [percent, setPercent] = useState(String(DEFAULT_THRESHOLDS.percent));
  const [milliseconds, setMilliseconds] = useState(String(DEFAULT_THRESHOLDS.milliseconds));
  const [baseline, setBaseline] = useState<BaselineTrace>({ status: 'loading' });
  const candidates = runs.status === 'ready' ? runs.data.items.filter((item) => item.id !== run.id) : [];
  const baselineRun =
    runs.status === 'ready'
      ? chosen === null
        ? defaultBaseline(run, runs.data.items)
        : candidates.find((item) => item.id === chosen)
      : undefined;
  const baselineId = baselineRun?.id;
  const baselineTraceId = baselineRun?.traceId ?? '';

  useEffect(() => {
    if (baselineId === undefined) return;
    let current = true;
    setBaseline({ status: 'loading' });
    api.getRunTrace(run.testId, baselineId).then(
      (bytes) => {
        if (!current) return;
        const assembled =
          bytes === null ? null : assembleRunTrace(baselineTraceId, decodeOtlpProtobuf(bytes));
        setBaseline(
          assembled === null
            ? { status: 'none', message: `run #${baselineId} has no trace to compare with` }
            : { status: 'ready', trace: assembled },
        );
      },
      (error: unknown) =>
        current &&
        setBaseline({ status: 'none', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, run.testId, baselineId, baselineTraceId]);

  const thresholds = useMemo(
    () => ({ percent: Number(percent), milliseconds: Number(milliseconds) }),
    [percent, milliseconds],
  );
  const thresholdError =
    !(thresholds.percent >= 0) || !(thresholds.milliseconds >= 0)
      ? 'Thresholds are numbers ≥ 0 (a percentage and milliseconds).'
      : null;
  const diff = useMemo(
    () =>
      trace !== null && baseline.status === 'ready' && thresholdError === null
        ? diffTraces(trace, baseline.trace, thresholds)
        : null,
    [trace, baseline, thresholds, thresholdError],
  );

  if (runs.status === 'error') return <ErrorMessage error={runs.error} onRetry={runs.reload} />;
  if (trace === null) return <p className="empty-hint">This run has no trace yet: nothing to compare.</p>;
  if (runs.status === 'loading') return <p className="loading">Loading the runs of this test…</p>;
  if (baselineRun === undefined) {
    return <p className="empty-hint">This test has no other run to compare with: run it again first.</p>;
  }

  return (
    <section className="compare-tab" aria-labelledby="compare-title">
      <h2 id="compare-title">
        Run #{run.id} compared with run #{baselineRun.id}
      </h2>
      <div className="compare-controls">
        <label className="field">
          <span>Compare with</span>
          <select value={baselineRun.id} onChange={(event) => setChosen(event.target.value)}>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                #{candidate.id} · {candidate.state}
                {candidate.state === 'FINISHED' ? ` · ✔ ${candidate.pass} ✘ ${candidate.fail}` : ''} ·{' '}
                {formatTimeAgo(candidate.createdAt, Date.now())}
                {candidate.id === defaultBaseline(run, runs.data.items)?.id
                  ? candidate.state === 'FINISHED' && candidate.fail === 0 && candidate.pass > 0
                    ? ' (last passing)'
                    : ' (latest)'
                  : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Slower/faster by at least (%)</span>
          <input type="number" min={0} value={percent} onChange={(event) => setPercent(event.target.value)} />
        </label>
        <label className="field">
          <span>and by at least (ms)</span>
          <input
            type="number"
            min={0}
            step="any"
            value={milliseconds}
            onChange={(event) => setMilliseconds(event.target.value)}
          />
        </label>
      </div>
      {thresholdError ? (
        <p className="inline-error" role="alert">
          {thresholdError}
        </p>
      ) : null}
      {baseline.status === 'loading' ? (
        <p className="loading">Loading the trace of run #{baselineRun.id}…</p>
      ) : null}
      {baseline.status === 'none' ? <p className="empty-hint">{baseline.message}</p> : null}
      {diff ? (
        <>
          <p className="compare-summary" aria-live="polite">
            <span className="diff-added">{diff.added} added</span> ·{' '}
            <span className="diff-missing">{diff.missing} missing</span> ·{' '}
            <span className="diff-slower">{diff.slower} slower</span> ·{' '}
            <span className="diff-faster">{diff.faster} faster</span> ·{' '}
            <span className="muted">{diff.matched} matched</span>
          </p>
          {diff.changes.length === 0 ? (
            <p className="empty-hint">No difference beyond the thresholds.</p>
          ) : (
            <table className="compare-table">
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">Span</th>
                  <th scope="col">This run</th>
                  <th scope="col">Run #{baselineRun.id}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.slice(0, 1000).map((change) => (
                  <tr key={`${change.change}:${change.key}`} className={`diff-${change.change}`}>
                    <td>{CHANGE_LABELS[change.change]}</td>
                    <td style={{ paddingLeft: `${0.5 + change.depth}em` }}>
                      {change.currentIndex === undefined ? (
                        <span>{change.name}</span>
                      ) : (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => onSelectSpan(trace.spans[change.currentIndex!]!.id)}
                        >
                          {change.name}
                        </button>
                      )}{' '}
                      <span className="muted small">{change.type}</span>
                    </td>
                    <td>{formatMs(change.currentMs)}</td>
                    <td>{formatMs(change.baselineMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.changes.length > 1000 ? (
            <p className="muted small">
              The first 1,000 of {diff.changes.length.toLocaleString('en-US')} changes.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
