/**
 * The graph layout's Web Worker: big traces are grouped and laid out here, so the page stays
 * responsive meanwhile. One message in (`GraphInput`), one message out (`GraphLayout`, its typed
 * arrays transferred, not copied).
 */
import { type GraphInput, layoutTraceGraph } from './layout-trace-graph';

self.onmessage = (event: MessageEvent<GraphInput>) => {
  const layout = layoutTraceGraph(event.data);
  // Typed arrays made here own plain ArrayBuffers (never shared memory), which can be transferred.
  const transfer = [
    layout.nodeSpan.buffer,
    layout.nodeCount.buffer,
    layout.nodeX.buffer,
    layout.nodeY.buffer,
    layout.nodeParent.buffer,
    layout.nodeOfSpan.buffer,
  ] as ArrayBuffer[];
  (self as unknown as { postMessage(message: unknown, transfer: ArrayBuffer[]): void }).postMessage(
    layout,
    transfer,
  );
};
