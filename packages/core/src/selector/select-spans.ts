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

/** For each span: does some span of `bits` lie among its children / in its subtree / strictly below. */
function anyChild(tree: TreeShape, bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(tree.size);
  for (let z = 0; z < tree.size; z++) if (bits[z] && tree.parent[z]! >= 0) out[tree.parent[z]!] = 1;
  return out;
}

function anyBelow(tree: TreeShape, bits: Uint8Array, strict: boolean): Uint8Array {
  const n = tree.size;
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) count[i + 1] = count[i]! + bits[i]!;
  const out = new Uint8Array(n);
  for (let y = 0; y < n; y++) out[y] = count[tree.end[y]!]! - count[strict ? y + 1 : y]! > 0 ? 1 : 0;
  return out;
}

/** Evaluates compounds to bitmaps, each compound once per call. */
class CompoundMatcher {
  private readonly cache = new Map<Compound, Uint8Array>();

  private readonly tree: TreeShape;

  constructor(private readonly index: SelectionIndex) {
    this.tree = index.tree;
  }

  match(compound: Compound): Uint8Array {
    let bits = this.cache.get(compound);
    if (!bits) {
      bits = this.compute(compound);
      this.cache.set(compound, bits);
    }
    return bits;
  }

  private compute(compound: Compound): Uint8Array {
    const n = this.tree.size;
    const bits = new Uint8Array(n).fill(1);
    for (const filter of compound.filters) applyFilter(filter, this.index, bits);
    for (const pseudo of compound.pseudoClasses) {
      if (pseudo.name === 'not') {
        for (const excluded of pseudo.compounds) {
          const other = this.match(excluded);
          for (let i = 0; i < n; i++) if (other[i]) bits[i] = 0;
        }
      } else if (pseudo.name === 'has') {
        const found = new Uint8Array(n);
        for (const branch of pseudo.branches) {
          const hit = this.hasBranch(branch);
          for (let i = 0; i < n; i++) if (hit[i]) found[i] = 1;
        }
        for (let i = 0; i < n; i++) if (!found[i]) bits[i] = 0;
      }
    }
    return bits;
  }

  /**
   * Spans x for which the branch finds something. There is no positional pseudo-class in `:has()`,
   * so a segment's list is non-empty exactly when a chain of matches continues from it.
   */
  private hasBranch(branch: RelativeSelector): Uint8Array {
    const compounds = compoundsOf(branch.selector);
    const combinators: Combinator[] = [branch.combinator, ...branch.selector.tail.map((s) => s.combinator)];
    const last = compounds.length - 1;
    let continues = this.match(compounds[last]!);
    for (let s = last - 1; s >= 0; s--) {
      const below =
        combinators[s + 1] === 'child'
          ? anyChild(this.tree, continues)
          : anyBelow(this.tree, continues, s + 1 === last);
      const own = this.match(compounds[s]!);
      continues = own.map((m, i) => m & below[i]!);
    }
    return combinators[0] === 'child' ? anyChild(this.tree, continues) : anyBelow(this.tree, continues, true);
  }
}

/** The lists of one complex selector, segment by segment (see the file comment). */
class ComplexEvaluator {
  private readonly compounds: Compound[];
  private readonly combinators: Combinator[];
  private readonly positions: (PositionalPseudoClass | null)[];
  private readonly matches: Uint8Array[];
  private readonly lists = new Map<number, SegmentList>();

  constructor(
    private readonly tree: TreeShape,
    complex: ComplexSelector,
    matcher: CompoundMatcher,
  ) {
    this.compounds = compoundsOf(complex);
    this.combinators = ['descendant', ...complex.tail.map((s) => s.combinator)];
    this.positions = this.compounds.map(positionOf);
    this.matches = this.compounds.map((c) => matcher.match(c));
  }

