import type { KeyValue } from './trigger';

/**
 * Sets a header in an ordered header list the way Go's `Header.Set` does: every entry with the same
 * name (case-insensitive) is removed and one entry is appended.
 */
export function setHeader(headers: readonly KeyValue[], key: string, value: string): KeyValue[] {
  const lower = key.toLowerCase();
  return [...headers.filter((header) => header.key.toLowerCase() !== lower), { key, value }];
}

/** The value of the last entry named `key` (case-insensitive), if any. */
export function findHeader(headers: readonly KeyValue[], key: string): string | undefined {
  const lower = key.toLowerCase();
  return headers.findLast((header) => header.key.toLowerCase() === lower)?.value;
}

const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True when `name` is a valid HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME_RE.test(name);
}

/**
 * Go's `CanonicalMIMEHeaderKey`: the first letter and every letter after `-` upper-case, the rest
 * lower-case; a name that is not a valid token is returned unchanged.
 * @example canonicalizeHeaderKey('content-TYPE') // 'Content-Type'
 */
export function canonicalizeHeaderKey(key: string): string {
  if (!isHeaderName(key)) return key;
  return key
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
