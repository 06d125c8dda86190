/**
 * Selector evaluation (SPEC §4.4) in time linear in the number of spans, whatever the trace's shape.
 *
 * The normative pseudo-code recurses from each match of a segment into its subtree; run literally it
 * is quadratic on a deep chain. Here every segment t of a complex selector gets
 * - a bitmap M_t of the spans matching its compound (filters, `:not`, `:has`), and
 * - a `SpanListFamily` giving, for every span x that may have matched the segment before, the list
 *   `evalSS(segment t, candidates of x, x)` of the pseudo-code before its positional pseudo-class;
 *   a positional pseudo-class turns it into one span per x.
 *
 * The most common shape, descendant combinators only with no positional pseudo-class after the
 * first segment, returns spans in tree order and takes one top-down pass per segment instead.
 *
 * Facts that make this work (the property tests check them against the literal pseudo-code):
 * - every list for anchor x holds spans strictly below x, so "remove anc" only matters on the last
 *   segment, where it makes the candidates x's strict descendants (Q8 recommended);
 * - a descendant segment t gathers, for each match y in x's subtree (pre-order), the list that y
 *   produces through the next segments. Consecutive child segments without positional
 *   pseudo-class are followed down to their "chain ends" e. What e contributes is either one span
 *   (end of the selector, or a positional segment next), whose duplicates all sit on one root path
 *   so only the topmost occurrence in x's subtree counts; or the list of a descendant segment, which
 *   contains the list of any chain end below e, so only the topmost chain ends count. Both are
 *   "valid unless a partner item lies inside x's subtree".
 */
import type { Trace } from '../trace/model';
import { applyFilter } from './apply-filter';
import type { ScratchBuffers } from './scratch-buffers';
import { type SelectionIndex, selectionIndexOf } from './selection-index';
import {
  type Combinator,
  type ComplexSelector,
  type Compound,
  compoundsOf,
  type PositionalPseudoClass,
  positionOf,
  type RelativeSelector,
  type Selector,
} from './selector';
import { FamilyItems, SpanListFamily, type TreeShape } from './span-list-family';

type SegmentList =
  | { readonly kind: 'span'; readonly spans: Int32Array }
  | { readonly kind: 'list'; readonly family: SpanListFamily };

/** What every step of one evaluation works with. */
interface Evaluation {
  readonly tree: TreeShape;
  readonly scratch: ScratchBuffers;
}

/** For each span: does some span of `bits` lie among its children / in its subtree / strictly below. */
function anyChild({ tree, scratch }: Evaluation, bits: Uint8Array): Uint8Array {
  const { size, parent } = tree;
  const out = scratch.bytes(size);
  for (let z = 0; z < size; z++) if (bits[z] && parent[z]! >= 0) out[parent[z]!] = 1;
  return out;
}

function anyBelow({ tree, scratch }: Evaluation, bits: Uint8Array, strict: boolean): Uint8Array {
  const { size: n, end } = tree;
  const count = scratch.unset(n + 1);
  count[0] = 0;
  for (let i = 0; i < n; i++) count[i + 1] = count[i]! + bits[i]!;
  const out = scratch.unsetBytes(n);
  const shift = strict ? 1 : 0;
  for (let y = 0; y < n; y++) out[y] = count[end[y]!]! - count[y + shift]! > 0 ? 1 : 0;
  return out;
}

/** Evaluates compounds to bitmaps, each compound once per call. */
class CompoundMatcher {
  private readonly cache = new Map<Compound, Uint8Array>();

  constructor(
    private readonly index: SelectionIndex,
    private readonly evaluation: Evaluation,
  ) {}

  match(compound: Compound): Uint8Array {
    let bits = this.cache.get(compound);
    if (!bits) {
      bits = this.compute(compound);
      this.cache.set(compound, bits);
    }
    return bits;
  }

  private compute(compound: Compound): Uint8Array {
    const n = this.evaluation.tree.size;
    const bits = this.evaluation.scratch.bytes(n, 1);
    for (const filter of compound.filters) applyFilter(filter, this.index, bits);
    for (const pseudo of compound.pseudoClasses) {
      if (pseudo.name === 'not') {
        for (const excluded of pseudo.compounds) {
          const other = this.match(excluded);
          for (let i = 0; i < n; i++) if (other[i]) bits[i] = 0;
        }
      } else if (pseudo.name === 'has') {
        const found = this.evaluation.scratch.bytes(n);
        for (const branch of pseudo.branches) {
          const hit = this.hasBranch(branch);
          for (let i = 0; i < n; i++) found[i]! |= hit[i]!;
        }
        for (let i = 0; i < n; i++) bits[i]! &= found[i]!;
      }
    }
    return bits;
  }

