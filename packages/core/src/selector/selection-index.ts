import type { Trace } from '../trace/model';
import type { TreeShape } from './span-list-family';

/** The value of one property for every span of a trace, by span index (`undefined`: absent). */
type SpanColumn = readonly (string | undefined)[];

/**
 * What selector evaluation reads from a trace, prepared once per trace: the tree with the depth of
 * each span, and property values one column per property. The specs of a test evaluate many
 * selectors on one trace and mostly filter on the same few properties (`tracetest.span.type`,
 * `name`, `service.name`, …), so each attribute map is read once per property, not once per filter.
 */
export class SelectionIndex {
  readonly tree: TreeShape;
  private readonly columns = new Map<string, SpanColumn>();

  constructor(private readonly trace: Trace) {
    const size = trace.spans.length;
    const depth = new Int32Array(size);
    let maxDepth = 0;
    for (let i = 0; i < size; i++) {
      const p = trace.parentIndex[i]!;
      depth[i] = p < 0 ? 0 : depth[p]! + 1;
      if (depth[i]! > maxDepth) maxDepth = depth[i]!;
    }
    this.tree = {
      size,
      parent: trace.parentIndex,
      end: trace.subtreeEnd,
      depth,
      maxDepth,
      children: trace.children,
    };
  }

  /** `name` and `kind` are the span's name and kind; any other property is an attribute. */
  column(property: string): SpanColumn {
    let column = this.columns.get(property);
    if (!column) {
      const { spans } = this.trace;
      if (property === 'name') column = spans.map((span) => span.name);
      else if (property === 'kind') column = spans.map((span) => span.kind);
      else column = spans.map((span) => span.attributes.get(property));
      this.columns.set(property, column);
    }
    return column;
  }
}

// An assembled trace never changes, so what is prepared for it can live exactly as long as it does.
const indexByTrace = new WeakMap<Trace, SelectionIndex>();

/** The selection index of a trace, shared by every evaluation on that trace. */
export function selectionIndexOf(trace: Trace): SelectionIndex {
  let index = indexByTrace.get(trace);
  if (!index) {
    index = new SelectionIndex(trace);
    indexByTrace.set(trace, index);
  }
  return index;
}
