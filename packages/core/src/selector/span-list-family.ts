/**
 * A family of span lists, one list per "anchor" span x of a trace tree, stored in linear space.
 *
 * Every list of the family is the concatenation, in one global order, of the *items* whose key span
 * lies in a range derived from x (its subtree, its strict subtree, or x itself for "children of x")
 * and that are *valid* for x. An item is a single span, or a reference to the list of span e in a
 * lower family. An item with a `partner` span is valid for x only when the partner is outside x's
 * subtree: that is how duplicates are removed (SPEC §4.4 `dedup`) without ever materialising a list.
 * The partner of an item is always an ancestor of its key, so "partner outside the subtree of x" is
 * "depth(partner) < depth(x)".
 *
 * The evaluator (`select-spans.ts`) builds one family per selector segment; a family answers, for
 * every anchor, the length, first and last span (O(1) each after a linear pre-pass), the span at a
 * position (batched; binary search, or a Fenwick sweep for families with partners) and the whole
 * list (linear in its length, since the lists of valid items never overlap).
 */

/** The tree of an assembled trace, in pre-order: the subtree of x is [x, end[x]). */
export interface TreeShape {
  readonly size: number;
  readonly parent: Int32Array;
  readonly end: Int32Array;
  readonly depth: Int32Array;
  readonly maxDepth: number;
  readonly children: readonly (readonly number[])[];
}

/** Which items belong to the list of anchor x: keys in [x, end), in (x, end), or equal to x. */
type AnchorRange = 'subtree' | 'strict-subtree' | 'children';

/** Collects items in key order, into arrays sized for at most `capacity` items. */
export class FamilyItems {
  count = 0;
  readonly keys: Int32Array;
  /** The span of a single-span item, -1 for a reference. */
  readonly spans: Int32Array;
  /** The anchor of the referenced list in the lower family, -1 for a single span. */
  readonly refs: Int32Array;
  readonly weights: Int32Array;
  readonly partners: Int32Array;

  constructor(capacity: number) {
    this.keys = new Int32Array(capacity);
    this.spans = new Int32Array(capacity);
    this.refs = new Int32Array(capacity);
    this.weights = new Int32Array(capacity);
    this.partners = new Int32Array(capacity);
  }

  addSpan(key: number, span: number, partner = -1): void {
    const i = this.count++;
    this.keys[i] = key;
    this.spans[i] = span;
    this.refs[i] = -1;
    this.weights[i] = 1;
    this.partners[i] = partner;
  }

  addRef(key: number, anchor: number, weight: number, partner = -1): void {
    const i = this.count++;
    this.keys[i] = key;
    this.spans[i] = -1;
    this.refs[i] = anchor;
    this.weights[i] = weight;
    this.partners[i] = partner;
  }
}

export class SpanListFamily {
  private lengths: Int32Array | null = null;
  private readonly keys: Int32Array;
  private readonly spans: Int32Array;
  private readonly refs: Int32Array;
  private readonly partners: Int32Array;
  /** prefix[i] = total weight of items 0..i-1 (a float: overlapping lists may sum beyond 2^31). */
  private readonly prefix: Float64Array;
  /** startOfKey[v] = first item whose key is >= v. */
  private readonly startOfKey: Int32Array;
  private readonly filtered: boolean;
  private readonly unitWeights: boolean;
  private lastItems: Int32Array | null = null;

  constructor(
    private readonly tree: TreeShape,
    private readonly range: AnchorRange,
    items: FamilyItems,
    private readonly lower: SpanListFamily | null,
  ) {
    const count = items.count;
    this.keys = items.keys.subarray(0, count);
    this.spans = items.spans.subarray(0, count);
    this.refs = items.refs.subarray(0, count);
    this.partners = items.partners.subarray(0, count);
    this.prefix = new Float64Array(count + 1);
    let unit = true;
    let filtered = false;
    for (let i = 0; i < count; i++) {
      const w = items.weights[i]!;
      this.prefix[i + 1] = this.prefix[i]! + w;
      if (w !== 1) unit = false;
      if (this.partners[i]! >= 0) filtered = true;
    }
    this.unitWeights = unit;
    this.filtered = filtered;
    const n = tree.size;
    this.startOfKey = new Int32Array(n + 1);
    let item = 0;
    for (let v = 0; v <= n; v++) {
      while (item < count && this.keys[item]! < v) item++;
      this.startOfKey[v] = item;
    }
  }

