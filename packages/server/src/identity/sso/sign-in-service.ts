import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import { parseCookies } from './cookies';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import { resolveSignInUser, type SignInUsers } from './resolve-sign-in-user';
import type { SessionKind, SessionRecord, SessionStore } from './session-store';
import type { ResolvedSignInConfig } from './sign-in-config';
import { createSignInProviders, type SignInProvider, type SignInProviderDeps } from './sign-in-providers';
import {
  computeCodeChallenge,
  deriveCsrfToken,
  formatCliToken,
  generateSecret,
  hashSecret,
  parseCliToken,
  type RandomBytes,
  secretsEqual,
} from './sign-in-secrets';

/** The header a cookie-authenticated write must carry: the `csrfToken` of `GET /api/auth/session`. */
export const CSRF_HEADER = 'x-tracecheck-csrf';

/** How long a sign-in may take at the provider. */
const ATTEMPT_TTL_MS = 10 * 60_000;
/** How long the CLI has to exchange its one-time code. */
const CLI_CODE_TTL_MS = 2 * 60_000;
/** Activity is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;
/** Expired sessions, attempts and codes are deleted at most this often (on a sign-in start). */
const SWEEP_INTERVAL_MS = 10 * 60_000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK_REDIRECT_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface SignInServiceDeps {
  readonly config: ResolvedSignInConfig;
  readonly sessions: SessionStore;
  /** The identity store (`store.identity`), or what sign-in needs of it. */
  readonly users: SignInUsers;
  /** Default: built from `config.providers`. */
  readonly providers?: ReadonlyMap<string, SignInProvider>;
  /** Options of the providers' HTTP calls (timeouts). */
  readonly providerDeps?: SignInProviderDeps;
  readonly now?: () => Date;
  readonly randomBytes?: RandomBytes;
}

/** Where a CLI asked to receive its one-time code (RFC 8252 loopback redirect). */
export interface CliLoginRequest {
  readonly redirectUri: string;
  readonly codeChallenge: string;
  /** Echoed back to the loopback redirect, for the CLI's own check. */
  readonly state: string | null;
}

/** A signed-in principal found from a session cookie or a CLI token. */
export interface SessionPrincipal {
  readonly type: 'session';
  readonly userId: string;
  readonly sessionKind: SessionKind;
  /** `cookie` for browsers (CSRF-checked on writes), `bearer` for CLI tokens. */
  readonly via: 'cookie' | 'bearer';
  readonly provider: string;
  readonly expiresAt: Date;
  /** When idleness ends the session unless it is used again. */
  readonly idleExpiresAt: Date;
  /** Browser sessions: the value of the CSRF header for writes. */
  readonly csrfToken: string | null;
  /** The session's stored key (SHA-256 of its secret), to end it. */
  readonly sessionIdHash: string;
}

export type SessionLookup =
  | { readonly status: 'none' }
  | { readonly status: 'expired'; readonly via: 'cookie' | 'bearer' }
  | { readonly status: 'active'; readonly principal: SessionPrincipal };

export type SignInCompletion =
  | {
      readonly kind: 'browser';
      readonly sessionSecret: string;
      readonly session: SessionRecord;
      readonly returnTo: string;
      readonly userId: string;
      readonly created: boolean;
    }
  | { readonly kind: 'cli'; readonly redirectTo: URL; readonly userId: string; readonly created: boolean };

