import { describe, expect, it } from 'vitest';
import { createMessagePool, sizeClassOf } from './message-pool';

describe('sizeClassOf', () => {
  it.each([
    [0, 256],
    [256, 256],
    [257, 288],
    [1024, 1024],
    [1025, 1152],
    [221_752, 229_376],
    [64 * 1024 * 1024, 64 * 1024 * 1024],
  ])('gives %i bytes a buffer of %i', (byteLength, capacity) => {
    expect(sizeClassOf(byteLength)).toBe(capacity);
  });

  it('never wastes more than an eighth of a buffer above the smallest class', () => {
    for (let length = 257; length < 1_000_000; length = Math.ceil(length * 1.37)) {
      const capacity = sizeClassOf(length);
      expect(capacity).toBeGreaterThanOrEqual(length);
      expect(capacity - length).toBeLessThanOrEqual(capacity / 8);
    }
  });
});

describe('createMessagePool', () => {
  it('copies into a buffer of the size class and reuses released buffers of that class', () => {
    const pool = createMessagePool(1024 * 1024);
    const first = pool.copy(Uint8Array.from([1, 2, 3]));
    expect([...first]).toEqual([1, 2, 3]);
    expect(first.buffer.byteLength).toBe(256);
    pool.recycle(first);
    const second = pool.copy(Uint8Array.from([9, 8]));
    expect(second.buffer).toBe(first.buffer);
    expect([...second]).toEqual([9, 8]);
    expect(pool.copy(new Uint8Array(10)).buffer).not.toBe(first.buffer);
  });

  it('keeps no more than its idle limit', () => {
    const pool = createMessagePool(256);
    const a = pool.copy(new Uint8Array(1));
    const b = pool.copy(new Uint8Array(1));
    pool.recycle(a);
    pool.recycle(b);
    expect(pool.copy(new Uint8Array(1)).buffer).toBe(a.buffer);
    expect(pool.copy(new Uint8Array(1)).buffer).not.toBe(b.buffer);
  });
});