  /** Number of spans in the list of anchor x (all anchors are computed on the first call). */
  lengthOf(x: number): number {
    this.lengths ??= this.computeLengths();
    return this.lengths[x]!;
  }

  private lo(x: number): number {
    return this.startOfKey[this.range === 'strict-subtree' ? x + 1 : x]!;
  }

  private hi(x: number): number {
    return this.startOfKey[this.range === 'children' ? x + 1 : this.tree.end[x]!]!;
  }

  /** Whether item i is in the list of anchor x, given that its key is in x's range. */
  private valid(i: number, x: number): boolean {
    const partner = this.partners[i]!;
    return partner < 0 || this.tree.depth[partner]! < this.tree.depth[x]!;
  }

  private computeLengths(): Int32Array {
    const { size: n, end } = this.tree;
    // Items invalid for x are exactly those whose partner lies in x's subtree: subtract their weight.
    const partnerWeight = new Float64Array(n + 1);
    if (this.filtered) {
      for (let i = 0; i < this.keys.length; i++) {
        const p = this.partners[i]!;
        if (p >= 0) partnerWeight[p + 1]! += this.prefix[i + 1]! - this.prefix[i]!;
      }
      for (let v = 0; v < n; v++) partnerWeight[v + 1]! += partnerWeight[v]!;
    }
    const length = new Int32Array(n);
    for (let x = 0; x < n; x++) {
      let total = this.prefix[this.hi(x)]! - this.prefix[this.lo(x)]!;
      if (this.filtered) total -= partnerWeight[end[x]!]! - partnerWeight[x]!;
      length[x] = total;
    }
    return length;
  }

  private firstOfItem(i: number): number {
    const span = this.spans[i]!;
    return span >= 0 ? span : this.lower!.first(this.refs[i]!);
  }

  private lastOfItem(i: number): number {
    const span = this.spans[i]!;
    return span >= 0 ? span : this.lower!.last(this.refs[i]!);
  }

  /** The first span of x's list, or -1. The first item of a range is always valid. */
  first(x: number): number {
    const lo = this.lo(x);
    return lo < this.hi(x) ? this.firstOfItem(lo) : -1;
  }

  /** The last span of x's list, or -1. */
  last(x: number): number {
    let item: number;
    if (this.filtered) {
      this.lastItems ??= this.paintLastItems();
      item = this.lastItems[x]!;
    } else {
      const hi = this.hi(x);
      item = hi > this.lo(x) ? hi - 1 : -1;
    }
    return item >= 0 ? this.lastOfItem(item) : -1;
  }