  /**
   * Spans x for which the branch finds something. There is no positional pseudo-class in `:has()`,
   * so a segment's list is non-empty exactly when a chain of matches continues from it.
   */
  private hasBranch(branch: RelativeSelector): Uint8Array {
    const { evaluation } = this;
    const n = evaluation.tree.size;
    const compounds = compoundsOf(branch.selector);
    const combinators: Combinator[] = [branch.combinator, ...branch.selector.tail.map((s) => s.combinator)];
    const last = compounds.length - 1;
    let continues = this.match(compounds[last]!);
    for (let s = last - 1; s >= 0; s--) {
      const below =
        combinators[s + 1] === 'child'
          ? anyChild(evaluation, continues)
          : anyBelow(evaluation, continues, s + 1 === last);
      const own = this.match(compounds[s]!);
      const next = evaluation.scratch.unsetBytes(n);
      for (let i = 0; i < n; i++) next[i] = own[i]! & below[i]!;
      continues = next;
    }
    return combinators[0] === 'child'
      ? anyChild(evaluation, continues)
      : anyBelow(evaluation, continues, true);
  }
}

/** The lists of one complex selector, segment by segment (see the file comment). */
class ComplexEvaluator {
  private readonly tree: TreeShape;
  private readonly scratch: ScratchBuffers;
  private readonly compounds: Compound[];
  private readonly combinators: Combinator[];
  private readonly positions: (PositionalPseudoClass | null)[];
  private readonly matches: Uint8Array[];
  private readonly lists = new Map<number, SegmentList>();

  constructor(evaluation: Evaluation, complex: ComplexSelector, matcher: CompoundMatcher) {
    this.tree = evaluation.tree;
    this.scratch = evaluation.scratch;
    this.compounds = compoundsOf(complex);
    this.combinators = ['descendant', ...complex.tail.map((s) => s.combinator)];
    this.positions = this.compounds.map(positionOf);
    this.matches = this.compounds.map((c) => matcher.match(c));
  }

  /** `select` for this complex selector alone, in the order of SPEC §4.4 (a scratch array). */
  select(): Int32Array {
    let out: Int32Array;
    if (this.isDescendantChain()) out = this.selectDescendantChain();
    else {
      const family = this.family(0);
      out = this.scratch.unset(family.lengthOf(0));
      family.writeList(0, out, 0);
    }
    const position = this.positions[0];
    return position ? pick(position, out) : out;
  }

  /** Only descendant combinators, and no positional pseudo-class after the first segment. */
  private isDescendantChain(): boolean {
    for (let t = 1; t < this.compounds.length; t++) {
      if (this.combinators[t] !== 'descendant' || this.positions[t]) return false;
    }
    return true;
  }

  /**
   * The common case `span[a] span[b] …`: the result is every match of the last segment strictly
   * below a chain of matches of the others, in tree order. One top-down pass per segment marks the
   * spans at or below the end of a chain; a span may end two consecutive segments (consequence 7).
   */
  private selectDescendantChain(): Int32Array {
    const { size, parent } = this.tree;
    const last = this.compounds.length - 1;
    let below: Uint8Array | null = null;
    for (let t = 0; t < last; t++) {
      const m = this.matches[t]!;
      const current = this.scratch.unsetBytes(size);
      if (below === null) {
        for (let x = 0; x < size; x++) {
          const p = parent[x]!;
          current[x] = m[x]! | (p >= 0 ? current[p]! : 0);
        }
      } else {
        const previous: Uint8Array = below;
        for (let x = 0; x < size; x++) {
          const p = parent[x]!;
          current[x] = (m[x]! & previous[x]!) | (p >= 0 ? current[p]! : 0);
        }
      }
      below = current;
    }
    const m = this.matches[last]!;
    if (below === null) return indexesOf(this.scratch, m);
    const selected = this.scratch.unsetBytes(size);
    for (let x = 0; x < size; x++) {
      const p = parent[x]!;
      selected[x] = p >= 0 ? m[x]! & below[p]! : 0;
    }
    return indexesOf(this.scratch, selected);
  }

  /** The list of segment t (t >= 1) for every span that may have matched segment t - 1. */
  private list(t: number): SegmentList {
    let list = this.lists.get(t);
    if (!list) {
      const family = this.family(t);
      const position = this.positions[t];
      list = position
        ? { kind: 'span', spans: this.positionalSpans(family, position, this.matches[t - 1]!) }
        : { kind: 'list', family };
      this.lists.set(t, list);
    }
    return list;
  }

