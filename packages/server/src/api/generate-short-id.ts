import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-';
/** A leading `-` would read as a flag on a command line (`--id -x1`), so the first character is alphanumeric. */
const FIRST_ALPHABET_SIZE = 62;
/** The largest multiple of 62 below 256: bytes at or above it are drawn again, so no character is favoured. */
const FIRST_BYTE_LIMIT = 248;
const LENGTH = 9;

/**
 * A Tracetest-style "shortid": 9 characters of `[0-9A-Za-z_-]`, the first one alphanumeric (54 bits of
 * randomness). `random` returns that many random bytes; it is injected so tests are deterministic.
 * @example generateShortId() // 'x4Fq_9kZa'
 */
export function generateShortId(random: (size: number) => Uint8Array = randomBytes): string {
  let id = '';
  while (id.length === 0) {
    for (const byte of random(4)) {
      if (byte < FIRST_BYTE_LIMIT) {
        id = ALPHABET.charAt(byte % FIRST_ALPHABET_SIZE);
        break;
      }
    }
  }
  // 64 divides 256: the low 6 bits of a byte are uniform.
  for (const byte of random(LENGTH - 1)) id += ALPHABET.charAt(byte & 63);
  return id;
}
