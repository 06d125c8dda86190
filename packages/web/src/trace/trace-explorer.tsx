/**
 * A trace with its search box, its timeline and a side panel (the selected span's details by default).
 * The selected span lives in the page URL (`?selectedSpan=`), so a link opens the same view.
 */
import type { SpanId, Trace } from '@tracecheck/core';
import { type ReactNode, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { AssertionResultsView } from '../api/api-types';
import { TraceGraph } from '../graph/trace-graph';
import { countResultsBySpan } from '../run/test-results';
import { SpanDetails } from './span-details';
import { searchSpans, stepMatch } from './span-search';
import { TraceTimeline } from './trace-timeline';

export interface TraceExplorerProps {
  readonly trace: Trace;
  readonly selectedSpanId: string | null;
  readonly onSelectSpan: (spanId: string) => void;
  readonly results?: AssertionResultsView | null;
  /** Spans to highlight while the search box is empty (the spans of the selected spec). */
  readonly highlight?: Uint8Array | null;
  /** Replaces the span details beside the timeline. */
  readonly side?: ReactNode;
  /** Offered on each attribute of the span details: add an assertion from it (span index, name, value). */
  readonly onAddAssertion?: (index: number, name: string, value: string) => void;
}

/** Where the selected span is among the matches (1-based), or 0 when it is not a match. */
function positionAmong(indexes: readonly number[], selected: number | null): number {
  if (selected === null) return 0;
  let low = 0;
  let high = indexes.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = indexes[middle]!;
    if (value === selected) return middle + 1;
    if (value < selected) low = middle + 1;
    else high = middle - 1;
  }
  return 0;
}

export function TraceExplorer(props: TraceExplorerProps) {
  const { trace, selectedSpanId, onSelectSpan, results, side } = props;
  const [query, setQuery] = useState('');
  const [view, setView] = useState<'timeline' | 'graph'>('timeline');
  // Typing stays responsive on big traces: the search runs on the deferred text.
  const deferredQuery = useDeferredValue(query);
  const search = useMemo(() => searchSpans(trace, deferredQuery), [trace, deferredQuery]);
  const resultCounts = useMemo(() => (results ? countResultsBySpan(trace, results) : null), [trace, results]);
  const selected = selectedSpanId === null ? null : (trace.indexById.get(selectedSpanId as SpanId) ?? null);
  const searchRef = useRef<HTMLInputElement>(null);
  const detailsHeadingRef = useRef<HTMLHeadingElement>(null);

  const selectIndex = useCallback(
    (index: number) => {
      const span = trace.spans[index];
      if (span !== undefined) onSelectSpan(span.id);
    },
    [trace, onSelectSpan],
  );

  const matches = search.kind === 'matches' ? search.indexes : [];
  const goToMatch = (direction: 'next' | 'previous') => {
    const target = stepMatch(matches, selected, direction);
    if (target >= 0) selectIndex(target);
  };

  // "/" anywhere on the page (outside a text field) jumps to the search box, as in many code viewers.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable))
        return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const position = positionAmong(matches, selected);
  let status: string;
  switch (search.kind) {
    case 'empty':
      status = `${trace.spans.length.toLocaleString('en-US')} spans`;
      break;
    case 'error':
      status = `Invalid selector at column ${search.column}`;
      break;
    case 'matches':
      status =
        search.indexes.length === 0
          ? 'No match'
          : `${position > 0 ? `${position.toLocaleString('en-US')} of ` : ''}${search.indexes.length.toLocaleString('en-US')} ${
              search.indexes.length === 1 ? 'match' : 'matches'
            }${search.mode === 'selector' ? ' (selector)' : ''}`;
      break;
  }
  const highlight =
    search.kind === 'matches' ? search.mask : search.kind === 'empty' ? (props.highlight ?? null) : null;

  return (
    <div className="trace-explorer">
      <div className="trace-main">
        <search className="trace-search">
          <label htmlFor="trace-search-input" className="sr-only">
            Search spans by text or selector
          </label>
          <input
            id="trace-search-input"
            ref={searchRef}
            type="search"
            className={`search-input${search.kind === 'error' ? ' is-invalid' : ''}`}
            placeholder='Search spans: text, or a selector like span[tracetest.span.type="http"]   ( / )'
            value={query}
            spellCheck={false}
            autoComplete="off"
            aria-describedby="trace-search-status"
            aria-invalid={search.kind === 'error'}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                goToMatch(event.shiftKey ? 'previous' : 'next');
              } else if (event.key === 'Escape') {
                setQuery('');
              }
            }}
          />
          <span id="trace-search-status" className="search-status" aria-live="polite">
            {status}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Previous match"
            title="Previous match (Shift+Enter)"
            disabled={matches.length === 0}
            onClick={() => goToMatch('previous')}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Next match"
            title="Next match (Enter)"
            disabled={matches.length === 0}
            onClick={() => goToMatch('next')}
          >
            ↓
          </button>
          <fieldset className="view-switch">
            <legend className="sr-only">Show the trace as</legend>
            <button type="button" aria-pressed={view === 'timeline'} onClick={() => setView('timeline')}>
              Timeline
            </button>
            <button type="button" aria-pressed={view === 'graph'} onClick={() => setView('graph')}>
              Graph
            </button>
          </fieldset>
        </search>
        {search.kind === 'error' ? (
          <pre className="search-error" role="alert">
            {search.message}
          </pre>
        ) : null}
        {view === 'timeline' ? (
          <TraceTimeline
            trace={trace}
            selected={selected}
            onSelect={selectIndex}
            onActivate={() => detailsHeadingRef.current?.focus()}
            highlight={highlight}
            resultCounts={resultCounts}
            label={`Trace ${trace.traceId}: spans`}
          />
        ) : (
          <TraceGraph
            trace={trace}
            selected={selected}
            onSelect={selectIndex}
            highlight={highlight}
            resultCounts={resultCounts}
            label={`Trace ${trace.traceId}: graph of spans`}
          />
        )}
      </div>
      <aside className="trace-side">
        {side ??
          (selected === null ? (
            <p className="empty-hint">Select a span to see its attributes, events and links.</p>
          ) : (
            <SpanDetails
              trace={trace}
              index={selected}
              onSelect={selectIndex}
              results={results ?? null}
              headingRef={detailsHeadingRef}
              {...(props.onAddAssertion ? { onAddAssertion: props.onAddAssertion } : {})}
            />
          ))}
      </aside>
    </div>
  );
}