export interface SignInService {
  readonly config: ResolvedSignInConfig;
  listProviders(): readonly { readonly id: string; readonly kind: string; readonly displayName: string }[];
  /** Starts a sign-in: the provider URL to redirect to and the secret of the attempt cookie. */
  beginSignIn(input: {
    readonly providerId: string;
    readonly returnTo?: string;
    readonly inviteCode?: string;
    readonly cli?: CliLoginRequest;
  }): Promise<{ readonly authorizationUrl: URL; readonly attemptSecret: string }>;
  /** Checks the callback against the attempt (state from the query and the attempt cookie). */
  completeSignIn(input: {
    readonly providerId: string;
    readonly query: URLSearchParams;
    readonly attemptCookie: string | undefined;
    readonly client: ClientInfo;
  }): Promise<SignInCompletion>;
  /** Creates a one-time login link for a user (embedded mode's local owner, `tracecheck dashboard`). */
  createLoginLink(
    userId: string,
    provider?: string,
  ): Promise<{ readonly url: string; readonly path: string; readonly expiresAt: Date }>;
  /** Consumes a login link once: a new browser session. */
  consumeLoginLink(
    code: string,
    client: ClientInfo,
  ): Promise<{ readonly sessionSecret: string; readonly session: SessionRecord }>;
  /** The CLI's exchange of its one-time code and PKCE verifier for an API token. */
  exchangeCliCode(input: {
    readonly code: string;
    readonly codeVerifier: string;
    readonly redirectUri: string;
    readonly client: ClientInfo;
  }): Promise<{ readonly token: string; readonly session: SessionRecord }>;
  /** The session of a request (cookie, or a `tc_cli_` bearer token); refreshes its activity. */
  lookupSession(request: FastifyRequest): Promise<SessionLookup>;
  /**
   * The principal of a request's session, CSRF-checked: a cookie-authenticated write without a valid
   * CSRF header, or from another site, rejects with `AUTH_FORBIDDEN`. Undefined without a session.
   */
  resolvePrincipal(request: FastifyRequest): Promise<SessionPrincipal | undefined>;
  endSession(sessionIdHash: string): Promise<void>;
  /** Counts a sign-in request of the client; rejects with `RATE_LIMITED` over the limit. */
  limitRate(request: FastifyRequest): void;
  /** A browser session cookie's lifetime. */
  cookieMaxAgeSeconds(): number;
}

export interface ClientInfo {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** Client details of a request, for the session row. */
export function clientInfoOf(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

function refused(reason: string, message: string): TracecheckError {
  return new TracecheckError('AUTH_FORBIDDEN', message, { reason });
}

/** A path of this server (no scheme, host or `//`), or `/`. */
function safeReturnTo(value: string | undefined): string {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return '/';
  return value.length > 1024 ? '/' : value;
}

/**
 * Checks a CLI redirect URI: plain http to a loopback address with an explicit port (RFC 8252 §7.3),
 * no credentials or fragment. Anything else could send the code to another machine.
 */
function checkLoopbackRedirectUri(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `redirect_uri "${text}" is not a URL: the CLI sends http://127.0.0.1:<port>/callback`,
    );
  }
  if (
    url.protocol !== 'http:' ||
    !LOOPBACK_REDIRECT_HOSTS.has(url.hostname) ||
    url.port === '' ||
    url.username !== '' ||
    url.password !== '' ||
    url.hash !== ''
  ) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `redirect_uri "${text}" is not accepted: only loopback addresses (http://127.0.0.1:<port>/…, http://[::1]:<port>/…) ` +
        'receive CLI login codes',
    );
  }
  return url;
}

/**
 * Sign-in: SSO through the configured providers, the sign-up policy, server-side sessions (browser
 * cookie, CLI tokens), one-time login links and the CLI's loopback login. Every secret is random
 * (32 bytes) and stored only as its SHA-256 hash.
 */