  private family(t: number): SpanListFamily {
    const last = this.compounds.length - 1;
    if (t > 0 && this.combinators[t] === 'child') return this.childFamily(t);
    if (t === last) {
      const m = this.matches[t]!;
      const items = new FamilyItems(this.scratch, countOf(m));
      items.addMatches(m);
      // The first segment searches the whole trace, root included; later ones strictly below anc.
      return this.newFamily(t === 0 ? 'subtree' : 'strict-subtree', items, null);
    }
    return this.descendantFamily(t);
  }

  private newFamily(
    range: 'subtree' | 'strict-subtree' | 'children',
    items: FamilyItems,
    lower: SpanListFamily | null,
  ): SpanListFamily {
    return new SpanListFamily(this.tree, this.scratch, range, items, lower);
  }

  /** Segment t joined by ">": the children of x that match, each followed by its own list. */
  private childFamily(t: number): SpanListFamily {
    const { size, childStart, childSpans } = this.tree;
    const m = this.matches[t]!;
    const next = t === this.compounds.length - 1 ? null : this.list(t + 1);
    const items = new FamilyItems(this.scratch, countOf(m));
    const weights = next?.kind === 'list' ? next.family.lengths() : null;
    for (let x = 0; x < size; x++) {
      const last = childStart[x + 1]!;
      for (let k = childStart[x]!; k < last; k++) {
        const c = childSpans[k]!;
        if (!m[c]) continue;
        if (next === null) items.addSpan(x, c);
        else if (next.kind === 'span') {
          if (next.spans[c]! >= 0) items.addSpan(x, next.spans[c]!);
        } else if (weights![c]! > 0) items.addRef(x, c, weights![c]!);
      }
    }
    return this.newFamily('children', items, next?.kind === 'list' ? next.family : null);
  }

  /** Segment t searched in x's subtree (x included), with more segments after it. */
  private descendantFamily(t: number): SpanListFamily {
    const { size, parent } = this.tree;
    const last = this.compounds.length - 1;
    // Follow the child segments without positional pseudo-class that come next: `chain` of them.
    let chain = 0;
    while (
      t + 1 + chain <= last &&
      this.combinators[t + 1 + chain] === 'child' &&
      !this.positions[t + 1 + chain]
    ) {
      chain++;
    }
    const terminal = t + 1 + chain;
    let isEnd = this.matches[t]!;
    for (let s = 1; s <= chain; s++) {
      const m = this.matches[t + s]!;
      const previous = isEnd;
      const current = this.scratch.unsetBytes(size);
      for (let e = 0; e < size; e++) {
        const p = parent[e]!;
        current[e] = p >= 0 ? m[e]! & previous[p]! : 0;
      }
      isEnd = current;
    }
    const keyOf = (e: number) => {
      let y = e;
      for (let s = 0; s < chain; s++) y = parent[y]!;
      return y;
    };
    const ends = chain === 0 ? indexesOf(this.scratch, isEnd) : sortByKey(this.scratch, size, isEnd, keyOf);
    const items = new FamilyItems(this.scratch, ends.length);
    if (terminal > last) {
      for (let k = 0; k < ends.length; k++) items.addSpan(keyOf(ends[k]!), ends[k]!);
      return this.newFamily('subtree', items, null);
    }
    const next = this.list(terminal);
    if (next.kind === 'span') {
      // Equal spans come from chain ends on one root path; the previous item with the same span is
      // the one keyed nearest above.
      const lastItemOf = this.scratch.ints(size, -1);
      for (let k = 0; k < ends.length; k++) {
        const e = ends[k]!;
        const span = next.spans[e]!;
        if (span < 0) continue;
        const previous = lastItemOf[span]!;
        lastItemOf[span] = items.count;
        items.addSpan(keyOf(e), span, previous < 0 ? -1 : items.keys[previous]!);
      }
      return this.newFamily('subtree', items, null);
    }
    // The terminal segment is a descendant one: a chain end's list contains the lists of the chain
    // ends below it, so an end is shadowed by the nearest chain end above it.
    const nearestEnd = this.scratch.unset(size);
    for (let v = 0; v < size; v++) {
      nearestEnd[v] = isEnd[v] ? v : parent[v]! >= 0 ? nearestEnd[parent[v]!]! : -1;
    }
    const { family } = next;
    for (let k = 0; k < ends.length; k++) {
      const e = ends[k]!;
      const weight = family.lengthOf(e);
      if (weight === 0) continue;
      const above = parent[e]! >= 0 ? nearestEnd[parent[e]!]! : -1;
      items.addRef(keyOf(e), e, weight, above >= 0 ? keyOf(above) : -1);
    }
    return this.newFamily('subtree', items, family);
  }

