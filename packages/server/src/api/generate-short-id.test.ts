import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateShortId } from './generate-short-id';

/** Hands out the given bytes in order, as many as asked for. */
function bytesFrom(values: readonly number[]): (size: number) => Uint8Array {
  let offset = 0;
  return (size) => {
    const chunk = Uint8Array.from(values.slice(offset, offset + size));
    offset += size;
    return chunk;
  };
}

describe('generateShortId', () => {
  it.each([
    ['low bytes', [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8], '012345678'],
    ['the 6 low bits of each later byte', [61, 0, 0, 0, 62, 63, 126, 127, 255, 64, 65, 10], 'z_-_--01A'],
    [
      'a first byte of 248 or more drawn again',
      [248, 255, 5, 0, 36, 37, 38, 39, 40, 41, 42, 43],
      '5abcdefgh',
    ],
    [
      'four rejected first bytes: four more drawn',
      [250, 251, 252, 253, 62, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8],
      '012345678',
    ],
  ])('maps %s to characters', (_name, bytes, expected) => {
    expect(generateShortId(bytesFrom(bytes))).toBe(expected);
  });

  it('gives 9 characters of [0-9A-Za-z_-], never starting with - or _', () => {
    const ids = Array.from({ length: 2000 }, () => generateShortId(randomBytes));
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z][0-9A-Za-z_-]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