export function createSignInService(deps: SignInServiceDeps): SignInService {
  const config = deps.config;
  const now = deps.now ?? (() => new Date());
  const randomBytes = deps.randomBytes ?? ((size: number) => new Uint8Array(nodeRandomBytes(size)));
  const providers =
    deps.providers ??
    createSignInProviders(config.providers, {
      ...deps.providerDeps,
      needsGitHubOrganizations: config.signUp.policy === 'github-orgs',
    });
  const limiter: RateLimiter = createRateLimiter({
    maxRequests: config.loginRateLimit.maxRequests,
    windowMs: config.loginRateLimit.windowMs,
    nowMs: () => now().getTime(),
  });

  let lastSweepMs = 0;
  async function sweepExpired(): Promise<void> {
    const at = now();
    if (at.getTime() - lastSweepMs < SWEEP_INTERVAL_MS) return;
    lastSweepMs = at.getTime();
    await deps.sessions.deleteExpired(at);
  }

  function providerOf(providerId: string): SignInProvider {
    const provider = providers.get(providerId);
    if (provider === undefined) {
      const known = [...providers.keys()];
      throw new TracecheckError(
        'NOT_FOUND',
        `there is no sign-in provider "${providerId}": ${
          known.length === 0 ? 'none is configured' : `use one of ${known.join(', ')}`
        } (GET /api/auth/providers lists them)`,
      );
    }
    return provider;
  }

  function redirectUriOf(providerId: string): string {
    return `${config.publicUrl}/api/auth/callback/${providerId}`;
  }

  async function createSession(
    kind: SessionKind,
    userId: string,
    provider: string,
    client: ClientInfo,
  ): Promise<{ sessionSecret: string; session: SessionRecord }> {
    const sessionSecret = generateSecret(randomBytes);
    const limits = kind === 'browser' ? config.session : config.cliToken;
    const createdAt = now();
    const session = await deps.sessions.createSession({
      idHash: hashSecret(sessionSecret),
      kind,
      userId,
      provider,
      createdAt,
      idleTimeoutMs: limits.idleTimeoutMs,
      expiresAt: new Date(createdAt.getTime() + limits.absoluteTimeoutMs),
      ip: client.ip,
      userAgent: client.userAgent,
    });
    return { sessionSecret, session };
  }

  function checkCsrf(request: FastifyRequest, csrfToken: string): void {
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
      throw refused(
        'csrf',
        `${request.method} ${request.url.split('?')[0]} came from another site (Sec-Fetch-Site: ${site}) and was refused: ` +
          'browser writes are accepted from the dashboard only',
      );
    }
    const origin = request.headers.origin;
    const host = request.headers.host;
    if (
      typeof origin === 'string' &&
      origin !== config.publicOrigin &&
      origin !== `${request.protocol}://${host ?? ''}`
    ) {
      throw refused(
        'csrf',
        `${request.method} ${request.url.split('?')[0]} came from origin ${origin} and was refused: ` +
          `browser writes are accepted from ${config.publicOrigin} only`,
      );
    }
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !secretsEqual(header, csrfToken)) {
      throw refused(
        'csrf',
        `${request.method} ${request.url.split('?')[0]} is a write authenticated by the session cookie and needs ` +
          `the ${CSRF_HEADER} header: send the csrfToken of GET /api/auth/session (scripts use an API token instead)`,
      );
    }
  }

  const service: SignInService = {
    config,

    listProviders() {
      return [...providers.values()].map((provider) => ({
        id: provider.id,
        kind: provider.kind,
        displayName: provider.displayName,
      }));
    },

    async beginSignIn(input) {
      const provider = providerOf(input.providerId);
      await sweepExpired();
      if (input.cli !== undefined) {
        checkLoopbackRedirectUri(input.cli.redirectUri);
        if (!CODE_CHALLENGE.test(input.cli.codeChallenge)) {
          throw new TracecheckError(
            'REQUEST_INVALID',
            `code_challenge "${input.cli.codeChallenge.slice(0, 60)}" is not an S256 PKCE challenge: send ` +
              'base64url(SHA-256(code_verifier)), 43 characters, with code_challenge_method=S256',
          );
        }
      }
      const state = generateSecret(randomBytes);
      const nonce = generateSecret(randomBytes);
      const codeVerifier = generateSecret(randomBytes);
      const createdAt = now();
      await deps.sessions.createSignInAttempt({
        stateHash: hashSecret(state),
        providerId: provider.id,
        nonce,
        codeVerifier,
        returnTo: safeReturnTo(input.returnTo),
        inviteCode: input.inviteCode ?? null,
        cli: input.cli ?? null,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + ATTEMPT_TTL_MS),
      });
      const authorizationUrl = await provider.buildAuthorizationUrl({
        redirectUri: redirectUriOf(provider.id),
        state,
        nonce,
        codeChallenge: computeCodeChallenge(codeVerifier),
      });
      return { authorizationUrl, attemptSecret: state };
    },

    async completeSignIn(input) {
      const provider = providerOf(input.providerId);
      const state = input.query.get('state');
      if (state === null || state === '') {
        throw refused(
          'state_missing',
          'the sign-in callback has no state: start again from the sign-in page',
        );
      }
      // The state must also be the one this browser was given: a callback URL sent to someone else
      // (login CSRF) does not sign them in.
      if (input.attemptCookie === undefined || !secretsEqual(state, input.attemptCookie)) {
        throw refused(
          'state_mismatch',
          'the sign-in callback does not belong to a sign-in started in this browser (state mismatch): ' +
            'start again from the sign-in page',
        );
      }
      const attempt = await deps.sessions.consumeSignInAttempt(hashSecret(state));
      if (attempt === undefined || attempt.providerId !== provider.id) {
        throw refused(
          'state_unknown',
          'this sign-in was already completed or is unknown: start again from the sign-in page',
        );
      }
      const at = now();
      if (attempt.expiresAt.getTime() <= at.getTime()) {
        throw refused('attempt_expired', 'the sign-in took longer than 10 minutes and expired: start again');
      }
      const callbackUrl = new URL(redirectUriOf(provider.id));
      for (const [key, value] of input.query) callbackUrl.searchParams.append(key, value);
      const identity = await provider.completeSignIn({
        callbackUrl,
        expectedState: state,
        expectedNonce: attempt.nonce,
        codeVerifier: attempt.codeVerifier,
      });
      const user = await resolveSignInUser(deps.users, config.signUp, identity, {
        inviteCode: attempt.inviteCode,
        now: at,
      });
      if (attempt.cli !== null) {
        const code = generateSecret(randomBytes);
        await deps.sessions.createOneTimeCode({
          codeHash: hashSecret(code),
          kind: 'cli',
          userId: user.userId,
          provider: provider.id,
          redirectUri: attempt.cli.redirectUri,
          codeChallenge: attempt.cli.codeChallenge,
          createdAt: at,
          expiresAt: new Date(at.getTime() + CLI_CODE_TTL_MS),
        });
        const redirectTo = new URL(attempt.cli.redirectUri);
        redirectTo.searchParams.set('code', code);
        if (attempt.cli.state !== null) redirectTo.searchParams.set('state', attempt.cli.state);
        return { kind: 'cli', redirectTo, userId: user.userId, created: user.created };
      }
      const { sessionSecret, session } = await createSession(
        'browser',
        user.userId,
        provider.id,
        input.client,
      );
      return {
        kind: 'browser',
        sessionSecret,
        session,
        returnTo: attempt.returnTo,
        userId: user.userId,
        created: user.created,
      };
    },

    async createLoginLink(userId, provider = 'link') {
      const user = await deps.users.getUser(userId);
      if (user === undefined) throw new TracecheckError('NOT_FOUND', `user "${userId}" does not exist`);
      const code = generateSecret(randomBytes);
      const createdAt = now();
      const expiresAt = new Date(createdAt.getTime() + config.loginLinkTtlMs);
      await deps.sessions.createOneTimeCode({
        codeHash: hashSecret(code),
        kind: 'login_link',
        userId,
        provider,
        redirectUri: null,
        codeChallenge: null,
        createdAt,
        expiresAt,
      });
      const path = `/api/auth/link/${code}`;
      return { url: `${config.publicUrl}${path}`, path, expiresAt };
    },

    async consumeLoginLink(code, client) {
      const record = await deps.sessions.consumeOneTimeCode(hashSecret(code), 'login_link');
      if (record === undefined || record.expiresAt.getTime() <= now().getTime()) {
        throw new TracecheckError(
          'AUTH_INVALID_TOKEN',
          'this login link was already used or has expired (links work once, for a few minutes): ' +
            'get a new one with `tracecheck dashboard --print`',
        );
      }
      return createSession('browser', record.userId, record.provider, client);
    },

    async exchangeCliCode(input) {
      const record = await deps.sessions.consumeOneTimeCode(hashSecret(input.code), 'cli');
      const invalid = new TracecheckError(
        'AUTH_INVALID_TOKEN',
        'the CLI login code is unknown, used, expired, or does not match the code_verifier and redirect_uri ' +
          'of its login: run `tracecheck login` again',
      );
      if (record === undefined || record.expiresAt.getTime() <= now().getTime()) throw invalid;
      if (
        record.redirectUri !== input.redirectUri ||
        record.codeChallenge === null ||
        !secretsEqual(record.codeChallenge, computeCodeChallenge(input.codeVerifier))
      ) {
        throw invalid;
      }
      const { sessionSecret, session } = await createSession(
        'cli',
        record.userId,
        record.provider,
        input.client,
      );
      return { token: formatCliToken(sessionSecret), session };
    },

    async lookupSession(request) {
      let secret: string | undefined;
      let via: 'cookie' | 'bearer' = 'cookie';
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string') {
        // Tokens of the identity layer are not ours; only CLI tokens are sessions.
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        const parsed = match?.[1] === undefined ? undefined : parseCliToken(match[1]);
        if (parsed === undefined) return { status: 'none' };
        secret = parsed;
        via = 'bearer';
      } else {
        secret = parseCookies(request.headers.cookie).get(config.sessionCookieName);
      }
      if (secret === undefined || secret === '') return { status: 'none' };
      const idHash = hashSecret(secret);
      const session = await deps.sessions.getSession(idHash);
      if (session === undefined) return via === 'bearer' ? { status: 'expired', via } : { status: 'none' };
      if (session.kind !== (via === 'cookie' ? 'browser' : 'cli')) return { status: 'none' };
      const at = now().getTime();
      const idleExpiresAt = session.lastSeenAt.getTime() + session.idleTimeoutMs;
      if (at >= session.expiresAt.getTime() || at >= idleExpiresAt) {
        await deps.sessions.deleteSession(idHash);
        return { status: 'expired', via };
      }
      if (at - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
        await deps.sessions.touchSession(idHash, new Date(at));
      }
      return {
        status: 'active',
        principal: {
          type: 'session',
          userId: session.userId,
          sessionKind: session.kind,
          via,
          provider: session.provider,
          expiresAt: session.expiresAt,
          idleExpiresAt: new Date(Math.min(at + session.idleTimeoutMs, session.expiresAt.getTime())),
          csrfToken: via === 'cookie' ? deriveCsrfToken(secret) : null,
          sessionIdHash: idHash,
        },
      };
    },

    async resolvePrincipal(request) {
      const lookup = await service.lookupSession(request);
      if (lookup.status === 'expired' && lookup.via === 'bearer') {
        throw new TracecheckError(
          'AUTH_INVALID_TOKEN',
          'the CLI token has expired or was revoked: sign in again with `tracecheck login`',
        );
      }
      if (lookup.status !== 'active') return undefined;
      const principal = lookup.principal;
      if (principal.via === 'cookie' && UNSAFE_METHODS.has(request.method) && principal.csrfToken !== null) {
        checkCsrf(request, principal.csrfToken);
      }
      return principal;
    },

    async endSession(sessionIdHash) {
      await deps.sessions.deleteSession(sessionIdHash);
    },

    limitRate(request) {
      const outcome = limiter.take(request.ip ?? 'unknown');
      if (!outcome.allowed) {
        const seconds = Math.ceil(outcome.retryAfterMs / 1000);
        throw new TracecheckError(
          'RATE_LIMITED',
          `too many sign-in requests from ${request.ip}: try again in ${seconds} s`,
          { retryAfterSeconds: seconds },
        );
      }
    },

    cookieMaxAgeSeconds() {
      return config.session.absoluteTimeoutMs / 1000;
    },
  };
  return service;
}
