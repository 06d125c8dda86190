import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from './sign-in-secrets';
import { CSRF_HEADER } from './sign-in-service';
import {
  createSignInHarness,
  DEFAULT_GITHUB_ACCOUNT,
  OIDC_CLIENT_ID,
  type SignInHarness,
  sessionCookieOf,
  type TestBrowser,
} from './sign-in-test-harness';

interface ErrorBody {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly details?: { readonly reason?: string };
}

interface SessionBody {
  readonly user: { readonly id: string; readonly email: string | null; readonly name: string | null };
  readonly session: {
    readonly kind: string;
    readonly provider: string;
    readonly expiresAt: string;
    readonly idleExpiresAt: string;
  };
  readonly csrfToken: string | null;
}

const VERIFIED = { email: 'Ada@Example.com', email_verified: true, name: 'Ada Lovelace' };

let h: SignInHarness;

/** Goes through the whole browser sign-in with `provider`, stopping when back on the API server outside /api/auth. */
async function signIn(browser: TestBrowser, provider: string, query = '') {
  return browser.follow(
    `${h.baseUrl}/api/auth/login/${provider}${query}`,
    (url) => url.origin === h.baseUrl && !url.pathname.startsWith('/api/auth/'),
  );
}

/** Follows the sign-in until the provider redirects back to the callback, without calling it. */
async function callbackUrlOf(browser: TestBrowser, provider = 'mock'): Promise<string> {
  const { url } = await browser.follow(`${h.baseUrl}/api/auth/login/${provider}`, (next) =>
    next.pathname.startsWith('/api/auth/callback/'),
  );
  return url;
}

async function sessionOf(browser: TestBrowser): Promise<{ status: number; body: SessionBody & ErrorBody }> {
  const response = await browser.request(`${h.baseUrl}/api/auth/session`);
  return { status: response.status, body: (await response.json()) as SessionBody & ErrorBody };
}

async function expectRefused(response: Response, status: number, reason?: string, detail?: RegExp) {
  const body = (await response.json()) as ErrorBody;
  expect(response.status, JSON.stringify(body)).toBe(status);
  if (reason !== undefined) expect(body.details?.reason).toBe(reason);
  if (detail) expect(body.detail).toMatch(detail);
  return body;
}

