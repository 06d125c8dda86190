/**
 * The trace as a graph (DAG), top-down, as Tracetest users know it, without its span cap: the layout
 * runs in a Web Worker, repeated sibling subtrees are one node with a count, and only the nodes in
 * view are in the DOM.
 */
import type { Trace } from '@tracecheck/core';
import {
  type KeyboardEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { formatDurationNs } from '../format/format-duration';
import type { SpanResultCounts } from '../run/test-results';
import { SPAN_TYPE_LABELS } from '../trace/trace-timeline';
import { type GraphLayout, NODE_HEIGHT_PX, NODE_WIDTH_PX } from './layout-trace-graph';
import { toGraphInput } from './to-graph-input';

export interface TraceGraphProps {
  readonly trace: Trace;
  readonly selected: number | null;
  readonly onSelect: (index: number) => void;
  readonly highlight?: Uint8Array | null;
  readonly resultCounts?: SpanResultCounts | null;
  readonly label: string;
}

const ZOOM_STEPS = [0.25, 0.4, 0.6, 0.8, 1, 1.25] as const;
/** Nodes drawn beyond the visible area, so a scroll does not show them popping in. */
const CULL_MARGIN_PX = 200;

type LayoutState =
  | { readonly status: 'working'; readonly trace: Trace }
  | { readonly status: 'ready'; readonly trace: Trace; readonly layout: GraphLayout }
  | { readonly status: 'error'; readonly trace: Trace; readonly message: string };

/** Lays the trace out in a worker; a new trace starts a new worker and ends the old one. */
function useGraphLayout(trace: Trace): LayoutState {
  const [state, setState] = useState<LayoutState>({ status: 'working', trace });
  useEffect(() => {
    setState({ status: 'working', trace });
    const startedMs = performance.now();
    const worker = new Worker(new URL('./graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<GraphLayout>) => {
      performance.measure('tracecheck:graph-layout', { start: startedMs });
      setState({ status: 'ready', trace, layout: event.data });
      worker.terminate();
    };
    worker.onerror = (event) => {
      setState({ status: 'error', trace, message: event.message || 'the layout worker failed' });
      worker.terminate();
    };
    worker.postMessage(toGraphInput(trace));
    return () => worker.terminate();
  }, [trace]);
  // A state computed for a previous trace is not shown for the new one.
  return state.trace === trace ? state : { status: 'working', trace };
}

/** Children of each node, from the parent links. */
function nodeChildrenOf(layout: GraphLayout): number[][] {
  const children: number[][] = Array.from({ length: layout.nodeSpan.length }, () => []);
  for (let node = 1; node < layout.nodeParent.length; node++) children[layout.nodeParent[node]!]?.push(node);
  return children;
}

export function TraceGraph(props: TraceGraphProps) {
  const { trace, selected, onSelect, highlight, resultCounts, label } = props;
  const state = useGraphLayout(trace);
  const layout = state.status === 'ready' ? state.layout : null;
  const viewportRef = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState(1);
  const [view, setView] = useState({ left: 0, top: 0, width: 1200, height: 800 });

  const nodeChildren = useMemo(() => (layout ? nodeChildrenOf(layout) : []), [layout]);
  // Per node: is any of its spans highlighted, and the results on all of its spans.
  const nodeFacts = useMemo(() => {
    if (layout === null) return null;
    const nodes = layout.nodeSpan.length;
    const highlighted = new Uint8Array(nodes);
    const passed = new Int32Array(nodes);
    const failed = new Int32Array(nodes);
    for (let span = 0; span < layout.nodeOfSpan.length; span++) {
      const node = layout.nodeOfSpan[span]!;
      if (node < 0) continue;
      if (highlight?.[span]) highlighted[node] = 1;
      if (resultCounts) {
        passed[node]! += resultCounts.passed[span]!;
        failed[node]! += resultCounts.failed[span]!;
      }
    }
    return { highlighted, passed, failed };
  }, [layout, highlight, resultCounts]);

  const measure = useCallback(() => {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    setView({
      left: viewport.scrollLeft,
      top: viewport.scrollTop,
      width: viewport.clientWidth,
      height: viewport.clientHeight,
    });
  }, []);
  // The viewport exists once the layout is ready: observe its size from then on.
  const ready = state.status === 'ready';
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (!ready || viewport === null) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, [ready, measure]);

  // Bring the selected span's node into view when the selection comes from elsewhere.
  const selectedNode = layout && selected !== null ? (layout.nodeOfSpan[selected] ?? -1) : -1;
  // Without a selection, a new layout opens on its root, centred.
  const shownLayout = useRef<GraphLayout | null>(null);
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null || layout === null) return;
    const firstShow = shownLayout.current !== layout;
    shownLayout.current = layout;
    const node = selectedNode >= 0 ? selectedNode : firstShow ? 0 : -1;
    if (node < 0) return;
    const x = layout.nodeX[node]! * zoom;
    const y = layout.nodeY[node]! * zoom;
    const inView =
      x >= viewport.scrollLeft &&
      x + NODE_WIDTH_PX * zoom <= viewport.scrollLeft + viewport.clientWidth &&
      y >= viewport.scrollTop &&
      y + NODE_HEIGHT_PX * zoom <= viewport.scrollTop + viewport.clientHeight;
    if (!inView) {
      viewport.scrollLeft = x - viewport.clientWidth / 2 + (NODE_WIDTH_PX * zoom) / 2;
      viewport.scrollTop = node === 0 ? 0 : y - viewport.clientHeight / 3;
    }
  }, [layout, selectedNode, zoom]);

  if (state.status === 'working') {
    return (
      <p className="loading graph-status">Laying out {trace.spans.length.toLocaleString('en-US')} spans…</p>
    );
  }
  if (state.status === 'error') {
    return (
      <p className="error-message graph-status" role="alert">
        The graph could not be laid out: {state.message}. The timeline shows the same spans.
      </p>
    );
  }
  const { layout: laidOut } = state;
  const nodes = laidOut.nodeSpan.length;

  const fitZoom = () => {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    const fit = Math.min(viewport.clientWidth / laidOut.width, viewport.clientHeight / laidOut.height, 1);
    setZoom(Math.max(0.1, fit));
  };
  const stepZoom = (direction: 1 | -1) => {
    const index = ZOOM_STEPS.findIndex((step) => step >= zoom - 1e-9);
    const next = ZOOM_STEPS[Math.max(0, Math.min(ZOOM_STEPS.length - 1, Math.max(0, index) + direction))]!;
    setZoom(next);
  };

  // The visible area in layout coordinates, widened by a margin.
  const left = view.left / zoom - CULL_MARGIN_PX;
  const top = view.top / zoom - CULL_MARGIN_PX;
  const right = (view.left + view.width) / zoom + CULL_MARGIN_PX;
  const bottom = (view.top + view.height) / zoom + CULL_MARGIN_PX;
  const inView = (node: number) => {
    const x = laidOut.nodeX[node]!;
    const y = laidOut.nodeY[node]!;
    return x + NODE_WIDTH_PX >= left && x <= right && y + NODE_HEIGHT_PX >= top && y <= bottom;
  };

  const drawnNodes: number[] = [];
  const edges: string[] = [];
  for (let node = 0; node < nodes; node++) {
    if (inView(node)) drawnNodes.push(node);
    const parent = laidOut.nodeParent[node]!;
    if (parent < 0) continue;
    const x1 = laidOut.nodeX[parent]! + NODE_WIDTH_PX / 2;
    const y1 = laidOut.nodeY[parent]! + NODE_HEIGHT_PX;
    const x2 = laidOut.nodeX[node]! + NODE_WIDTH_PX / 2;
    const y2 = laidOut.nodeY[node]!;
    if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || y2 < top || y1 > bottom) continue;
    const middle = (y1 + y2) / 2;
    edges.push(`M${x1},${y1} C${x1},${middle} ${x2},${middle} ${x2},${y2}`);
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = Math.max(0, selectedNode);
    const parent = laidOut.nodeParent[current] ?? -1;
    const siblings = parent >= 0 ? nodeChildren[parent]! : [current];
    const position = siblings.indexOf(current);
    let next: number | undefined;
    if (selectedNode < 0 && event.key.startsWith('Arrow')) next = 0;
    else if (event.key === 'ArrowUp') next = parent >= 0 ? parent : undefined;
    else if (event.key === 'ArrowDown') next = nodeChildren[current]?.[0];
    else if (event.key === 'ArrowLeft') next = siblings[position - 1];
    else if (event.key === 'ArrowRight') next = siblings[position + 1];
    else return;
    event.preventDefault();
    if (next !== undefined) onSelect(laidOut.nodeSpan[next]!);
  };

  return (
    <div className="graph">
      <div className="graph-toolbar">
        <span className="muted small">
          {nodes.toLocaleString('en-US')} nodes for {trace.spans.length.toLocaleString('en-US')} spans ·
          repeated subtrees are grouped (×n)
        </span>
        <button type="button" className="icon-button" aria-label="Zoom out" onClick={() => stepZoom(-1)}>
          −
        </button>
        <button type="button" className="icon-button" aria-label="Zoom in" onClick={() => stepZoom(1)}>
          +
        </button>
        <button type="button" className="button button-small" onClick={fitZoom}>
          Fit
        </button>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls, this is a drawing */}
      <div
        ref={viewportRef}
        className="graph-viewport"
        role="group"
        aria-label={label}
        // The scrollable graph takes the focus, so the arrow keys walk from node to node (a node is also
        // a button for the mouse).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
        tabIndex={0}
        onScroll={measure}
        onKeyDown={onKeyDown}
        data-node-count={nodes}
      >
        <div
          className="graph-canvas"
          style={{ width: `${laidOut.width * zoom}px`, height: `${laidOut.height * zoom}px` }}
        >
          <div className="graph-layer" style={{ transform: `scale(${zoom})` }}>
            <svg className="graph-edges" width={laidOut.width} height={laidOut.height} aria-hidden="true">
              {edges.map((path) => (
                <path key={path} d={path} />
              ))}
            </svg>
            {drawnNodes.map((node) => {
              const spanIndex = laidOut.nodeSpan[node]!;
              const span = trace.spans[spanIndex]!;
              const count = laidOut.nodeCount[node]!;
              const service = span.attributes.get('service.name') ?? '';
              const passed = nodeFacts?.passed[node] ?? 0;
              const failed = nodeFacts?.failed[node] ?? 0;
              const isError = span.status?.code === 'STATUS_CODE_ERROR';
              const className = [
                'graph-node',
                `type-${span.type}`,
                node === selectedNode ? 'is-selected' : '',
                nodeFacts?.highlighted[node] ? 'is-highlighted' : '',
                isError ? 'is-error' : '',
              ]
                .filter(Boolean)
                .join(' ');
              return (
                <button
                  key={node}
                  type="button"
                  tabIndex={-1}
                  className={className}
                  style={{ left: `${laidOut.nodeX[node]}px`, top: `${laidOut.nodeY[node]}px` }}
                  aria-pressed={node === selectedNode}
                  aria-label={`${span.name}, ${SPAN_TYPE_LABELS[span.type]}${service ? `, ${service}` : ''}${
                    count > 1 ? `, ${count} alike` : ''
                  }${isError ? ', error' : ''}`}
                  onClick={() => onSelect(spanIndex)}
                  data-span-id={span.id}
                >
                  <span className="graph-node-top">
                    <span className={`type-badge type-${span.type}`}>{SPAN_TYPE_LABELS[span.type]}</span>
                    {count > 1 ? <span className="graph-count">×{count.toLocaleString('en-US')}</span> : null}
                    {passed > 0 ? <span className="result-count is-passed">{passed}</span> : null}
                    {failed > 0 ? <span className="result-count is-failed">{failed}</span> : null}
                  </span>
                  <span className="graph-node-name">{span.name}</span>
                  <span className="graph-node-meta muted">
                    {service ? `${service} · ` : ''}
                    {formatDurationNs(span.endTimeUnixNano - span.startTimeUnixNano)}
                  </span>
                </button>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
