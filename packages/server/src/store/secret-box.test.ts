import { randomBytes } from 'node:crypto';
import { isTracecheckError } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box';

const key = randomBytes(32);
const box = createSecretBox(key);

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('createSecretBox', () => {
  it.each([
    ['empty', ''],
    ['ascii', 'hunter2'],
    ['unicode', 'pässwörd 🔑 секрет'],
    ['long', 'x'.repeat(100_000)],
  ])('round-trips a %s value', (_name, plaintext) => {
    const sealed = box.encrypt(plaintext, 'org/env');
    expect(sealed.startsWith('tcsecret:v1:')).toBe(true);
    expect(sealed).not.toContain(plaintext || '\u0000');
    expect(box.decrypt(sealed, 'org/env')).toBe(plaintext);
  });

  it('uses a fresh IV: the same value seals differently each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('opens with a second box over the same key (a restarted server)', () => {
    expect(createSecretBox(Uint8Array.from(key)).decrypt(box.encrypt('kept'))).toBe('kept');
  });

  const sealed = box.encrypt('secret', 'org1/env1');
  const tampered = (() => {
    const bytes = Buffer.from(sealed.slice('tcsecret:v1:'.length), 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    return `tcsecret:v1:${bytes.toString('base64url')}`;
  })();
  it.each([
    ['another key', () => createSecretBox(randomBytes(32)).decrypt(sealed, 'org1/env1'), /another key/],
    ['another context', () => box.decrypt(sealed, 'org2/env1'), /another key or context/],
    ['no context', () => box.decrypt(sealed), /another key or context/],
    ['an altered ciphertext', () => box.decrypt(tampered, 'org1/env1'), /altered/],
    ['a missing prefix', () => box.decrypt('secret'), /instead of "tcsecret:v1:"/],
    ['a truncated value', () => box.decrypt('tcsecret:v1:AAAA'), /truncated/],
  ])('rejects %s', (_name, action, message) => {
    const error = errorOf(action);
    expect(isTracecheckError(error) && error.code).toBe('INTERNAL');
    expect((error as Error).message).toMatch(message);
  });

  it.each([16, 31, 33, 0])('refuses a key of %i bytes and says how to make one', (length) => {
    const error = errorOf(() => createSecretBox(new Uint8Array(length)));
    expect(isTracecheckError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toContain(`got ${length}`);
    expect((error as Error).message).toContain('openssl rand -base64 32');
  });
});
