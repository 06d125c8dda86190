/**
 * The trace as a graph (DAG) of nodes laid out top-down, computed off the main thread (see
 * `graph-layout.worker.ts`). Instead of refusing big traces, siblings whose subtrees have the same
 * shape (same names, services, types and errors, all the way down) are drawn once with a count:
 * ten thousand identical "handle order item" subtrees become one node "×10,000". Everything here is
 * linear in the number of spans.
 */

/** What the layout needs of each span, in tree order (pre-order, as `Trace.spans`). */
export interface GraphInput {
  /** Index of each span's parent, -1 for the root. */
  readonly parentIndex: Int32Array;
  /** Exclusive end of each span's subtree. */
  readonly subtreeEnd: Int32Array;
  /** Name, service and type of each span: what makes two spans "the same". */
  readonly labels: readonly string[];
  /** 1 for a span whose status is an error (an erroring copy is kept apart from the others). */
  readonly errors: Uint8Array;
}

export interface GraphLayout {
  /** The span each node shows (the first of its group). */
  readonly nodeSpan: Int32Array;
  /** How many sibling subtrees each node stands for (1 when alone). */
  readonly nodeCount: Int32Array;
  /** Top-left corner of each node, in pixels. */
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  /** The parent node of each node, -1 for the root: the edges of the graph. */
  readonly nodeParent: Int32Array;
  /** The node that shows each span (a span in a collapsed copy maps to the same place in the first). */
  readonly nodeOfSpan: Int32Array;
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH_PX = 200;
export const NODE_HEIGHT_PX = 64;
const GAP_X_PX = 24;
const GAP_Y_PX = 48;
const MARGIN_PX = 24;

/**
 * A number per subtree such that two subtrees get the same number exactly when they have the same
 * shape: same label and error flag, and children of the same shapes in the same order.
 */
export function computeShapeIds(input: GraphInput): Int32Array {
  const count = input.parentIndex.length;
  const shapes = new Int32Array(count);
  const ids = new Map<string, number>();
  // Children's shape ids, gathered per parent; pre-order visited backwards meets children first.
  const childShapes: (number[] | undefined)[] = new Array(count);
  for (let index = count - 1; index >= 0; index--) {
    const children = childShapes[index];
    // Children were met in reverse order.
    const signature = `${input.labels[index]}\u0000${input.errors[index]}\u0000${children ? children.reverse().join(',') : ''}`;
    let id = ids.get(signature);
    if (id === undefined) {
      id = ids.size;
      ids.set(signature, id);
    }
    shapes[index] = id;
    childShapes[index] = undefined;
    const parent = input.parentIndex[index] ?? -1;
    if (parent >= 0) {
      const list = childShapes[parent];
      if (list === undefined) childShapes[parent] = [id];
      else list.push(id);
    }
  }
  return shapes;
}

/** Children of each span in tree order, from `parentIndex` (a parent's children follow it in pre-order). */
function childrenOf(parentIndex: Int32Array): Int32Array[] {
  const counts = new Int32Array(parentIndex.length);
  for (let index = 0; index < parentIndex.length; index++) {
    const parent = parentIndex[index]!;
    if (parent >= 0) counts[parent]!++;
  }
  const children = Array.from(counts, (n) => new Int32Array(n));
  const filled = new Int32Array(parentIndex.length);
  for (let index = 0; index < parentIndex.length; index++) {
    const parent = parentIndex[index]!;
    if (parent >= 0) children[parent]![filled[parent]!++] = index;
  }
  return children;
}

/**
 * Builds the collapsed graph and lays it out as a tidy top-down tree: leaves side by side, each parent
 * centred over its children, one row per depth.
 * @example layoutTraceGraph(toGraphInput(trace)).nodeSpan.length // far fewer nodes than spans
 */
export function layoutTraceGraph(input: GraphInput): GraphLayout {
  const spanCount = input.parentIndex.length;
  const shapes = computeShapeIds(input);
  const children = childrenOf(input.parentIndex);
  const nodeOfSpan = new Int32Array(spanCount).fill(-1);
  const nodeSpan: number[] = [];
  const nodeCount: number[] = [];
  const nodeParent: number[] = [];
  const nodeDepth: number[] = [];
  const nodeChildren: number[][] = [];

  // Nodes in pre-order, so each node's parent exists before it; an explicit stack avoids recursion
  // on deep traces.
  const stack: { span: number; count: number; parentNode: number; depth: number }[] = [];
  if (spanCount > 0) stack.push({ span: 0, count: 1, parentNode: -1, depth: 0 });
  while (stack.length > 0) {
    const { span, count, parentNode, depth } = stack.pop()!;
    const node = nodeSpan.length;
    nodeSpan.push(span);
    nodeCount.push(count);
    nodeParent.push(parentNode);
    nodeDepth.push(depth);
    nodeChildren.push([]);
    if (parentNode >= 0) nodeChildren[parentNode]!.push(node);
    nodeOfSpan[span] = node;
    // Group the children by shape, keeping the order of each group's first member.
    const groups = new Map<number, number[]>();
    for (const child of children[span]!) {
      const shape = shapes[child]!;
      const group = groups.get(shape);
      if (group === undefined) groups.set(shape, [child]);
      else group.push(child);
    }
    const firsts: { span: number; count: number }[] = [];
    for (const members of groups.values()) firsts.push({ span: members[0]!, count: members.length });
    for (let i = firsts.length - 1; i >= 0; i--) {
      stack.push({ span: firsts[i]!.span, count: firsts[i]!.count, parentNode: node, depth: depth + 1 });
    }
    // Copies of the first member are mapped on it span by span: same shape, same pre-order layout.
    for (const members of groups.values()) {
      const first = members[0]!;
      for (let m = 1; m < members.length; m++) {
        const copy = members[m]!;
        const size = input.subtreeEnd[copy]! - copy;
        for (let offset = 0; offset < size; offset++) nodeOfSpan[copy + offset] = -2 - (first + offset);
      }
    }
  }
  // A copy's span was recorded as "same node as span k" (encoded -2 - k): resolve once every node exists.
  for (let span = 0; span < spanCount; span++) {
    let target = nodeOfSpan[span]!;
    // Chains (a copy inside a copy) resolve in a few steps: each step moves to an earlier span.
    while (target <= -2) target = nodeOfSpan[-2 - target]!;
    nodeOfSpan[span] = target;
  }

  // Tidy layout: post-order, leaves take the next column, parents sit over the middle of their children.
  const nodes = nodeSpan.length;
  const nodeX = new Float64Array(nodes);
  const nodeY = new Float64Array(nodes);
  let nextLeafX = MARGIN_PX;
  let maxDepth = 0;
  const order: number[] = [];
  const visit: number[] = nodes > 0 ? [0] : [];
  while (visit.length > 0) {
    const node = visit.pop()!;
    order.push(node);
    for (const child of nodeChildren[node]!) visit.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const kids = nodeChildren[node]!;
    if (kids.length === 0) {
      nodeX[node] = nextLeafX;
      nextLeafX += NODE_WIDTH_PX + GAP_X_PX;
    } else {
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (const kid of kids) {
        low = Math.min(low, nodeX[kid]!);
        high = Math.max(high, nodeX[kid]!);
      }
      nodeX[node] = (low + high) / 2;
    }
    nodeY[node] = MARGIN_PX + nodeDepth[node]! * (NODE_HEIGHT_PX + GAP_Y_PX);
    maxDepth = Math.max(maxDepth, nodeDepth[node]!);
  }
  return {
    nodeSpan: Int32Array.from(nodeSpan),
    nodeCount: Int32Array.from(nodeCount),
    nodeX,
    nodeY,
    nodeParent: Int32Array.from(nodeParent),
    nodeOfSpan,
    width: Math.max(nextLeafX - GAP_X_PX + MARGIN_PX, NODE_WIDTH_PX + 2 * MARGIN_PX),
    height: MARGIN_PX * 2 + (maxDepth + 1) * NODE_HEIGHT_PX + maxDepth * GAP_Y_PX,
  };
}
