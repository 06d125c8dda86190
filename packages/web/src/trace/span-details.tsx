/**
 * Everything about one span: what it is, when it ran, its status, its attributes grouped by
 * convention, its events and its links, and the assertions that ran on it.
 */
import type { Nanos, SpanId, Trace } from '@tracecheck/core';
import { type ReactNode, type Ref, useMemo } from 'react';
import type { AssertionResultsView } from '../api/api-types';
import { VerdictIcon } from '../components/verdict-icon';
import { formatDurationNs } from '../format/format-duration';
import { titleOfSpec } from '../run/test-results';
import { groupAttributes } from './group-attributes';
import { computeTimeRange } from './timeline-rows';
import { SPAN_TYPE_LABELS } from './trace-timeline';

export interface SpanDetailsProps {
  readonly trace: Trace;
  readonly index: number;
  readonly onSelect: (index: number) => void;
  /** The run's results: the assertions that ran on this span are listed. */
  readonly results?: AssertionResultsView | null;
  /** The heading, which takes the focus when the timeline asks for the details (Enter). */
  readonly headingRef?: Ref<HTMLHeadingElement>;
  /** When given, each attribute offers "add an assertion from this attribute" (span index, name, value). */
  readonly onAddAssertion?: (index: number, name: string, value: string) => void;
}

function offsetOf(fromNs: Nanos, atNs: Nanos): string {
  const delta = atNs - fromNs;
  return delta < 0n ? `-${formatDurationNs(-delta)}` : `+${formatDurationNs(delta)}`;
}

function AttributeTable({
  entries,
  onAdd,
}: {
  readonly entries: readonly (readonly [string, string])[];
  readonly onAdd?: ((name: string, value: string) => void) | undefined;
}) {
  return (
    <dl className="attribute-table">
      {entries.map(([key, value]) => (
        <div key={key} className="attribute-row">
          <dt>{key}</dt>
          <dd>
            {value === '' ? <span className="muted">(empty)</span> : value}
            {onAdd ? (
              <>
                {' '}
                <button
                  type="button"
                  className="link-button add-assertion"
                  aria-label={`Add an assertion from ${key}`}
                  title="Add an assertion from this attribute"
                  onClick={() => onAdd(key, value)}
                >
                  + assert
                </button>
              </>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <details className="details-section" open>
      <summary>
        {title}
        {count === undefined ? null : <span className="count-badge">{count}</span>}
      </summary>
      {children}
    </details>
  );
}

/** The span's assertion results: per spec and assertion, the observed value and the verdict. */
function SpanResults({ spanId, results }: { spanId: SpanId; results: AssertionResultsView }) {
  const lines: ReactNode[] = [];
  results.results.forEach((spec, specIndex) => {
    for (const [assertionIndex, assertion] of spec.results.entries()) {
      for (const result of assertion.spanResults) {
        if (result.spanId !== spanId) continue;
        lines.push(
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: results have no id; spec and assertion positions are stable
            key={`${specIndex}-${assertionIndex}`}
            className={result.passed ? 'is-passed' : 'is-failed'}
          >
            <VerdictIcon verdict={result.passed ? 'passed' : 'failed'} />
            <span className="sr-only">{result.passed ? 'Passed: ' : 'Failed: '}</span>
            <code>{assertion.assertion}</code>
            <span className="observed">
              observed {result.observedValue === '' ? '(nothing)' : result.observedValue}
            </span>
            {result.error && result.error !== 'no match' ? (
              <span className="result-error">{result.error}</span>
            ) : null}
            <span className="muted spec-title">{titleOfSpec(spec)}</span>
          </li>,
        );
      }
    }
  });
  if (lines.length === 0) return null;
  return (
    <Section title="Assertions" count={lines.length}>
      <ul className="span-results">{lines}</ul>
    </Section>
  );
}

/** The details panel of span `index`. */
export function SpanDetails({
  trace,
  index,
  onSelect,
  results,
  headingRef,
  onAddAssertion,
}: SpanDetailsProps) {
  const span = trace.spans[index]!;
  const groups = useMemo(() => groupAttributes(span), [span]);
  const range = useMemo(() => computeTimeRange(trace), [trace]);
  const parent = trace.parentIndex[index] ?? -1;
  const durationNs = span.endTimeUnixNano - span.startTimeUnixNano;
  const status = span.status?.code ?? 'STATUS_CODE_UNSET';
  return (
    <section className="span-details" aria-label={`Span ${span.name}`}>
      <header className="span-details-header">
        <span className={`type-badge type-${span.type}`}>{SPAN_TYPE_LABELS[span.type]}</span>
        <h2 ref={headingRef} tabIndex={-1}>
          {span.name}
        </h2>
        <dl className="span-facts">
          <div>
            <dt>Service</dt>
            <dd>{span.attributes.get('service.name') ?? '—'}</dd>
          </div>
          <div>
            <dt>Kind</dt>
            <dd>{span.kind}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDurationNs(durationNs)}</dd>
          </div>
          <div>
            <dt>Starts at</dt>
            <dd>{offsetOf(range.startNs, span.startTimeUnixNano)}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd className={status === 'STATUS_CODE_ERROR' ? 'status-error' : undefined}>
              {status.replace('STATUS_CODE_', '')}
              {span.status?.message ? `: ${span.status.message}` : ''}
            </dd>
          </div>
          <div>
            <dt>Span id</dt>
            <dd>
              <code>{span.id}</code>
            </dd>
          </div>
          {parent >= 0 ? (
            <div>
              <dt>Parent</dt>
              <dd>
                <button type="button" className="link-button" onClick={() => onSelect(parent)}>
                  {trace.spans[parent]!.name}
                </button>
              </dd>
            </div>
          ) : null}
        </dl>
      </header>
      {results ? <SpanResults spanId={span.id} results={results} /> : null}
      {groups.map((group) => (
        <Section key={group.id} title={group.title} count={group.entries.length}>
          <AttributeTable
            entries={group.entries}
            onAdd={onAddAssertion ? (name, value) => onAddAssertion(index, name, value) : undefined}
          />
        </Section>
      ))}
      {span.events.length > 0 ? (
        <Section title="Events" count={span.events.length}>
          <ol className="span-events">
            {span.events.map((event, eventIndex) => (
              // Events have no id; their position in the span is stable.
              // biome-ignore lint/suspicious/noArrayIndexKey: events of a span never reorder
              <li key={eventIndex}>
                <div className="span-event-title">
                  <strong>{event.name}</strong>
                  <span className="muted">{offsetOf(span.startTimeUnixNano, event.timeUnixNano)}</span>
                </div>
                {event.attributes.size > 0 ? <AttributeTable entries={[...event.attributes]} /> : null}
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
      {span.links.length > 0 ? (
        <Section title="Links" count={span.links.length}>
          <ul className="span-links">
            {span.links.map((link) => {
              const target = link.traceId === trace.traceId ? trace.indexById.get(link.spanId) : undefined;
              return (
                <li key={`${link.traceId}-${link.spanId}`}>
                  {target === undefined ? (
                    <span>
                      span <code>{link.spanId}</code> of trace <code>{link.traceId}</code>
                    </span>
                  ) : (
                    <button type="button" className="link-button" onClick={() => onSelect(target)}>
                      {trace.spans[target]!.name} <code>{link.spanId}</code>
                    </button>
                  )}
                  {link.attributes.size > 0 ? <AttributeTable entries={[...link.attributes]} /> : null}
                </li>
              );
            })}
          </ul>
        </Section>
      ) : null}
    </section>
  );
}
