import { createHash, timingSafeEqual } from 'node:crypto';

/** Fills a buffer with random bytes; tests pass a seeded one. */
export type RandomBytes = (size: number) => Uint8Array;

/** 32 random bytes, base64url: the secret of a session, a state, a one-time code. */
export function generateSecret(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}

/** SHA-256 (hex): what the database keeps of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The CSRF token of a session, derived from its secret (so nothing more is stored): a different
 * hash than the stored one, and unguessable without the cookie.
 */
export function deriveCsrfToken(sessionSecret: string): string {
  return createHash('sha256').update(`tracecheck-csrf:${sessionSecret}`, 'utf8').digest('base64url');
}

/** Compares two secrets in constant time (for equal lengths). */
export function secretsEqual(left: string, right: string): boolean {
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The readable prefix of API tokens issued by the CLI browser login. */
export const CLI_TOKEN_PREFIX = 'tc_cli_';
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function checksumOf(body: string): string {
  const digest = createHash('sha256').update(body, 'utf8').digest();
  let value = digest.readUInt32BE(0);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * A CLI token: `tc_cli_` + 43 random base64url characters + a 6-character checksum, so secret
 * scanners can recognise it and typos are caught before a database lookup.
 * @example formatCliToken(generateSecret(randomBytes)) // 'tc_cli_q3…Xy0Ab12'
 */
export function formatCliToken(secret: string): string {
  const body = `${CLI_TOKEN_PREFIX}${secret}`;
  return `${body}${checksumOf(body)}`;
}

/** The secret inside a CLI token, or undefined when it is not one (wrong prefix or checksum). */
export function parseCliToken(token: string): string | undefined {
  if (!token.startsWith(CLI_TOKEN_PREFIX) || token.length <= CLI_TOKEN_PREFIX.length + CHECKSUM_LENGTH) {
    return undefined;
  }
  const body = token.slice(0, -CHECKSUM_LENGTH);
  if (!secretsEqual(checksumOf(body), token.slice(-CHECKSUM_LENGTH))) return undefined;
  return body.slice(CLI_TOKEN_PREFIX.length);
}

/** The S256 code challenge of a PKCE verifier (RFC 7636 §4.2). */
export function computeCodeChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
