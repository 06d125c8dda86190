/**
 * Reusable buffers for the OTLP messages the span cache keeps.
 *
 * At high ingest rates, keeping each request's body as a fresh buffer makes the process allocate
 * tens of megabytes of new memory per second, freed only when the garbage collector gets to the old
 * buffers: the page faults and the extra collections cost more than decoding. Copying each message
 * into a buffer released by an evicted one keeps reusing the same warm memory instead.
 */
export interface MessagePool {
  /** A copy of `bytes` in a pooled buffer (a view of exactly `bytes.byteLength` bytes). */
  copy(bytes: Uint8Array): Uint8Array;
  /** Gives back a view returned by `copy` that nobody reads any more. */
  recycle(view: Uint8Array): void;
}

const MIN_CLASS_BYTES = 256;

/**
 * The capacity a message of `byteLength` bytes gets: eight size classes per power of two, so at most
 * an eighth of a buffer is wasted, and buffers of nearby sizes are interchangeable.
 */
export function sizeClassOf(byteLength: number): number {
  if (byteLength <= MIN_CLASS_BYTES) return MIN_CLASS_BYTES;
  const step = 2 ** (Math.floor(Math.log2(byteLength - 1)) - 3);
  return Math.ceil(byteLength / step) * step;
}

/** Creates a pool that keeps at most `maxIdleBytes` of released buffers for reuse. */
export function createMessagePool(maxIdleBytes: number): MessagePool {
  const idle = new Map<number, ArrayBuffer[]>();
  let idleBytes = 0;
  return {
    copy(bytes) {
      const capacity = sizeClassOf(bytes.byteLength);
      const buffer = idle.get(capacity)?.pop();
      if (buffer) idleBytes -= capacity;
      const view = new Uint8Array(buffer ?? new ArrayBuffer(capacity), 0, bytes.byteLength);
      view.set(bytes);
      return view;
    },
    recycle(view) {
      const buffer = view.buffer as ArrayBuffer;
      if (idleBytes + buffer.byteLength > maxIdleBytes) return; // the collector frees it
      let list = idle.get(buffer.byteLength);
      if (!list) {
        list = [];
        idle.set(buffer.byteLength, list);
      }
      list.push(buffer);
      idleBytes += buffer.byteLength;
    },
  };
}