beforeAll(async () => {
  // The sign-in routes are rate-limited per IP: every test here comes from 127.0.0.1.
  h = await createSignInHarness({ loginRateLimit: { maxRequests: 10_000, windowMs: 60_000 } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.claims = {};
});

describe('GET /api/auth/providers', () => {
  it('lists the configured providers with their login URLs', async () => {
    const response = await fetch(`${h.baseUrl}/api/auth/providers`);
    expect(await response.json()).toEqual({
      providers: [
        { id: 'mock', kind: 'oidc', displayName: 'Mock OIDC', loginUrl: `${h.baseUrl}/api/auth/login/mock` },
        {
          id: 'github',
          kind: 'github',
          displayName: 'GitHub',
          loginUrl: `${h.baseUrl}/api/auth/login/github`,
        },
      ],
    });
  });

  it('answers 404 naming the known providers for an unknown one', async () => {
    const response = await fetch(`${h.baseUrl}/api/auth/login/okta`, { redirect: 'manual' });
    await expectRefused(response, 404, undefined, /no sign-in provider "okta".*mock, github/);
  });
});

describe('OIDC sign-in', () => {
  it('redirects with state, nonce and a PKCE S256 challenge, and a short-lived attempt cookie', async () => {
    const browser = h.browser();
    const response = await browser.request(`${h.baseUrl}/api/auth/login/mock`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${h.oidcIssuer}/authorize`);
    expect(location.searchParams.get('client_id')).toBe(OIDC_CLIENT_ID);
    expect(location.searchParams.get('redirect_uri')).toBe(`${h.baseUrl}/api/auth/callback/mock`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('scope')).toBe('openid email profile');
    const state = location.searchParams.get('state') ?? '';
    expect(browser.cookies.get('tracecheck_signin')).toBe(state);
    expect(browser.setCookieLines.at(-1)).toMatch(
      /^tracecheck_signin=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
  });

  it('creates the user on first sign-in, sets the session cookie and lands on the dashboard', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    const { url } = await signIn(browser, 'mock');
    expect(url).toBe(`${h.baseUrl}/`);
    const cookieLine = browser.setCookieLines.find((line) => line.startsWith('tracecheck_session='));
    expect(cookieLine).toMatch(
      /^tracecheck_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/,
    );
    expect(browser.cookies.has('tracecheck_signin')).toBe(false);

    const { status, body } = await sessionOf(browser);
    expect(status).toBe(200);
    expect(body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(body.session).toMatchObject({ kind: 'browser', provider: 'mock' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const identity = await h.store.identity.findIdentity(h.oidcIssuer, 'oidc-ada');
    expect(identity?.userId).toBe(body.user.id);
    const organizations = await h.store.identity.listOrganizationsOfUser(body.user.id);
    expect(organizations.map((organization) => organization.role)).toEqual(['owner']);
    // Only the hash of the session secret is stored.
    const secret = sessionCookieOf(browser) ?? '';
    expect(await h.store.sessions.getSession(secret)).toBeUndefined();
    expect((await h.store.sessions.getSession(hashSecret(secret)))?.userId).toBe(body.user.id);
  });

  it('matches users by (provider, subject): the same subject signs in again, another subject with the same email is another user', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const first = h.browser();
    await signIn(first, 'mock');
    const again = h.browser();
    await signIn(again, 'mock');
    expect((await sessionOf(again)).body.user.id).toBe((await sessionOf(first)).body.user.id);

    h.claims = { ...VERIFIED, sub: 'someone-else' };
    const other = h.browser();
    await signIn(other, 'mock');
    expect((await sessionOf(other)).body.user.id).not.toBe((await sessionOf(first)).body.user.id);
  });

  it('sends the browser back to returnTo, but only to a path of this server', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    expect((await signIn(h.browser(), 'mock', '?returnTo=%2Ftests%3Fq%3D1')).url).toBe(
      `${h.baseUrl}/tests?q=1`,
    );
    expect((await signIn(h.browser(), 'mock', '?returnTo=%2F%2Fevil.test%2Fx')).url).toBe(`${h.baseUrl}/`);
    expect((await signIn(h.browser(), 'mock', '?returnTo=https%3A%2F%2Fevil.test')).url).toBe(
      `${h.baseUrl}/`,
    );
  });
});

describe('OIDC sign-in failures', () => {
  it('refuses a callback whose state was tampered with', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    const callback = new URL(await callbackUrlOf(browser));
    callback.searchParams.set('state', 'forged-state');
    await expectRefused(await browser.request(callback.href), 403, 'state_mismatch', /state mismatch/);
    expect(sessionCookieOf(browser)).toBeUndefined();
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    const callback = await callbackUrlOf(h.browser());
    await expectRefused(await h.browser().request(callback), 403, 'state_mismatch');
  });

  it('refuses a replayed callback: a state is good once', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    const callback = await callbackUrlOf(browser);
    const attemptCookie = browser.cookies.get('tracecheck_signin') ?? '';
    expect((await browser.request(callback)).status).toBe(302);
    const replay = await fetch(callback, {
      headers: { cookie: `tracecheck_signin=${attemptCookie}` },
      redirect: 'manual',
    });
    await expectRefused(replay, 403, 'state_unknown', /already completed/);
  });

  it('refuses an ID token from another issuer', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada', iss: 'https://evil.example.com' };
    const browser = h.browser();
    const { response } = await signIn(browser, 'mock');
    await expectRefused(response, 403, 'token_rejected', /"mock" was refused.*iss/);
    expect(sessionCookieOf(browser)).toBeUndefined();
  });

  it('refuses an ID token for another audience', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada', aud: 'another-client' };
    const { response } = await signIn(h.browser(), 'mock');
    await expectRefused(response, 403, 'token_rejected', /aud/);
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada', nonce: 'replayed-nonce' };
    const { response } = await signIn(h.browser(), 'mock');
    await expectRefused(response, 403, 'token_rejected', /nonce/);
  });

  it('refuses an unverified email and creates no user', async () => {
    h.claims = { email: 'eve@example.com', email_verified: false, sub: 'oidc-eve' };
    const { response } = await signIn(h.browser(), 'mock');
    await expectRefused(response, 403, 'email_unverified', /eve@example.com is not verified/);
    expect(await h.store.identity.findIdentity(h.oidcIssuer, 'oidc-eve')).toBeUndefined();
  });

  it('refuses the sign-up of an address outside the allowed domains, unless invited', async () => {
    h.claims = { email: 'mallory@elsewhere.test', email_verified: true, sub: 'oidc-mallory' };
    const { response } = await signIn(h.browser(), 'mock');
    await expectRefused(response, 403, 'sign_up_closed', /example\.com/);
    expect(await h.store.identity.findIdentity(h.oidcIssuer, 'oidc-mallory')).toBeUndefined();

    const owner = await h.store.identity.findOrCreateUser({
      provider: 'test',
      subject: 'owner',
      email: 'o@example.com',
      name: 'O',
    });
    await h.store.identity.createInvite({
      organizationId: owner.personalOrganization.id,
      kind: 'email',
      email: 'mallory@elsewhere.test',
      role: 'member',
      environmentGrants: [],
      codeHash: hashSecret(randomBytes(16).toString('hex')),
      createdBy: owner.user.id,
      expiresAt: null,
      maxUses: 1,
    });
    const invited = h.browser();
    expect((await signIn(invited, 'mock')).url).toBe(`${h.baseUrl}/`);
    const userId = (await sessionOf(invited)).body.user.id;
    const access = await h.store.identity.getAccess(owner.personalOrganization.id, userId);
    expect(access?.organizationRole).toBe('member');
  });

  it('answers a provider error (the user cancelled) with 403 and its description', async () => {
    const browser = h.browser();
    const callback = new URL(await callbackUrlOf(browser));
    callback.searchParams.delete('code');
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('error_description', 'The user cancelled');
    await expectRefused(
      await browser.request(callback.href),
      403,
      'token_rejected',
      /access_denied \(The user cancelled\)/,
    );
  });
});

describe('sessions', () => {
  it('expire after the idle timeout, and the session route says so and clears the cookie', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    await signIn(browser, 'mock');
    h.advance(11 * 3_600_000);
    expect((await sessionOf(browser)).status).toBe(200); // used again: the idle time restarts
    h.advance(11 * 3_600_000);
    expect((await sessionOf(browser)).status).toBe(200);
    h.advance(12 * 3_600_000 + 1000);
    const { status, body } = await sessionOf(browser);
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'AUTH_REQUIRED', details: { reason: 'session_expired' } });
    expect(sessionCookieOf(browser)).toBeUndefined();
  });

  it('expire at the absolute timeout however active', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    await signIn(browser, 'mock');
    for (let step = 0; step < 15; step++) {
      h.advance(11 * 3_600_000);
      expect((await sessionOf(browser)).status, `after ${(step + 1) * 11} h`).toBe(200);
    }
    h.advance(11 * 3_600_000); // 176 h > 7 days (168 h)
    expect((await sessionOf(browser)).body.details?.reason).toBe('session_expired');
  });

  it('answers 401 without a session', async () => {
    const { status, body } = await sessionOf(h.browser());
    expect(status).toBe(401);
    expect(body.details?.reason).toBe('no_session');
  });
});

describe('CSRF protection of cookie-authenticated writes', () => {
  async function signedIn(): Promise<{ browser: TestBrowser; csrf: string }> {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    await signIn(browser, 'mock');
    return { browser, csrf: (await sessionOf(browser)).body.csrfToken ?? '' };
  }

  it('refuses a write without the CSRF header, and keeps the session', async () => {
    const { browser } = await signedIn();
    const response = await browser.request(`${h.baseUrl}/api/auth/logout`, { method: 'POST' });
    await expectRefused(response, 403, 'csrf', new RegExp(`needs the ${CSRF_HEADER} header`));
    expect((await sessionOf(browser)).status).toBe(200);
  });

  it('refuses a wrong token, a cross-site request and a foreign origin even with the token', async () => {
    const { browser, csrf } = await signedIn();
    const url = `${h.baseUrl}/api/auth/logout`;
    await expectRefused(
      await browser.request(url, { method: 'POST', headers: { [CSRF_HEADER]: `${csrf}x` } }),
      403,
      'csrf',
    );
    await expectRefused(
      await browser.request(url, {
        method: 'POST',
        headers: { [CSRF_HEADER]: csrf, 'sec-fetch-site': 'cross-site' },
      }),
      403,
      'csrf',
      /another site/,
    );
    await expectRefused(
      await browser.request(url, {
        method: 'POST',
        headers: { [CSRF_HEADER]: csrf, origin: 'https://evil.test' },
      }),
      403,
      'csrf',
      /origin https:\/\/evil.test/,
    );
  });

  it('signs out with the CSRF header: the session ends and the cookie is cleared', async () => {
    const { browser, csrf } = await signedIn();
    const secret = sessionCookieOf(browser) ?? '';
    const response = await browser.request(`${h.baseUrl}/api/auth/logout`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: csrf, 'sec-fetch-site': 'same-origin', origin: h.baseUrl },
    });
    expect(response.status).toBe(204);
    expect(sessionCookieOf(browser)).toBeUndefined();
    expect(await h.store.sessions.getSession(hashSecret(secret))).toBeUndefined();
  });
});

describe('one-time login links', () => {
  it('signs in once and redirects to the dashboard; a replay is refused', async () => {
    const owner = await h.store.identity.findOrCreateUser({
      provider: 'local',
      subject: 'owner',
      email: null,
      name: 'Local owner',
    });
    const link = await h.signIn.createLoginLink(owner.user.id);
    expect(link.url).toMatch(new RegExp(`^${h.baseUrl}/api/auth/link/[A-Za-z0-9_-]{43}$`));
    const browser = h.browser();
    const response = await browser.request(link.url);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
    expect((await sessionOf(browser)).body.user).toEqual({
      id: owner.user.id,
      email: null,
      name: 'Local owner',
    });

    const replay = await h.browser().request(link.url);
    await expectRefused(replay, 401, undefined, /already used or has expired/);
  });

  it('expire unused', async () => {
    const owner = await h.store.identity.findOrCreateUser({
      provider: 'local',
      subject: 'owner',
      email: null,
      name: 'Local owner',
    });
    const link = await h.signIn.createLoginLink(owner.user.id);
    h.advance(16 * 60_000);
    await expectRefused(await h.browser().request(link.url), 401);
  });

  it('are created by a signed-in user with POST /api/auth/links (CSRF header required)', async () => {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const browser = h.browser();
    await signIn(browser, 'mock');
    const csrf = (await sessionOf(browser)).body.csrfToken ?? '';
    await expectRefused(
      await browser.request(`${h.baseUrl}/api/auth/links`, { method: 'POST' }),
      403,
      'csrf',
    );
    const created = await browser.request(`${h.baseUrl}/api/auth/links`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: csrf },
    });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    const other = h.browser();
    await other.request(url);
    expect((await sessionOf(other)).body.user.email).toBe('ada@example.com');
    await expectRefused(await fetch(`${h.baseUrl}/api/auth/links`, { method: 'POST' }), 401);
  });
});

describe('CLI browser login', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const loopback = 'http://127.0.0.1:53682/callback';

  async function cliLogin(redirectUri = loopback): Promise<URL> {
    h.claims = { ...VERIFIED, sub: 'oidc-ada' };
    const query = new URLSearchParams({
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'cli-state',
    });
    const { url } = await h
      .browser()
      .follow(`${h.baseUrl}/api/auth/login/mock?${query}`, (next) => next.href.startsWith(redirectUri));
    return new URL(url);
  }

  async function exchange(body: Record<string, string>): Promise<Response> {
    return fetch(`${h.baseUrl}/api/auth/cli/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('redirects to the loopback with a one-time code, exchanged with the PKCE verifier for an API token', async () => {
    const landed = await cliLogin();
    expect(`${landed.origin}${landed.pathname}`).toBe(loopback);
    expect(landed.searchParams.get('state')).toBe('cli-state');
    const code = landed.searchParams.get('code') ?? '';
    const response = await exchange({ code, codeVerifier: verifier, redirectUri: loopback });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; tokenType: string; user: { email: string } };
    expect(body.token).toMatch(/^tc_cli_[A-Za-z0-9_-]{43}[0-9A-Za-z]{6}$/);
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { email: 'ada@example.com' } });

    const session = await fetch(`${h.baseUrl}/api/auth/session`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(((await session.json()) as SessionBody).session.kind).toBe('cli');
    // A bearer write needs no CSRF header; signing out revokes the token.
    const logout = await fetch(`${h.baseUrl}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(logout.status).toBe(204);
    const after = await fetch(`${h.baseUrl}/api/auth/session`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(after.status).toBe(401);
    // The code worked once.
    await expectRefused(await exchange({ code, codeVerifier: verifier, redirectUri: loopback }), 401);
  });

  it('refuses a wrong verifier or redirect URI, and the code is spent after one try', async () => {
    const code = (await cliLogin()).searchParams.get('code') ?? '';
    const wrong = randomBytes(32).toString('base64url');
    await expectRefused(
      await exchange({ code, codeVerifier: wrong, redirectUri: loopback }),
      401,
      undefined,
      /code_verifier/,
    );
    await expectRefused(await exchange({ code, codeVerifier: verifier, redirectUri: loopback }), 401);
    const other = (await cliLogin()).searchParams.get('code') ?? '';
    await expectRefused(
      await exchange({ code: other, codeVerifier: verifier, redirectUri: 'http://127.0.0.1:1/callback' }),
      401,
    );
  });

  it.each([
    'https://evil.test/callback',
    'http://evil.test:8080/callback',
    'http://127.0.0.1/callback',
    'http://user:pw@127.0.0.1:5000/callback',
  ])('accepts only loopback redirect URIs with a port: refuses %s', async (redirectUri) => {
    const query = new URLSearchParams({
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${h.baseUrl}/api/auth/login/mock?${query}`, { redirect: 'manual' });
    await expectRefused(response, 400, undefined, /only loopback addresses/);
  });

  it('refuses a plain code challenge method', async () => {
    const query = new URLSearchParams({
      redirect_uri: loopback,
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });
    const response = await fetch(`${h.baseUrl}/api/auth/login/mock?${query}`, { redirect: 'manual' });
    await expectRefused(response, 400, undefined, /code_challenge_method/);
  });
});

describe('GitHub sign-in', () => {
  it('creates the user from /user and the verified primary email of /user/emails, keyed by the numeric id', async () => {
    h.github.account = structuredClone(DEFAULT_GITHUB_ACCOUNT);
    const browser = h.browser();
    const { url, hops } = await signIn(browser, 'github');
    expect(url).toBe(`${h.baseUrl}/`);
    const authorize = new URL(hops.find((hop) => hop.includes('/login/oauth/authorize')) ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe('read:user user:email');
    const { body } = await sessionOf(browser);
    expect(body.user).toMatchObject({ email: 'octo@example.com', name: 'Octo Dev' });
    expect(body.session.provider).toBe('github');
    const identity = await h.store.identity.findIdentity(`github:${new URL(h.github.url).host}`, '4242');
    expect(identity?.userId).toBe(body.user.id);
  });

  it('refuses an unverified primary email', async () => {
    h.github.account = {
      ...structuredClone(DEFAULT_GITHUB_ACCOUNT),
      id: 777,
      emails: [{ email: 'new@example.com', primary: true, verified: false, visibility: 'public' }],
    };
    const { response } = await signIn(h.browser(), 'github');
    await expectRefused(response, 403, 'email_unverified', /new@example.com is not verified on GitHub/);
  });

  it('refuses a code redeemed with another verifier (PKCE checked by the token endpoint)', async () => {
    h.github.account = structuredClone(DEFAULT_GITHUB_ACCOUNT);
    const browser = h.browser();
    const callback = new URL(await callbackUrlOf(browser, 'github'));
    callback.searchParams.set('code', 'not-a-code');
    await expectRefused(await browser.request(callback.href), 403, 'token_rejected');
  });
});

describe('GitHub organizations', () => {
  let gh: SignInHarness;
  beforeAll(async () => {
    gh = await createSignInHarness({
      signUp: { policy: 'github-orgs', organizations: ['Tracecheck-Org'] },
      githubAllowedOrganizations: ['tracecheck-org', 'partners'],
    });
  });
  afterAll(async () => {
    await gh.close();
  });

  async function githubSignIn(): Promise<{ response: Response; url: string; browser: TestBrowser }> {
    const browser = gh.browser();
    const result = await browser.follow(
      `${gh.baseUrl}/api/auth/login/github`,
      (url) => url.origin === gh.baseUrl && !url.pathname.startsWith('/api/auth/'),
    );
    return { ...result, browser };
  }

  it('signs up a member of an allowed organization (read:org requested)', async () => {
    gh.github.account = structuredClone(DEFAULT_GITHUB_ACCOUNT);
    const { url, browser } = await githubSignIn();
    expect(url).toBe(`${gh.baseUrl}/`);
    const session = await browser.request(`${gh.baseUrl}/api/auth/session`);
    expect(session.status).toBe(200);
  });

  it('refuses sign-in outside the allowed organizations', async () => {
    gh.github.account = { ...structuredClone(DEFAULT_GITHUB_ACCOUNT), id: 99, orgs: ['other-org'] };
    const { response } = await githubSignIn();
    await expectRefused(response, 403, 'organization_not_allowed', /none of the allowed organizations/);
  });

  it('lets a partner sign in (allowed organization) but not sign up (policy organizations)', async () => {
    gh.github.account = { ...structuredClone(DEFAULT_GITHUB_ACCOUNT), id: 100, orgs: ['partners'] };
    const { response } = await githubSignIn();
    await expectRefused(response, 403, 'sign_up_closed', /Tracecheck-Org/);
  });
});

describe('rate limit of the sign-in routes', () => {
  let limited: SignInHarness;
  beforeAll(async () => {
    limited = await createSignInHarness({ loginRateLimit: { maxRequests: 3, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 with Retry-After once a client IP is over the limit, until the window ends', async () => {
    const login = () => fetch(`${limited.baseUrl}/api/auth/login/mock`, { redirect: 'manual' });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(302);
    const refused = await login();
    expect(refused.headers.get('retry-after')).toBe('60');
    await expectRefused(refused, 429, undefined, /too many sign-in requests from 127\.0\.0\.1/);
    const link = await fetch(`${limited.baseUrl}/api/auth/link/guess`, { redirect: 'manual' });
    expect(link.status).toBe(429);
    limited.advance(60_000);
    expect((await login()).status).toBe(302);
  });
});