  /** `select` for this complex selector alone, in the order of SPEC §4.4. */
  select(): number[] {
    let out: number[] = [];
    if (this.isDescendantChain()) out = Array.from(this.selectDescendantChain());
    else this.family(0).appendList(0, out);
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
      const previous: Uint8Array | null = below;
      const current = new Uint8Array(size);
      for (let x = 0; x < size; x++) {
        const p = parent[x]!;
        current[x] = (m[x] && (previous === null || previous[x])) || (p >= 0 && current[p]) ? 1 : 0;
      }
      below = current;
    }
    const m = this.matches[last]!;
    if (below === null) return indexesOf(m);
    const selected = new Uint8Array(size);
    for (let x = 0; x < size; x++) if (m[x] && parent[x]! >= 0 && below[parent[x]!]) selected[x] = 1;
    return indexesOf(selected);
  }

  /** The list of segment t (t >= 1) for every span that may have matched segment t - 1. */
  private list(t: number): SegmentList {
    let list = this.lists.get(t);
    if (!list) {
      const family = this.family(t);
      const position = this.positions[t];
      list = position
        ? { kind: 'span', spans: positionalSpans(this.tree, family, position, this.matches[t - 1]!) }
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
      const items = new FamilyItems(countOf(m));
      for (let y = 0; y < this.tree.size; y++) if (m[y]) items.addSpan(y, y);
      // The first segment searches the whole trace, root included; later ones strictly below anc.
      return new SpanListFamily(this.tree, t === 0 ? 'subtree' : 'strict-subtree', items, null);
    }
    return this.descendantFamily(t);
  }

  /** Segment t joined by ">": the children of x that match, each followed by its own list. */
  private childFamily(t: number): SpanListFamily {
    const { size, children } = this.tree;
    const m = this.matches[t]!;
    const next = t === this.compounds.length - 1 ? null : this.list(t + 1);
    const items = new FamilyItems(countOf(m));
    for (let x = 0; x < size; x++) {
      for (const c of children[x]!) {
        if (!m[c]) continue;
        if (next === null) items.addSpan(x, c);
        else if (next.kind === 'span') {
          if (next.spans[c]! >= 0) items.addSpan(x, next.spans[c]!);
        } else if (next.family.lengthOf(c) > 0) items.addRef(x, c, next.family.lengthOf(c));
      }
    }
    return new SpanListFamily(this.tree, 'children', items, next?.kind === 'list' ? next.family : null);
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
      isEnd = m.map((hit, e) => (hit && parent[e]! >= 0 && previous[parent[e]!] ? 1 : 0));
    }
    const keyOf = (e: number) => {
      let y = e;
      for (let s = 0; s < chain; s++) y = parent[y]!;
      return y;
    };
    const ends = chain === 0 ? indexesOf(isEnd) : sortByKey(size, isEnd, keyOf);
    const items = new FamilyItems(ends.length);
    if (terminal > last) {
      for (const e of ends) items.addSpan(keyOf(e), e);
      return new SpanListFamily(this.tree, 'subtree', items, null);
    }
    const next = this.list(terminal);
    if (next.kind === 'span') {
      // Equal spans come from chain ends on one root path; the previous item with the same span is
      // the one keyed nearest above.
      const lastItemOf = new Int32Array(size).fill(-1);
      for (const e of ends) {
        const span = next.spans[e]!;
        if (span < 0) continue;
        const previous = lastItemOf[span]!;
        lastItemOf[span] = items.count;
        items.addSpan(keyOf(e), span, previous < 0 ? -1 : items.keys[previous]!);
      }
      return new SpanListFamily(this.tree, 'subtree', items, null);
    }
    // The terminal segment is a descendant one: a chain end's list contains the lists of the chain
    // ends below it, so an end is shadowed by the nearest chain end above it.
    const nearestEnd = new Int32Array(size);
    for (let v = 0; v < size; v++) {
      nearestEnd[v] = isEnd[v] ? v : parent[v]! >= 0 ? nearestEnd[parent[v]!]! : -1;
    }
    const { family } = next;
    for (const e of ends) {
      const weight = family.lengthOf(e);
      if (weight === 0) continue;
      const above = parent[e]! >= 0 ? nearestEnd[parent[e]!]! : -1;
      items.addRef(keyOf(e), e, weight, above >= 0 ? keyOf(above) : -1);
    }
    return new SpanListFamily(this.tree, 'subtree', items, family);
  }
}

function countOf(bits: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bits.length; i++) count += bits[i]!;
  return count;
}

/** The indexes set in `bits`, in order. */
function indexesOf(bits: Uint8Array): Int32Array {
  const out = new Int32Array(countOf(bits));
  let k = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[k++] = i;
  return out;
}

/** The spans of `bits`, ordered by (pre-order of their key, pre-order): a bucket sort. */
function sortByKey(size: number, bits: Uint8Array, keyOf: (span: number) => number): Int32Array {
  const start = new Int32Array(size + 1);
  let count = 0;
  for (let e = 0; e < size; e++) {
    if (bits[e]) {
      start[keyOf(e) + 1]!++;
      count++;
    }
  }
  for (let v = 0; v < size; v++) start[v + 1]! += start[v]!;
  const sorted = new Int32Array(count);
  for (let e = 0; e < size; e++) if (bits[e]) sorted[start[keyOf(e)]!++] = e;
  return sorted;
}

function pick(position: PositionalPseudoClass, list: readonly number[]): number[] {
  const index = position.name === 'first' ? 0 : position.name === 'last' ? list.length - 1 : position.n - 1;
  return index >= 0 && index < list.length ? [list[index]!] : [];
}

/** The one span a positional pseudo-class keeps from each anchor's list (-1: none). */
function positionalSpans(
  tree: TreeShape,
  family: SpanListFamily,
  position: PositionalPseudoClass,
  anchors: Uint8Array,
): Int32Array {
  const spans = new Int32Array(tree.size).fill(-1);
  if (position.name === 'nth_child') {
    const n = position.n;
    const queried: number[] = [];
    for (let x = 0; x < tree.size; x++) if (anchors[x] && n >= 1 && family.lengthOf(x) >= n) queried.push(x);
    const found = family.spansAt(Int32Array.from(queried), new Int32Array(queried.length).fill(n - 1));
    queried.forEach((x, i) => {
      spans[x] = found[i]!;
    });
    return spans;
  }
  for (let x = 0; x < tree.size; x++) {
    if (anchors[x]) spans[x] = position.name === 'first' ? family.first(x) : family.last(x);
  }
  return spans;
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
  const { tree } = index;
  const matcher = new CompoundMatcher(index);
  // One complex selector's list never repeats a span.
  if (selector.complexes.length === 1)
    return new ComplexEvaluator(tree, selector.complexes[0]!, matcher).select();
  const seen = new Uint8Array(n);
  const out: number[] = [];
  for (const complex of selector.complexes) {
    for (const span of new ComplexEvaluator(tree, complex, matcher).select()) {
      if (!seen[span]) {
        seen[span] = 1;
        out.push(span);
      }
    }
  }
  return out;
}