  /**
   * The last valid item of every anchor. Item i is valid exactly for the anchors on the path from its
   * key up to (not including) its partner; painting those paths from the last item to the first,
   * skipping painted spans with a union-find, gives each anchor its last valid item in O(n α(n)).
   */
  private paintLastItems(): Int32Array {
    const { size: n, parent, depth } = this.tree;
    const painted = new Int32Array(n).fill(-1);
    // next[v] = v while v is unpainted; otherwise a span above it to continue from (-1: none).
    const next = Int32Array.from({ length: n }, (_, v) => v);
    const find = (start: number): number => {
      let root = start;
      while (root >= 0 && next[root] !== root) root = next[root]!;
      let v = start;
      while (v >= 0 && next[v] !== v) {
        const up = next[v]!;
        next[v] = root;
        v = up;
      }
      return root;
    };
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const partner = this.partners[i]!;
      const stopDepth = partner >= 0 ? depth[partner]! : -1;
      let v = find(this.keys[i]!);
      while (v >= 0 && depth[v]! > stopDepth) {
        painted[v] = i;
        next[v] = parent[v]!;
        v = find(parent[v]!);
      }
    }
    return painted;
  }

  /**
   * For each query (anchor, position), the span at that 0-based position of the anchor's list.
   * Every position must be below the anchor's length.
   */
  spansAt(anchors: Int32Array, positions: Int32Array): Int32Array {
    const count = anchors.length;
    const items = new Int32Array(count);
    const offsets = new Int32Array(count);
    if (this.filtered) this.locateFiltered(anchors, positions, items, offsets);
    else {
      for (let q = 0; q < count; q++) {
        const x = anchors[q]!;
        const lo = this.lo(x);
        const p = positions[q]!;
        if (this.unitWeights) {
          items[q] = lo + p;
          offsets[q] = 0;
        } else {
          const i = this.itemAtWeight(lo, this.hi(x), this.prefix[lo]! + p);
          items[q] = i;
          offsets[q] = p - (this.prefix[i]! - this.prefix[lo]!);
        }
      }
    }
    const result = new Int32Array(count);
    const lowerQueries: number[] = [];
    for (let q = 0; q < count; q++) {
      const span = this.spans[items[q]!]!;
      result[q] = span;
      if (span < 0) lowerQueries.push(q);
    }
    if (lowerQueries.length > 0) {
      const lowerAnchors = Int32Array.from(lowerQueries, (q) => this.refs[items[q]!]!);
      const lowerPositions = Int32Array.from(lowerQueries, (q) => offsets[q]!);
      const found = this.lower!.spansAt(lowerAnchors, lowerPositions);
      lowerQueries.forEach((q, k) => {
        result[q] = found[k]!;
      });
    }
    return result;
  }

  /** The item i in [lo, hi) with prefix[i] <= target < prefix[i + 1] (binary search). */
  private itemAtWeight(lo: number, hi: number, target: number): number {
    let a = lo;
    let b = hi - 1;
    while (a < b) {
      const mid = (a + b + 1) >>> 1;
      if (this.prefix[mid]! <= target) a = mid;
      else b = mid - 1;
    }
    return a;
  }

  /**
   * Positions in families with partners: anchors are answered by increasing depth while a Fenwick
   * tree holds the weights of the items valid at that depth (partner depth < anchor depth).
   */
  private locateFiltered(
    anchors: Int32Array,
    positions: Int32Array,
    items: Int32Array,
    offsets: Int32Array,
  ): void {
    const { depth, maxDepth } = this.tree;
    const count = this.keys.length;
    const fenwick = new Float64Array(count + 1);
    const add = (i: number, w: number) => {
      for (let k = i + 1; k <= count; k += k & -k) fenwick[k]! += w;
    };
    const sumBefore = (i: number) => {
      let s = 0;
      for (let k = i; k > 0; k -= k & -k) s += fenwick[k]!;
      return s;
    };
    // Smallest item index whose running sum reaches target (target >= 1).
    const search = (target: number) => {
      let pos = 0;
      let remaining = target;
      let step = 1;
      while (step * 2 <= count) step *= 2;
      for (; step > 0; step >>= 1) {
        if (pos + step <= count && fenwick[pos + step]! < remaining) {
          pos += step;
          remaining -= fenwick[pos]!;
        }
      }
      return pos;
    };
    const itemsByPartnerDepth: number[][] = Array.from({ length: maxDepth + 2 }, () => []);
    for (let i = 0; i < count; i++) {
      const p = this.partners[i]!;
      itemsByPartnerDepth[p >= 0 ? depth[p]! + 1 : 0]!.push(i);
    }
    const queriesByDepth: number[][] = Array.from({ length: maxDepth + 1 }, () => []);
    for (let q = 0; q < anchors.length; q++) queriesByDepth[depth[anchors[q]!]!]!.push(q);
    for (let d = 0; d <= maxDepth; d++) {
      // Valid at anchor depth d: no partner (bucket 0) or partner depth < d (bucket partner depth + 1).
      for (const i of itemsByPartnerDepth[d]!) add(i, this.prefix[i + 1]! - this.prefix[i]!);
      for (const q of queriesByDepth[d]!) {
        const lo = this.lo(anchors[q]!);
        const base = sumBefore(lo);
        const i = search(base + positions[q]! + 1);
        items[q] = i;
        offsets[q] = positions[q]! - (sumBefore(i) - base);
      }
    }
  }

  /** Appends the list of anchor x to `out`. */
  appendList(x: number, out: number[]): void {
    const hi = this.hi(x);
    for (let i = this.lo(x); i < hi; i++) {
      if (this.filtered && !this.valid(i, x)) continue;
      const span = this.spans[i]!;
      if (span >= 0) out.push(span);
      else this.lower!.appendList(this.refs[i]!, out);
    }
  }
}
