import { createHash, randomBytes } from 'node:crypto';
import type { TokenKind } from './identity-store';

/** The readable prefix of each kind of token, so people and secret scanners recognise them. */
export const TOKEN_PREFIXES: Readonly<Record<TokenKind, string>> = {
  org: 'tc_org_',
  env: 'tc_env_',
  agent: 'tc_agent_',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 30 base62 characters: about 178 bits of randomness. */
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
/** The largest multiple of 62 below 256: bytes at or above it are drawn again (no bias). */
const BYTE_LIMIT = 248;
/** Characters of the random part kept in `displayPrefix` (not enough to guess the rest). */
const DISPLAY_RANDOM_CHARS = 4;

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = (CRC32_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, length: number): string {
  let text = '';
  let rest = value;
  while (rest > 0) {
    text = BASE62.charAt(rest % 62) + text;
    rest = Math.floor(rest / 62);
  }
  return text.padStart(length, '0');
}

/** The checksum of a token's random part: CRC32 in 6 base62 characters (as GitHub's tokens). */
function checksumOf(randomPart: string): string {
  return toBase62(crc32(randomPart), CHECKSUM_LENGTH);
}

/** A newly made token: the plaintext is shown once; only `hash` is stored. */
export interface GeneratedToken {
  readonly plaintext: string;
  readonly hash: string;
  readonly displayPrefix: string;
}

/**
 * Makes an opaque token: `tc_<kind>_` + 30 random base62 characters + a 6-character checksum.
 * @example generateToken('org').plaintext // 'tc_org_0aZ…' (43 characters)
 */
export function generateToken(
  kind: TokenKind,
  random: (size: number) => Uint8Array = randomBytes,
): GeneratedToken {
  let randomPart = '';
  while (randomPart.length < RANDOM_LENGTH) {
    for (const byte of random(RANDOM_LENGTH)) {
      if (byte < BYTE_LIMIT && randomPart.length < RANDOM_LENGTH) randomPart += BASE62.charAt(byte % 62);
    }
  }
  const prefix = TOKEN_PREFIXES[kind];
  const plaintext = `${prefix}${randomPart}${checksumOf(randomPart)}`;
  return {
    plaintext,
    hash: hashSecret(plaintext),
    displayPrefix: `${prefix}${randomPart.slice(0, DISPLAY_RANDOM_CHARS)}`,
  };
}

/**
 * The kind of a well-formed token (prefix known, checksum right), or undefined: a typo or a
 * foreign string is refused before any database lookup.
 */
export function parseTokenKind(text: string): TokenKind | undefined {
  for (const [kind, prefix] of Object.entries(TOKEN_PREFIXES) as [TokenKind, string][]) {
    if (!text.startsWith(prefix)) continue;
    const body = text.slice(prefix.length);
    if (body.length !== RANDOM_LENGTH + CHECKSUM_LENGTH || !/^[0-9A-Za-z]+$/.test(body)) return undefined;
    const randomPart = body.slice(0, RANDOM_LENGTH);
    return body.slice(RANDOM_LENGTH) === checksumOf(randomPart) ? kind : undefined;
  }
  return undefined;
}

/** SHA-256 (hex) of a high-entropy secret (token, invite code): what the database keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A random secret for invites: 32 base62-ish url-safe characters. */
export function generateInviteCode(random: (size: number) => Uint8Array = randomBytes): string {
  return `tc_inv_${Buffer.from(random(24)).toString('base64url')}`;
}
