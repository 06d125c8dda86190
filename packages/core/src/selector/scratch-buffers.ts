/**
 * Working arrays of one selector evaluation, lent from buffers kept with the trace's selection index.
 *
 * An evaluation needs a few dozen arrays of one entry per span. Allocating them afresh each time costs
 * more than the passes that fill them: large typed arrays and their pages are new memory, zeroed by
 * the system and collected later. Every array asked for here holds at most `capacity` entries (the
 * number of spans plus one), so buffers of that size can serve any request; `releaseAll` takes them
 * all back when the evaluation ends (nothing lent escapes an evaluation: results are copied out).
 * The buffers number at most the arrays one evaluation held at once; `SelectionIndex` decides whose
 * evaluations share them.
 */
type EntrySize = 1 | 4 | 8;

export class ScratchBuffers {
  /** Buffers not lent, and lent since the last `releaseAll`, by bytes per entry. */
  private readonly free = new Map<EntrySize, ArrayBuffer[]>([
    [1, []],
    [4, []],
    [8, []],
  ]);
  private readonly lentBuffers = new Map<EntrySize, ArrayBuffer[]>([
    [1, []],
    [4, []],
    [8, []],
  ]);

  /** Whether an evaluation holds these buffers now. */
  lent = false;

  constructor(readonly capacity: number) {}

  private take(bytesPerEntry: EntrySize, length: number): ArrayBuffer {
    if (length > this.capacity) throw new RangeError(`scratch array of ${length} > ${this.capacity} entries`);
    let buffer = this.free.get(bytesPerEntry)!.pop();
    if (buffer === undefined) {
      buffer = new ArrayBuffer(this.capacity * bytesPerEntry);
      // A pattern, not zeros: code that reads an `unset` array before writing it fails its tests at
      // once instead of only when a buffer comes back dirty.
      new Uint8Array(buffer).fill(0xa5);
    }
    this.lentBuffers.get(bytesPerEntry)!.push(buffer);
    return buffer;
  }

  /** A `Uint8Array` of `length` entries, each set to `value`. */
  bytes(length: number, value = 0): Uint8Array {
    return new Uint8Array(this.take(1, length), 0, length).fill(value);
  }

  /** An `Int32Array` of `length` entries, each set to `value`. */
  ints(length: number, value = 0): Int32Array {
    return new Int32Array(this.take(4, length), 0, length).fill(value);
  }

  /** An `Int32Array` of `length` entries whose content is unspecified: for arrays written before read. */
  unset(length: number): Int32Array {
    return new Int32Array(this.take(4, length), 0, length);
  }

  /** A `Uint8Array` of `length` entries whose content is unspecified. */
  unsetBytes(length: number): Uint8Array {
    return new Uint8Array(this.take(1, length), 0, length);
  }

  /** A `Float64Array` of `length` entries whose content is unspecified. */
  unsetFloats(length: number): Float64Array {
    return new Float64Array(this.take(8, length), 0, length);
  }

  /** A `Float64Array` of `length` entries, each 0. */
  floats(length: number): Float64Array {
    return new Float64Array(this.take(8, length), 0, length).fill(0);
  }

  /** Takes back every array lent since the last call: none of them may be used after this. */
  releaseAll(): void {
    for (const [size, lent] of this.lentBuffers) {
      this.free.get(size)!.push(...lent);
      lent.length = 0;
    }
  }
}
