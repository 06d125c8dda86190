import type { Trace } from '../trace/model';
import { ScratchBuffers } from './scratch-buffers';
import type { TreeShape } from './span-list-family';

/**
 * The value of one property for every span of a trace, encoded: `codes[i]` is 0 when span i lacks the
 * property, else the index of its value in `values`. `values[0]` is `""`, the text an absent
 * attribute reads as (SPEC §4.3), so a test on `values[codes[i]]` is the test on span i's text.
 * Spans mostly share few distinct values (names, services, types, routes): the values are then
 * distinct, so a filter runs its test once per distinct value and compares small integers, one per
 * span. A property with many distinct values (durations, ids) is not worth the dictionary: each span
 * then has its own code, and its value may repeat in `values`.
 */
export class PropertyColumn {
  private numbers: Float64Array | null = null;
  private verdicts: Uint8Array | null = null;

  constructor(
    readonly codes: Int32Array,
    readonly values: readonly string[],
    /** The code of each value, when values are distinct; `null` when they may repeat. */
    private readonly codeByValue: ReadonlyMap<string, number> | null,
  ) {}

  /**
   * The code of a present value (-1 when no span has it), or `undefined` when the column has no
   * dictionary: then a value's spans are found by testing every entry of `values`.
   */
  codeOf(value: string): number | undefined {
    return this.codeByValue === null ? undefined : (this.codeByValue.get(value) ?? -1);
  }

  /** One entry per distinct value, reused by every filter on this property (its content is left over). */
  verdictTable(): Uint8Array {
    this.verdicts ??= new Uint8Array(this.values.length);
    return this.verdicts;
  }

  /**
   * Each distinct value read as an integer of at most 15 digits (exact as a JavaScript number), NaN
   * when it is not one: order comparisons with an integer literal then need no parsing per span.
   */
  smallIntegers(): Float64Array {
    if (!this.numbers) {
      const numbers = new Float64Array(this.values.length);
      for (let k = 0; k < numbers.length; k++) numbers[k] = smallInteger(this.values[k]!);
      this.numbers = numbers;
    }
    return this.numbers;
  }
}

/** The value of an integer text of at most 15 digits, else NaN. */
export function smallInteger(text: string): number {
  const negative = text.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const length = text.length - start;
  if (length < 1 || length > 15) return Number.NaN;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/**
 * What selector evaluation reads from a trace, prepared once per trace: the tree with the depth of
 * each span, and property values one dictionary-encoded column per property. The specs of a test
 * evaluate many selectors on one trace and mostly filter on the same few properties
 * (`tracetest.span.type`, `name`, `service.name`, …), so each attribute map is read once per
 * property, not once per filter. Nothing here depends on a selector; the index also keeps the working
 * buffers of evaluations (`ScratchBuffers`), reused from one evaluation to the next.
 */
export class SelectionIndex {
  readonly tree: TreeShape;
  private readonly columns = new Map<string, PropertyColumn>();
  private scratch: ScratchBuffers | null = null;

  constructor(private readonly trace: Trace) {
    const size = trace.spans.length;
    const depth = new Int32Array(size);
    let maxDepth = 0;
    for (let i = 0; i < size; i++) {
      const p = trace.parentIndex[i]!;
      depth[i] = p < 0 ? 0 : depth[p]! + 1;
      if (depth[i]! > maxDepth) maxDepth = depth[i]!;
    }
    // Children in pre-order are the spans bucketed by parent, in index order.
    const childStart = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) {
      const p = trace.parentIndex[i]!;
      if (p >= 0) childStart[p + 1]!++;
    }
    for (let x = 0; x < size; x++) childStart[x + 1]! += childStart[x]!;
    const childSpans = new Int32Array(childStart[size]!);
    const fill = childStart.slice(0, size);
    for (let i = 0; i < size; i++) {
      const p = trace.parentIndex[i]!;
      if (p >= 0) childSpans[fill[p]!++] = i;
    }
    this.tree = {
      size,
      parent: trace.parentIndex,
      end: trace.subtreeEnd,
      depth,
      maxDepth,
      childStart,
      childSpans,
    };
  }

  /** `name` and `kind` are the span's name and kind; any other property is an attribute. */
  column(property: string): PropertyColumn {
    let column = this.columns.get(property);
    if (!column) {
      column = buildColumn(this.trace, property);
      this.columns.set(property, column);
    }
    return column;
  }

  /**
   * The working arrays of an evaluation, to hand back with `returnScratch` when it ends. Evaluations
   * follow each other, so one set of buffers serves every evaluation of this trace, and also those
   * of other traces of about its size while it is alive (`recentScratch`): traces come one after
   * another, and new buffers are new memory for the garbage collector to account for.
   */
  borrowScratch(): ScratchBuffers {
    // Capacity: the largest array is a bucket table over depths 0..size-1 plus two.
    const capacity = this.tree.size + 2;
    if (!this.scratch) {
      const recent = recentScratch?.deref();
      this.scratch =
        recent && recent.capacity >= capacity && recent.capacity <= 2 * capacity
          ? recent
          : new ScratchBuffers(capacity);
      recentScratch = new WeakRef(this.scratch);
    }
    // An evaluation already holds them (one started inside another): fresh buffers.
    if (this.scratch.lent) return new ScratchBuffers(capacity);
    this.scratch.lent = true;
    return this.scratch;
  }

  returnScratch(scratch: ScratchBuffers): void {
    scratch.releaseAll();
    scratch.lent = false;
  }
}

/** Past this many distinct values, a column stores one value per span instead of a dictionary. */
function dictionaryLimit(spans: number): number {
  return Math.max(256, spans >> 4);
}

function buildColumn(trace: Trace, property: string): PropertyColumn {
  const { spans } = trace;
  const read =
    property === 'name'
      ? (i: number): string | undefined => spans[i]!.name
      : property === 'kind'
        ? (i: number): string | undefined => spans[i]!.kind
        : (i: number): string | undefined => spans[i]!.attributes.get(property);
  const codes = new Int32Array(spans.length);
  const values: string[] = [''];
  const codeByValue = new Map<string, number>();
  const limit = dictionaryLimit(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const value = read(i);
    if (value === undefined) continue;
    let code = codeByValue.get(value);
    if (code === undefined) {
      if (values.length > limit) return buildPlainColumn(spans.length, read);
      code = values.length;
      values.push(value);
      codeByValue.set(value, code);
    }
    codes[i] = code;
  }
  return new PropertyColumn(codes, values, codeByValue);
}

/** Span i's value, when present, is `values[i + 1]`. */
function buildPlainColumn(size: number, read: (i: number) => string | undefined): PropertyColumn {
  const codes = new Int32Array(size);
  const values = new Array<string>(size + 1);
  values[0] = '';
  for (let i = 0; i < size; i++) {
    const value = read(i);
    values[i + 1] = value ?? '';
    codes[i] = value === undefined ? 0 : i + 1;
  }
  return new PropertyColumn(codes, values, null);
}

// An assembled trace never changes, so what is prepared for it can live exactly as long as it does.
const indexByTrace = new WeakMap<Trace, SelectionIndex>();
// The working buffers last lent to a new trace; held weakly, they live while some trace keeps them.
let recentScratch: WeakRef<ScratchBuffers> | undefined;

/** The selection index of a trace, shared by every evaluation on that trace. */
export function selectionIndexOf(trace: Trace): SelectionIndex {
  let index = indexByTrace.get(trace);
  if (!index) {
    index = new SelectionIndex(trace);
    indexByTrace.set(trace, index);
  }
  return index;
}
