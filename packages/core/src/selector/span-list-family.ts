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
import type { ScratchBuffers } from './scratch-buffers';

/** The tree of an assembled trace, in pre-order: the subtree of x is [x, end[x]). */
export interface TreeShape {
  readonly size: number;
  readonly parent: Int32Array;
  readonly end: Int32Array;
  readonly depth: Int32Array;
  readonly maxDepth: number;
  /** The children of x are childSpans[childStart[x]], … childSpans[childStart[x + 1] - 1], in order. */
  readonly childStart: Int32Array;
  readonly childSpans: Int32Array;
}

/** Which items belong to the list of anchor x: keys in [x, end), in (x, end), or equal to x. */
type AnchorRange = 'subtree' | 'strict-subtree' | 'children';

/**
 * Collects items in key order, into arrays sized for at most `capacity` items, with the running total
 * of their weights (`prefix[i]`: weight of items 0..i-1, a float: overlapping lists may sum beyond 2^31).
 */
export class FamilyItems {
  count = 0;
  readonly keys: Int32Array;
  /** The span of a single-span item, -1 for a reference. */
  readonly spans: Int32Array;
  /** The anchor of the referenced list in the lower family, -1 for a single span. */
  readonly refs: Int32Array;
  readonly partners: Int32Array;
  readonly prefix: Float64Array;
  /** Whether every item weighs 1 / some item has a partner. */
  unitWeights = true;
  filtered = false;

  constructor(scratch: ScratchBuffers, capacity: number) {
    this.keys = scratch.unset(capacity);
    this.spans = scratch.unset(capacity);
    this.refs = scratch.unset(capacity);
    this.partners = scratch.unset(capacity);
    this.prefix = scratch.unsetFloats(capacity + 1);
    this.prefix[0] = 0;
  }

  addSpan(key: number, span: number, partner = -1): void {
    const i = this.count++;
    this.keys[i] = key;
    this.spans[i] = span;
    this.refs[i] = -1;
    this.partners[i] = partner;
    this.prefix[i + 1] = this.prefix[i]! + 1;
    if (partner >= 0) this.filtered = true;
  }

  /** Adds every span set in `bits`, each keyed by itself, in pre-order (the family is empty before). */
  addMatches(bits: Uint8Array): void {
    const { keys, spans, refs, partners, prefix } = this;
    let i = 0;
    for (let y = 0; y < bits.length; y++) {
      if (!bits[y]) continue;
      keys[i] = y;
      spans[i] = y;
      refs[i] = -1;
      partners[i] = -1;
      i++;
      prefix[i] = i;
    }
    this.count = i;
  }

  addRef(key: number, anchor: number, weight: number, partner = -1): void {
    const i = this.count++;
    this.keys[i] = key;
    this.spans[i] = -1;
    this.refs[i] = anchor;
    this.partners[i] = partner;
    this.prefix[i + 1] = this.prefix[i]! + weight;
    if (weight !== 1) this.unitWeights = false;
    if (partner >= 0) this.filtered = true;
  }
}

export class SpanListFamily {
  private lengthByAnchor: Int32Array | null = null;
  private readonly keys: Int32Array;
  private readonly spans: Int32Array;
  private readonly refs: Int32Array;
  private readonly partners: Int32Array;
  private readonly prefix: Float64Array;
  /** startOfKey[v] = first item whose key is >= v. */
  private readonly startOfKey: Int32Array;
  private readonly filtered: boolean;
  private readonly unitWeights: boolean;
  private lastItems: Int32Array | null = null;

  constructor(
    private readonly tree: TreeShape,
    private readonly scratch: ScratchBuffers,
    private readonly range: AnchorRange,
    items: FamilyItems,
    private readonly lower: SpanListFamily | null,
  ) {
    const count = items.count;
    this.keys = items.keys.subarray(0, count);
    this.spans = items.spans.subarray(0, count);
    this.refs = items.refs.subarray(0, count);
    this.partners = items.partners.subarray(0, count);
    this.prefix = items.prefix.subarray(0, count + 1);
    this.unitWeights = items.unitWeights;
    this.filtered = items.filtered;
    const n = tree.size;
    // Items are in key order: the first item with key >= v is the number of items with key < v.
    const startOfKey = scratch.ints(n + 1);
    const keys = this.keys;
    for (let i = 0; i < count; i++) startOfKey[keys[i]! + 1]!++;
    for (let v = 0; v < n; v++) startOfKey[v + 1]! += startOfKey[v]!;
    this.startOfKey = startOfKey;
  }

  /** Number of spans in the list of anchor x (all anchors are computed on the first call). */
  lengthOf(x: number): number {
    return this.lengths()[x]!;
  }

