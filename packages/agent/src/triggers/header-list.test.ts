import { expect, test } from 'vitest';
import { canonicalizeHeaderKey, setHeader } from './header-list';

test.each([
  ['content-type', 'Content-Type'],
  ['X-REQUEST-ID', 'X-Request-Id'],
  ['x-amzn-trace-id', 'X-Amzn-Trace-Id'],
  ['www-authenticate', 'Www-Authenticate'],
  ['etag', 'Etag'],
  ['bad header', 'bad header'],
])('canonicalizeHeaderKey(%s) = %s', (key, canonical) => {
  expect(canonicalizeHeaderKey(key)).toBe(canonical);
});

test('setHeader removes every entry of that name, whatever its case, and appends one', () => {
  const headers = [
    { key: 'Authorization', value: 'a' },
    { key: 'X-Other', value: 'o' },
    { key: 'authorization', value: 'b' },
  ];
  expect(setHeader(headers, 'AUTHORIZATION', 'c')).toEqual([
    { key: 'X-Other', value: 'o' },
    { key: 'AUTHORIZATION', value: 'c' },
  ]);
});
