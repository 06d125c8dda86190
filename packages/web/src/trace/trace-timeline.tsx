/**
 * The trace as a timeline (waterfall): one compact row per span, indented by depth, with its type,
 * service, name, assertion results and a duration bar on a shared time axis. Only the rows on screen
 * are in the DOM, so a trace of 100,000 spans scrolls like one of 100.
 */
import type { SpanId, SpanType, Trace } from '@tracecheck/core';
import {
  type KeyboardEvent,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { formatDurationNs } from '../format/format-duration';
import type { SpanResultCounts } from '../run/test-results';
import {
  barOf,
  computeDepths,
  computeTimeRange,
  computeTimeTicks,
  findRow,
  listVisibleRows,
  type TraceTimeRange,
} from './timeline-rows';

/** Height of a row in pixels (Jaeger-like: thirty-odd spans on a laptop screen). */
const TIMELINE_ROW_PX = 24;
/** Rows rendered above and below the visible ones, so a fast scroll does not show blank space. */
const OVERSCAN_ROWS = 6;
const INDENT_PX = 14;
/** Indentation stops growing here; deeper rows show their depth as a number instead. */
const MAX_INDENT_LEVELS = 32;

export const SPAN_TYPE_LABELS: Readonly<Record<SpanType, string>> = {
  http: 'HTTP',
  database: 'DATABASE',
  rpc: 'RPC',
  messaging: 'MESSAGING',
  faas: 'FAAS',
  exception: 'EXCEPTION',
  general: 'GENERAL',
};

export interface TraceTimelineProps {
  readonly trace: Trace;
  /** Index of the selected span in `trace.spans`. */
  readonly selected: number | null;
  readonly onSelect: (index: number) => void;
  /** Enter on a row: show the span's details. */
  readonly onActivate?: (index: number) => void;
  /** `highlight[i]` is 1 for spans to highlight (search matches, the spans of a spec). */
  readonly highlight?: Uint8Array | null;
  /** Assertion results per span, shown as counts on the rows. */
  readonly resultCounts?: SpanResultCounts | null;
  /** Accessible name of the tree. */
  readonly label: string;
}

/** Position of each span among its siblings (1-based), for `aria-posinset`. */
function computeSiblingPositions(trace: Trace): Int32Array {
  const positions = new Int32Array(trace.spans.length);
  positions[0] = 1;
  for (const children of trace.children) {
    for (let i = 0; i < children.length; i++) positions[children[i]!] = i + 1;
  }
  return positions;
}

function rowDomId(index: number): string {
  return `timeline-span-${index}`;
}

interface TimelineRowProps {
  readonly trace: Trace;
  readonly index: number;
  readonly position: number;
  readonly depth: number;
  readonly siblingPosition: number;
  readonly range: TraceTimeRange;
  readonly collapsed: boolean;
  readonly selected: boolean;
  readonly highlighted: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly onSelect: (index: number) => void;
  readonly onToggle: (index: number) => void;
}

const TimelineRow = memo(function TimelineRow(props: TimelineRowProps) {
  const { trace, index, depth, range, collapsed, selected, highlighted, passed, failed } = props;
  const span = trace.spans[index]!;
  const childCount = trace.children[index]?.length ?? 0;
  const parent = trace.parentIndex[index] ?? -1;
  const descendants = (trace.subtreeEnd[index] ?? index + 1) - index - 1;
  const service = span.attributes.get('service.name') ?? '';
  const durationNs = span.endTimeUnixNano - span.startTimeUnixNano;
  const bar = barOf(range, span.startTimeUnixNano, span.endTimeUnixNano);
  const isError = span.status?.code === 'STATUS_CODE_ERROR';
  const indentLevels = Math.min(depth, MAX_INDENT_LEVELS);
  // The duration goes after the bar, or before it when the bar ends near the right edge, or inside a
  // bar that spans most of the axis.
  const labelPlace = bar.left + bar.width <= 0.8 ? 'after' : bar.left >= 0.15 ? 'before' : 'inside';
  const labelStyle =
    labelPlace === 'after'
      ? { left: `${(bar.left + bar.width) * 100}%` }
      : labelPlace === 'before'
        ? { right: `${(1 - bar.left) * 100}%` }
        : { left: `${bar.left * 100}%` };
  const className = [
    'timeline-row',
    selected ? 'is-selected' : '',
    highlighted ? 'is-highlighted' : '',
    isError ? 'is-error' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    // Rows are not focusable: the tree has the focus and names the selected row with
    // aria-activedescendant, and its keydown handler serves the keyboard (the WAI-ARIA tree pattern).
    // biome-ignore lint/a11y/useFocusableInteractive: see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div
      id={rowDomId(index)}
      role="treeitem"
      aria-level={depth + 1}
      aria-setsize={parent < 0 ? 1 : (trace.children[parent]?.length ?? 1)}
      aria-posinset={props.siblingPosition}
      aria-expanded={childCount > 0 ? !collapsed : undefined}
      aria-selected={selected}
      aria-label={`${span.name}, ${SPAN_TYPE_LABELS[span.type]}${service ? `, ${service}` : ''}, ${formatDurationNs(durationNs)}${
        isError ? ', error' : ''
      }${failed > 0 ? `, ${failed} failed assertion${failed === 1 ? '' : 's'}` : ''}`}
      className={className}
      data-span-id={span.id}
      style={{ transform: `translateY(${props.position * TIMELINE_ROW_PX}px)` }}
      onClick={() => props.onSelect(index)}
    >
      <div className="timeline-name" style={{ paddingLeft: `${indentLevels * INDENT_PX + 4}px` }}>
        {depth > MAX_INDENT_LEVELS ? <span className="depth-marker">{depth}</span> : null}
        {childCount > 0 ? (
          <button
            type="button"
            tabIndex={-1}
            className="timeline-toggle"
            aria-label={collapsed ? `Expand ${span.name}` : `Collapse ${span.name}`}
            onClick={(event) => {
              event.stopPropagation();
              props.onToggle(index);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="timeline-toggle-spacer" />
        )}
        <span className={`type-badge type-${span.type}`}>{SPAN_TYPE_LABELS[span.type]}</span>
        {service ? <span className="timeline-service">{service}</span> : null}
        <span className="timeline-span-name">{span.name}</span>
        {collapsed && descendants > 0 ? <span className="timeline-hidden-count">+{descendants}</span> : null}
        {passed > 0 ? (
          <span className="result-count is-passed" title={`${passed} passed`}>
            {passed}
          </span>
        ) : null}
        {failed > 0 ? (
          <span className="result-count is-failed" title={`${failed} failed`}>
            {failed}
          </span>
        ) : null}
      </div>
      <div className="timeline-bar-cell">
        <div
          className={`timeline-bar type-${span.type}${labelPlace === 'inside' ? ' is-tall' : ''}`}
          style={{ left: `${bar.left * 100}%`, width: `max(2px, ${bar.width * 100}%)` }}
        />
        <span className={`timeline-duration is-${labelPlace}`} style={labelStyle}>
          {formatDurationNs(durationNs)}
        </span>
      </div>
    </div>
  );
});

/** The time axis above the rows. */
function TimeAxis({ range }: { readonly range: TraceTimeRange }) {
  const ticks = computeTimeTicks(range.durationNs, 6);
  return (
    <div className="timeline-axis" aria-hidden="true">
      <div className="timeline-axis-label">Span</div>
      <div className="timeline-axis-ticks">
        {ticks.map((tickNs) => (
          <span
            key={tickNs}
            className="timeline-tick"
            style={{ left: `${(tickNs / range.durationNs) * 100}%` }}
          >
            {formatDurationNs(tickNs)}
          </span>
        ))}
      </div>
    </div>
  );
}

/** Span ids to a mask over the trace's spans (ids of spans the trace no longer has are ignored). */
function maskOfIds(trace: Trace, ids: ReadonlySet<SpanId>): Uint8Array {
  const mask = new Uint8Array(trace.spans.length);
  for (const id of ids) {
    const index = trace.indexById.get(id);
    if (index !== undefined) mask[index] = 1;
  }
  return mask;
}

/**
 * The virtualised timeline. Arrow keys move the selection (left and right also collapse and expand),
 * Home and End go to the first and last row, Page Up and Page Down by a screen, Enter shows the
 * selected span's details.
 */
export function TraceTimeline(props: TraceTimelineProps) {
  const { trace, selected, onSelect, onActivate, highlight, resultCounts, label } = props;
  const depths = useMemo(() => computeDepths(trace), [trace]);
  const siblingPositions = useMemo(() => computeSiblingPositions(trace), [trace]);
  const range = useMemo(() => computeTimeRange(trace), [trace]);
  // Collapsed spans are kept by id, so they stay collapsed when a live trace is rebuilt with more spans.
  const [collapsedIds, setCollapsedIds] = useState<ReadonlySet<SpanId>>(() => new Set());
  const collapsed = useMemo(() => maskOfIds(trace, collapsedIds), [trace, collapsedIds]);
  const rows = useMemo(() => listVisibleRows(trace, collapsed), [trace, collapsed]);

  const viewportRef = useRef<HTMLDivElement>(null);
  const [firstRow, setFirstRow] = useState(0);
  const [viewportRows, setViewportRows] = useState(40);

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    const measure = () => setViewportRows(Math.max(1, Math.ceil(viewport.clientHeight / TIMELINE_ROW_PX)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    // Re-render only when the first visible row changes, not on every scrolled pixel; and at once,
    // inside the scroll event: the rows then change in the frame that shows the new position, with one
    // style and layout pass, instead of a frame later and with a second pass.
    const row = Math.floor(viewport.scrollTop / TIMELINE_ROW_PX);
    flushSync(() => setFirstRow(row));
  }, []);

  const toggle = useCallback(
    (index: number) => {
      const id = trace.spans[index]?.id;
      if (id === undefined) return;
      setCollapsedIds((ids) => {
        const next = new Set(ids);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
    },
    [trace],
  );

  // A span selected from outside (search, a test result, a link) may be hidden in a collapsed subtree:
  // expand its ancestors, then scroll it into view.
  useEffect(() => {
    if (selected === null) return;
    let hidden = false;
    for (
      let parent = trace.parentIndex[selected] ?? -1;
      parent >= 0;
      parent = trace.parentIndex[parent] ?? -1
    ) {
      if (collapsed[parent]) hidden = true;
    }
    if (!hidden) return;
    setCollapsedIds((ids) => {
      const next = new Set(ids);
      for (
        let parent = trace.parentIndex[selected] ?? -1;
        parent >= 0;
        parent = trace.parentIndex[parent] ?? -1
      ) {
        const id = trace.spans[parent]?.id;
        if (id !== undefined) next.delete(id);
      }
      return next;
    });
  }, [selected, trace, collapsed]);

  const selectedRow = selected === null ? -1 : findRow(rows, selected);
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null || selectedRow < 0) return;
    const top = selectedRow * TIMELINE_ROW_PX;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + TIMELINE_ROW_PX > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = top + TIMELINE_ROW_PX - viewport.clientHeight;
    }
  }, [selectedRow]);

  const selectRow = (row: number) => {
    const index = rows[Math.max(0, Math.min(rows.length - 1, row))];
    if (index !== undefined) onSelect(index);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const current = selectedRow;
    const index = selected ?? -1;
    const hasChildren = index >= 0 && (trace.children[index]?.length ?? 0) > 0;
    switch (event.key) {
      case 'ArrowDown':
        selectRow(current < 0 ? 0 : current + 1);
        break;
      case 'ArrowUp':
        selectRow(current < 0 ? 0 : current - 1);
        break;
      case 'Home':
        selectRow(0);
        break;
      case 'End':
        selectRow(rows.length - 1);
        break;
      case 'PageDown':
        selectRow(Math.max(0, current) + viewportRows - 1);
        break;
      case 'PageUp':
        selectRow(Math.max(0, current) - viewportRows + 1);
        break;
      case 'ArrowRight':
        if (current < 0) selectRow(0);
        else if (hasChildren && collapsed[index]) toggle(index);
        else if (hasChildren) onSelect(trace.children[index]![0]!);
        break;
      case 'ArrowLeft':
        if (current < 0) selectRow(0);
        else if (hasChildren && !collapsed[index]) toggle(index);
        else if ((trace.parentIndex[index] ?? -1) >= 0) onSelect(trace.parentIndex[index]!);
        break;
      case 'Enter':
      case ' ':
        if (index >= 0) onActivate?.(index);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const start = Math.max(0, firstRow - OVERSCAN_ROWS);
  const end = Math.min(rows.length, firstRow + viewportRows + OVERSCAN_ROWS);
  // Rows live in slots of a ring as wide as the window, in slot order, keyed by slot: the row scrolled
  // out gives its element to the row scrolled in, so scrolling changes a few attributes and texts of
  // elements that never move in the DOM, instead of creating, removing or reordering elements (less
  // work and less garbage per frame). The tree's aria-owns gives assistive technology the rows in
  // their visual order.
  const slots = Math.max(1, end - start, viewportRows + 2 * OVERSCAN_ROWS);
  const rendered = [];
  for (let slot = 0; slot < slots; slot++) {
    const row = start + ((((slot - start) % slots) + slots) % slots);
    if (row >= end) continue;
    const index = rows[row]!;
    rendered.push(
      <TimelineRow
        key={slot}
        trace={trace}
        index={index}
        position={row}
        depth={depths[index]!}
        siblingPosition={siblingPositions[index]!}
        range={range}
        collapsed={collapsed[index] === 1}
        selected={index === selected}
        highlighted={highlight?.[index] === 1}
        passed={resultCounts?.passed[index] ?? 0}
        failed={resultCounts?.failed[index] ?? 0}
        onSelect={onSelect}
        onToggle={toggle}
      />,
    );
  }
  const visualOrder = [];
  for (let row = start; row < end; row++) visualOrder.push(rowDomId(rows[row]!));

  return (
    <div className="timeline">
      <TimeAxis range={range} />
      <div
        ref={viewportRef}
        className="timeline-viewport"
        role="tree"
        aria-label={label}
        aria-owns={visualOrder.join(' ')}
        aria-activedescendant={selectedRow >= 0 && selected !== null ? rowDomId(selected) : undefined}
        // The tree takes the focus and points at the selected row (aria-activedescendant).
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-row-count={rows.length}
      >
        <div className="timeline-canvas" role="none" style={{ height: `${rows.length * TIMELINE_ROW_PX}px` }}>
          {rendered}
        </div>
      </div>
    </div>
  );
}