  /** The list length of every anchor. */
  lengths(): Int32Array {
    this.lengthByAnchor ??= this.computeLengths();
    return this.lengthByAnchor;
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
    const { prefix, startOfKey, range } = this;
    // Items invalid for x are exactly those whose partner lies in x's subtree: subtract their weight.
    let partnerWeight: Float64Array | null = null;
    if (this.filtered) {
      partnerWeight = this.scratch.floats(n + 1);
      for (let i = 0; i < this.keys.length; i++) {
        const p = this.partners[i]!;
        if (p >= 0) partnerWeight[p + 1]! += prefix[i + 1]! - prefix[i]!;
      }
      for (let v = 0; v < n; v++) partnerWeight[v + 1]! += partnerWeight[v]!;
    }
    const length = this.scratch.unset(n);
    if (range === 'children') {
      for (let x = 0; x < n; x++) length[x] = prefix[startOfKey[x + 1]!]! - prefix[startOfKey[x]!]!;
    } else {
      const loShift = range === 'strict-subtree' ? 1 : 0;
      for (let x = 0; x < n; x++)
        length[x] = prefix[startOfKey[end[x]!]!]! - prefix[startOfKey[x + loShift]!]!;
    }
    if (partnerWeight !== null) {
      for (let x = 0; x < n; x++) length[x]! -= partnerWeight[end[x]!]! - partnerWeight[x]!;
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
    const painted = this.scratch.ints(n, -1);
    // next[v] = v while v is unpainted; otherwise a span above it to continue from (-1: none).
    const next = this.scratch.unset(n);
    for (let v = 0; v < n; v++) next[v] = v;
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
    const items = this.scratch.unset(count);
    const offsets = this.scratch.unset(count);
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
    const result = this.scratch.unset(count);
    let lowerCount = 0;
    for (let q = 0; q < count; q++) {
      const span = this.spans[items[q]!]!;
      result[q] = span;
      if (span < 0) lowerCount++;
    }
    if (lowerCount > 0) {
      const lowerQueries = this.scratch.unset(lowerCount);
      const lowerAnchors = this.scratch.unset(lowerCount);
      const lowerPositions = this.scratch.unset(lowerCount);
      let k = 0;
      for (let q = 0; q < count; q++) {
        if (result[q]! >= 0) continue;
        lowerQueries[k] = q;
        lowerAnchors[k] = this.refs[items[q]!]!;
        lowerPositions[k] = offsets[q]!;
        k++;
      }
      const found = this.lower!.spansAt(lowerAnchors, lowerPositions);
      for (let j = 0; j < lowerCount; j++) result[lowerQueries[j]!] = found[j]!;
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
    const fenwick = this.scratch.floats(count + 1);
    const add = (i: number, w: number) => {
      for (let k = i + 1; k <= count; k += k & -k) fenwick[k]! += w;
    };
    const sumBefore = (i: number) => {
      let s = 0;
      for (let k = i; k > 0; k -= k & -k) s += fenwick[k]!;
      return s;
    };
    // Smallest item index whose running sum reaches target (target >= 1).
    let topStep = 1;
    while (topStep * 2 <= count) topStep *= 2;
    const search = (target: number) => {
      let pos = 0;
      let remaining = target;
      for (let step = topStep; step > 0; step >>= 1) {
        if (pos + step <= count && fenwick[pos + step]! < remaining) {
          pos += step;
          remaining -= fenwick[pos]!;
        }
      }
      return pos;
    };
    // Items by bucket (0: no partner, d + 1: partner at depth d) and queries by anchor depth, each
    // grouped with a counting sort.
    const itemBucket = (i: number) => {
      const p = this.partners[i]!;
      return p >= 0 ? depth[p]! + 1 : 0;
    };
    const itemsByBucket = groupBy(this.scratch, count, maxDepth + 2, itemBucket);
    const queriesByDepth = groupBy(this.scratch, anchors.length, maxDepth + 1, (q) => depth[anchors[q]!]!);
    for (let d = 0; d <= maxDepth; d++) {
      // Valid at anchor depth d: no partner (bucket 0) or partner depth < d (bucket partner depth + 1).
      for (let k = itemsByBucket.start[d]!; k < itemsByBucket.start[d + 1]!; k++) {
        const i = itemsByBucket.members[k]!;
        add(i, this.prefix[i + 1]! - this.prefix[i]!);
      }
      for (let k = queriesByDepth.start[d]!; k < queriesByDepth.start[d + 1]!; k++) {
        const q = queriesByDepth.members[k]!;
        const lo = this.lo(anchors[q]!);
        const base = sumBefore(lo);
        const i = search(base + positions[q]! + 1);
        items[q] = i;
        offsets[q] = positions[q]! - (sumBefore(i) - base);
      }
    }
  }

  /** Writes the list of anchor x into `out` from position `at`; returns the position after it. */
  writeList(x: number, out: Int32Array, at: number): number {
    const hi = this.hi(x);
    let k = at;
    for (let i = this.lo(x); i < hi; i++) {
      if (this.filtered && !this.valid(i, x)) continue;
      const span = this.spans[i]!;
      if (span >= 0) out[k++] = span;
      else k = this.lower!.writeList(this.refs[i]!, out, k);
    }
    return k;
  }
}

/** `members` lists 0..count-1 grouped by bucket, in increasing order within a bucket. */
function groupBy(
  scratch: ScratchBuffers,
  count: number,
  buckets: number,
  bucketOf: (member: number) => number,
): { readonly start: Int32Array; readonly members: Int32Array } {
  const start = scratch.ints(buckets + 1);
  for (let m = 0; m < count; m++) start[bucketOf(m) + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const fill = scratch.unset(buckets);
  fill.set(start.subarray(0, buckets));
  const members = scratch.unset(count);
  for (let m = 0; m < count; m++) members[fill[bucketOf(m)]!++] = m;
  return { start, members };
}