  /** The one span a positional pseudo-class keeps from each anchor's list (-1: none). */
  private positionalSpans(
    family: SpanListFamily,
    position: PositionalPseudoClass,
    anchors: Uint8Array,
  ): Int32Array {
    const { size } = this.tree;
    const spans = this.scratch.ints(size, -1);
    if (position.name === 'nth_child') {
      const n = position.n;
      if (n < 1) return spans;
      const lengths = family.lengths();
      const queried = this.scratch.unset(size + 1);
      let count = 0;
      for (let x = 0; x < size; x++) {
        queried[count] = x;
        count += anchors[x]! & (lengths[x]! >= n ? 1 : 0);
      }
      const found = family.spansAt(queried.subarray(0, count), this.scratch.ints(count, n - 1));
      for (let q = 0; q < count; q++) spans[queried[q]!] = found[q]!;
      return spans;
    }
    const first = position.name === 'first';
    for (let x = 0; x < size; x++) if (anchors[x]) spans[x] = first ? family.first(x) : family.last(x);
    return spans;
  }
}

function countOf(bits: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bits.length; i++) count += bits[i]!;
  return count;
}

/** The indexes set in `bits`, in order. */
function indexesOf(scratch: ScratchBuffers, bits: Uint8Array): Int32Array {
  // Without a branch per span: write every index, advance over the set ones.
  const out = scratch.unset(bits.length + 1);
  let k = 0;
  for (let i = 0; i < bits.length; i++) {
    out[k] = i;
    k += bits[i]!;
  }
  return out.subarray(0, k);
}

/** The spans of `bits`, ordered by (pre-order of their key, pre-order): a bucket sort. */
function sortByKey(
  scratch: ScratchBuffers,
  size: number,
  bits: Uint8Array,
  keyOf: (span: number) => number,
): Int32Array {
  const start = scratch.ints(size + 1);
  let count = 0;
  for (let e = 0; e < size; e++) {
    if (bits[e]) {
      start[keyOf(e) + 1]!++;
      count++;
    }
  }
  for (let v = 0; v < size; v++) start[v + 1]! += start[v]!;
  const sorted = scratch.unset(count);
  for (let e = 0; e < size; e++) if (bits[e]) sorted[start[keyOf(e)]!++] = e;
  return sorted;
}

function pick(position: PositionalPseudoClass, list: Int32Array): Int32Array {
  const index = position.name === 'first' ? 0 : position.name === 'last' ? list.length - 1 : position.n - 1;
  return index >= 0 && index < list.length ? list.subarray(index, index + 1) : list.subarray(0, 0);
}

/**
 * Selects spans of an assembled trace (SPEC §4.4): indexes into `trace.spans`, in the normative
 * order, each span once (comma parts are concatenated, then duplicates dropped: Q7 recommended).
 * Linear in the number of spans for any selector and any trace shape.
 * @example selectSpans(trace, parseSelector('span[name="POST /orders"] span[kind="client"]:first'))
 */
export function selectSpans(trace: Trace, selector: Selector): number[] {
  const n = trace.spans.length;
  if (selector.complexes.length === 0) return Array.from({ length: n }, (_, i) => i);
  if (n === 0) return [];
  const index = selectionIndexOf(trace);
  const scratch = index.borrowScratch();
  try {
    const evaluation: Evaluation = { tree: index.tree, scratch };
    const matcher = new CompoundMatcher(index, evaluation);
    // One complex selector's list never repeats a span.
    if (selector.complexes.length === 1)
      return toArray(new ComplexEvaluator(evaluation, selector.complexes[0]!, matcher).select());
    const parts = selector.complexes.map((complex) =>
      new ComplexEvaluator(evaluation, complex, matcher).select(),
    );
    const seen = scratch.bytes(n);
    let count = 0;
    for (const part of parts) {
      for (let k = 0; k < part.length; k++) {
        if (!seen[part[k]!]) {
          seen[part[k]!] = 1;
          count++;
        }
      }
    }
    seen.fill(0);
    const out = new Array<number>(count);
    let at = 0;
    for (const part of parts) {
      for (let k = 0; k < part.length; k++) {
        if (!seen[part[k]!]) {
          seen[part[k]!] = 1;
          out[at++] = part[k]!;
        }
      }
    }
    return out;
  } finally {
    index.returnScratch(scratch);
  }
}

/** A plain array with the entries of `spans`, allocated once at its final size. */
function toArray(spans: Int32Array): number[] {
  const out = new Array<number>(spans.length);
  for (let k = 0; k < spans.length; k++) out[k] = spans[k]!;
  return out;
}
