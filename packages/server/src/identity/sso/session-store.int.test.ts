import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../../store/pglite-store';
import { createPostgresStore } from '../../store/postgres-store';
import type { Store } from '../../store/store';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
} from '../../store/testing/postgres-test-database';

/**
 * `SessionStore` on PGlite and on PostgreSQL (a schema of its own, dropped at the end). Without a
 * PostgreSQL server that half is skipped with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const schema = createTestSchemaName();
const postgresReachable = await checkPostgresForTests('PostgreSQL session store');

afterAll(async () => {
  if (postgresReachable) await dropTestSchemas(schema);
});

const T0 = new Date('2025-03-04T05:06:07.000Z');

const adapters: [string, () => Promise<Store>, boolean][] = [
  ['PGlite', () => createPgliteStore(), false],
  ['PostgreSQL', () => createPostgresStore({ connectionString, schema }), !postgresReachable],
];

describe.each(adapters)('SessionStore on %s', (_name, open, skip) => {
  it.skipIf(skip)(
    'keeps sessions, consumes attempts and codes once, and sweeps expired rows',
    async () => {
      const store = await open();
      try {
        const user = await store.identity.findOrCreateUser({
          provider: 'test',
          subject: randomBytes(4).toString('hex'),
          email: 'a@example.com',
          name: null,
        });
        const sessions = store.sessions;
        const created = await sessions.createSession({
          idHash: 'h1',
          kind: 'browser',
          userId: user.user.id,
          provider: 'mock',
          createdAt: T0,
          idleTimeoutMs: 60_000,
          expiresAt: new Date(T0.getTime() + 3_600_000),
          ip: '127.0.0.1',
          userAgent: 'test',
        });
        expect(created).toMatchObject({ idHash: 'h1', lastSeenAt: T0, idleTimeoutMs: 60_000 });
        await sessions.touchSession('h1', new Date(T0.getTime() + 30_000));
        await sessions.touchSession('h1', new Date(T0.getTime() + 10_000)); // never moves back
        expect((await sessions.getSession('h1'))?.lastSeenAt).toEqual(new Date(T0.getTime() + 30_000));

        const attempt = {
          stateHash: 's1',
          providerId: 'mock',
          nonce: 'n',
          codeVerifier: 'v',
          returnTo: '/',
          inviteCode: null,
          cli: { redirectUri: 'http://127.0.0.1:1/cb', codeChallenge: 'c', state: null },
          createdAt: T0,
          expiresAt: new Date(T0.getTime() + 600_000),
        };
        await sessions.createSignInAttempt(attempt);
        expect(await sessions.consumeSignInAttempt('s1')).toEqual(attempt);
        expect(await sessions.consumeSignInAttempt('s1')).toBeUndefined();

        const code = {
          codeHash: 'c1',
          kind: 'login_link' as const,
          userId: user.user.id,
          provider: 'link',
          redirectUri: null,
          codeChallenge: null,
          createdAt: T0,
          expiresAt: new Date(T0.getTime() + 60_000),
        };
        await sessions.createOneTimeCode(code);
        expect(await sessions.consumeOneTimeCode('c1', 'cli')).toBeUndefined();
        const [first, second] = await Promise.all([
          sessions.consumeOneTimeCode('c1', 'login_link'),
          sessions.consumeOneTimeCode('c1', 'login_link'),
        ]);
        expect([first, second].filter((found) => found !== undefined)).toEqual([code]);

        await sessions.createOneTimeCode({ ...code, codeHash: 'c2' });
        await sessions.createSession({ ...created, idHash: 'h2', createdAt: T0 });
        await sessions.touchSession('h2', new Date(T0.getTime() + 200_000));
        // h1 idle since +30 s (timeout 60 s); h2 active at +200 s; c2 expired at +60 s.
        expect(await sessions.deleteExpired(new Date(T0.getTime() + 210_000))).toBe(2);
        expect(await sessions.getSession('h1')).toBeUndefined();
        expect(await sessions.getSession('h2')).toBeDefined();
        expect(await sessions.deleteSessionsOfUser(user.user.id)).toBe(1);
        expect(await sessions.deleteSession('h2')).toBe(false);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
