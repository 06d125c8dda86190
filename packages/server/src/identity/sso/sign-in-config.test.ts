import { describe, expect, it } from 'vitest';
import { serializeCookie } from './cookies';
import { resolveSignInConfig } from './sign-in-config';
import { formatCliToken, parseCliToken } from './sign-in-secrets';

const GOOGLE = { id: 'google', kind: 'google', clientId: 'id', clientSecret: 'secret' } as const;

describe('resolveSignInConfig', () => {
  it('uses a __Host- Secure cookie over https', () => {
    const config = resolveSignInConfig({ publicUrl: 'https://tc.example.com/', providers: [GOOGLE] });
    expect(config).toMatchObject({
      publicUrl: 'https://tc.example.com',
      publicOrigin: 'https://tc.example.com',
      sessionCookieName: '__Host-tracecheck_session',
      attemptCookieName: '__Host-tracecheck_signin',
      secureCookies: true,
      signUp: { policy: 'invite-only' },
      session: { idleTimeoutMs: 12 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 },
    });
    expect(
      serializeCookie(config.sessionCookieName, 'v', { maxAgeSeconds: 60, secure: config.secureCookies }),
    ).toBe('__Host-tracecheck_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
  });

  it('uses an unprefixed cookie without Secure on plain-http loopback (browsers drop Secure cookies over http)', () => {
    const config = resolveSignInConfig({ publicUrl: 'http://127.0.0.1:11633', providers: [] });
    expect(config).toMatchObject({ sessionCookieName: 'tracecheck_session', secureCookies: false });
  });

  it('reports every problem at once, with its path', () => {
    expect(() =>
      resolveSignInConfig({
        publicUrl: 'http://tc.example.com',
        providers: [
          { id: 'corp', kind: 'oidc', clientId: 'id', clientSecret: 's' },
          { ...GOOGLE, issuer: 'http://accounts.example.com' },
        ],
      }),
    ).toThrowError(/signIn.providers.0.issuer: an oidc provider needs its issuer URL/);
    expect(() =>
      resolveSignInConfig({
        publicUrl: 'http://tc.example.com',
        providers: [{ ...GOOGLE, issuer: 'http://accounts.example.com' }],
      }),
    ).toThrowError(
      /signIn.publicUrl "http:\/\/tc.example.com" must use https.*signIn.providers.0.issuer "http:\/\/accounts.example.com" must use https/,
    );
    expect(() =>
      resolveSignInConfig({
        publicUrl: 'https://tc.example.com',
        providers: [
          GOOGLE,
          GOOGLE,
          { id: 'gh', kind: 'github', clientId: 'a', clientSecret: 'b', issuer: 'https://github.com' },
        ],
        signUp: { policy: 'domains' },
      }),
    ).toThrowError(
      /providers.2.issuer: GitHub is not an OIDC issuer.*providers.1.id: duplicate id "google".*signUp.domains: policy domains needs domains/,
    );
    expect(() =>
      resolveSignInConfig({
        publicUrl: 'https://tc.example.com',
        providers: [GOOGLE],
        signUp: { policy: 'github-orgs', organizations: ['a'] },
      }),
    ).toThrowError(/policy github-orgs needs a provider of kind github/);
    expect(() =>
      resolveSignInConfig({ publicUrl: 'https://tc.example.com', providers: [], extra: 1 }),
    ).toThrowError(/extra/);
  });
});

describe('CLI tokens', () => {
  it('carry a prefix and a checksum that catches typos', () => {
    const token = formatCliToken('a'.repeat(43));
    expect(token).toMatch(/^tc_cli_a{43}[0-9A-Za-z]{6}$/);
    expect(parseCliToken(token)).toBe('a'.repeat(43));
    expect(parseCliToken(`${token.slice(0, 10)}b${token.slice(11)}`)).toBeUndefined();
    expect(parseCliToken('tc_org_whatever')).toBeUndefined();
  });
});
