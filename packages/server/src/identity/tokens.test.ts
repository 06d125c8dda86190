import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteStore } from '../store/pglite-store';
import { ensureLocalOwnerToken } from './bootstrap';
import { generateToken, hashSecret, parseTokenKind, TOKEN_PREFIXES } from './tokens';

describe('tokens', () => {
  it.each(Object.entries(TOKEN_PREFIXES))('%s tokens carry their prefix and a checksum', (kind, prefix) => {
    const token = generateToken(kind as 'org');
    expect(token.plaintext.startsWith(prefix)).toBe(true);
    expect(token.plaintext).toHaveLength(prefix.length + 36);
    expect(parseTokenKind(token.plaintext)).toBe(kind);
    expect(token.hash).toBe(hashSecret(token.plaintext));
    expect(token.hash).not.toContain(token.plaintext.slice(prefix.length));
    expect(token.displayPrefix).toBe(token.plaintext.slice(0, prefix.length + 4));
  });

  it('refuses a changed character, a wrong prefix or a foreign string before any lookup', () => {
    const { plaintext } = generateToken('env');
    const last = plaintext.at(-8) === 'a' ? 'b' : 'a';
    expect(parseTokenKind(`${plaintext.slice(0, -8)}${last}${plaintext.slice(-7)}`)).toBeUndefined();
    expect(parseTokenKind(plaintext.replace('tc_env_', 'tc_xyz_'))).toBeUndefined();
    expect(parseTokenKind('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBeUndefined();
    expect(parseTokenKind(`${plaintext}x`)).toBeUndefined();
  });

  it('is deterministic with fixed randomness (bytes at or above 248 are drawn again)', () => {
    const bytes = (size: number) =>
      Uint8Array.from({ length: size }, (_, index) => (index % 2 === 0 ? 250 : 1));
    expect(generateToken('org', bytes).plaintext).toBe(generateToken('org', bytes).plaintext);
    expect(generateToken('org', bytes).plaintext.slice(7, 37)).toBe('1'.repeat(30));
  });
});

describe('ensureLocalOwnerToken', () => {
  it('writes an admin token (0600) on first start, keeps it later, replaces a revoked one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tracecheck-owner-'));
    const store = await createPgliteStore();
    const scope = { organizationId: 'local', environmentId: 'default' };
    const tokenFile = join(dir, 'admin-token');
    try {
      await store.upsertOrganization({ id: 'local', name: 'Local' });
      await store.upsertEnvironment(scope, 'default');
      const first = await ensureLocalOwnerToken(store, { scope, tokenFile });
      expect(first.created).toBe(true);
      expect((await readFile(tokenFile, 'utf8')).trim()).toBe(first.token);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      expect((await store.identity.getAccess('local', first.userId))?.organizationRole).toBe('owner');

      const again = await ensureLocalOwnerToken(store, { scope, tokenFile });
      expect(again).toEqual({ ...first, created: false });

      const stored = await store.identity.findTokenByHash(hashSecret(first.token));
      await store.identity.revokeToken('local', stored?.id ?? '');
      const replaced = await ensureLocalOwnerToken(store, { scope, tokenFile });
      expect(replaced.created).toBe(true);
      expect(replaced.token).not.toBe(first.token);

      await writeFile(tokenFile, 'not a token\n');
      expect((await ensureLocalOwnerToken(store, { scope, tokenFile })).created).toBe(true);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
