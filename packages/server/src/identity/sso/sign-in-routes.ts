import { TracecheckError } from '@tracecheck/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import { type ApiRoute, defineRoute } from '../../api/api-route';
import { ApiErrorBodySchema } from '../../api/api-schemas';
import { parseCookies, serializeCookie } from './cookies';
import type { SignInUsers } from './resolve-sign-in-user';
import { clientInfoOf, type SignInService } from './sign-in-service';

export interface SignInRoutesDeps {
  readonly signIn: SignInService;
  readonly users: Pick<SignInUsers, 'getUser'>;
  /**
   * The user behind a request authenticated otherwise than by a session (an API token: its creator,
   * e.g. the embedded mode's local owner): who may create login links. With the access control:
   * `(request) => Promise.resolve(access.accessOf(request)?.user?.id)`. Sessions are always accepted.
   */
  readonly currentUserId?: (request: FastifyRequest) => Promise<string | undefined>;
}

const TAGS = ['auth'];
const SMALL_BODY_BYTES = 16 * 1024;
/** How long the browser keeps the cookie binding a sign-in attempt to it. */
const ATTEMPT_COOKIE_SECONDS = 10 * 60;

const ProviderParams = z.object({ provider: z.string().min(1).max(64).describe('A provider id') });

const ProvidersSchema = z.object({
  providers: z.array(
    z.object({
      id: z.string(),
      kind: z.string().describe('github, google or oidc'),
      displayName: z.string(),
      loginUrl: z.string().describe('Where the sign-in button links to'),
    }),
  ),
});

const LoginQuery = z.object({
  returnTo: z.string().max(1024).optional().describe('A path of this server to land on after sign-in'),
  invite: z.string().max(256).optional().describe('An invite code (sign-up by invite link)'),
  redirect_uri: z
    .string()
    .max(512)
    .optional()
    .describe('CLI login: the loopback URI (http://127.0.0.1:<port>/…) receiving the one-time code'),
  code_challenge: z.string().max(128).optional().describe('CLI login: base64url(SHA-256(code_verifier))'),
  code_challenge_method: z.literal('S256').optional().describe('CLI login: only S256'),
  state: z.string().max(256).optional().describe('CLI login: echoed back to redirect_uri'),
});

const CallbackQuery = z.looseObject({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const SessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
  session: z.object({
    kind: z.enum(['browser', 'cli']),
    provider: z.string(),
    expiresAt: z.string().describe('Absolute end of the session'),
    idleExpiresAt: z.string().describe('End of the session unless it is used again before'),
  }),
  csrfToken: z
    .string()
    .nullable()
    .describe('Browser sessions: send it in the x-tracecheck-csrf header of every write'),
});

const LinkSchema = z.object({
  url: z.string().describe('The link on the public URL of the server'),
  path: z
    .string()
    .describe('The same link as a path, for clients that know the server under another address'),
  expiresAt: z.string(),
});
const LinkParams = z.object({ code: z.string().min(1).max(128) });

const CliTokenBody = z.strictObject({
  code: z.string().min(1).max(128).describe('The one-time code the loopback redirect received'),
  codeVerifier: z.string().min(43).max(128).describe('The PKCE verifier of the login'),
  redirectUri: z.string().min(1).max(512).describe('The loopback URI of the login, exactly'),
});
const CliTokenSchema = z.object({
  token: z.string().describe('An API token (tc_cli_…) acting as the user; send it as Authorization: Bearer'),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
  user: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
});

function errorResponse(description: string) {
  return { description, schema: ApiErrorBodySchema };
}

function redirect(reply: FastifyReply, location: string, cookies: readonly string[] = []) {
  void reply.header('location', location).header('cache-control', 'no-store');
  if (cookies.length > 0) void reply.header('set-cookie', cookies);
  return { kind: 'empty', status: 302 } as const;
}

/**
 * The sign-in routes under `/api/auth`: providers, login redirect, callback, logout, who-am-I,
 * one-time login links and the CLI's code exchange. Login routes are rate-limited per client IP.
 * @example for (const route of createSignInRoutes({ signIn, users: store.identity })) registerRoute(app, route)
 */
export function createSignInRoutes(deps: SignInRoutesDeps): ApiRoute[] {
  const { signIn } = deps;
  const config = signIn.config;

  function limit(request: FastifyRequest, reply: FastifyReply): void {
    try {
      signIn.limitRate(request);
    } catch (error) {
      const seconds = (error as TracecheckError).details as { retryAfterSeconds?: number } | undefined;
      void reply.header('retry-after', String(seconds?.retryAfterSeconds ?? 60));
      throw error;
    }
  }

  function sessionCookie(secret: string): string {
    return serializeCookie(config.sessionCookieName, secret, {
      maxAgeSeconds: signIn.cookieMaxAgeSeconds(),
      secure: config.secureCookies,
    });
  }
  const clearSessionCookie = serializeCookie(config.sessionCookieName, '', {
    maxAgeSeconds: 0,
    secure: config.secureCookies,
  });
  const clearAttemptCookie = serializeCookie(config.attemptCookieName, '', {
    maxAgeSeconds: 0,
    secure: config.secureCookies,
  });

  async function userView(userId: string) {
    const user = await deps.users.getUser(userId);
    if (user === undefined) {
      throw new TracecheckError(
        'AUTH_REQUIRED',
        'the account of this session no longer exists: sign in again',
      );
    }
    return { id: user.id, email: user.email, name: user.name };
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/auth/providers',
      operationId: 'listSignInProviders',
      permission: 'public',
      summary: 'The configured sign-in providers, for the sign-in page',
      tags: TAGS,
      responses: { 200: { description: 'The providers', schema: ProvidersSchema } },
      async handle() {
        const providers = signIn.listProviders().map((provider) => ({
          ...provider,
          loginUrl: `${config.publicUrl}/api/auth/login/${provider.id}`,
        }));
        return { kind: 'json', status: 200, body: { providers } };
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/auth/login/:provider',
      operationId: 'startSignIn',
      permission: 'public',
      summary:
        'Redirects to the provider to sign in (state, nonce, PKCE); the CLI adds a loopback redirect_uri',
      tags: TAGS,
      params: ProviderParams,
      query: LoginQuery,
      responses: {
        302: { description: 'To the provider' },
        404: errorResponse('No such provider'),
        429: errorResponse('Too many sign-in requests from this address'),
      },
      async handle({ params, query, request, reply }) {
        limit(request, reply);
        const wantsCli = query.redirect_uri !== undefined || query.code_challenge !== undefined;
        if (wantsCli && (query.redirect_uri === undefined || query.code_challenge === undefined)) {
          throw new TracecheckError(
            'REQUEST_INVALID',
            'a CLI login needs both redirect_uri (a loopback URI) and code_challenge (S256) with code_challenge_method=S256',
          );
        }
        const { authorizationUrl, attemptSecret } = await signIn.beginSignIn({
          providerId: params.provider,
          ...(query.returnTo === undefined ? {} : { returnTo: query.returnTo }),
          ...(query.invite === undefined ? {} : { inviteCode: query.invite }),
          ...(wantsCli
            ? {
                cli: {
                  redirectUri: query.redirect_uri as string,
                  codeChallenge: query.code_challenge as string,
                  state: query.state ?? null,
                },
              }
            : {}),
        });
        return redirect(reply, authorizationUrl.href, [
          serializeCookie(config.attemptCookieName, attemptSecret, {
            maxAgeSeconds: ATTEMPT_COOKIE_SECONDS,
            secure: config.secureCookies,
          }),
        ]);
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/auth/callback/:provider',
      operationId: 'completeSignIn',
      permission: 'public',
      summary: 'Where the provider sends the browser back: checks everything, then sets the session cookie',
      tags: TAGS,
      params: ProviderParams,
      query: CallbackQuery,
      responses: {
        302: { description: 'Signed in: to the dashboard (browser) or to the loopback redirect (CLI)' },
        403: errorResponse('Refused: state, token, email or sign-up policy'),
        404: errorResponse('No such provider'),
        429: errorResponse('Too many sign-in requests from this address'),
        503: errorResponse('The provider could not be reached'),
      },
      async handle({ params, request, reply }) {
        limit(request, reply);
        // Every parameter, as the provider sent it (openid-client checks iss, error, code, state).
        const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        const attemptCookie = parseCookies(request.headers.cookie).get(config.attemptCookieName);
        void reply.header('set-cookie', [clearAttemptCookie]);
        const completion = await signIn.completeSignIn({
          providerId: params.provider,
          query: new URLSearchParams(search),
          attemptCookie,
          client: clientInfoOf(request),
        });
        // (Fastify appends set-cookie values: the attempt cookie is cleared above, success or not.)
        if (completion.kind === 'cli') return redirect(reply, completion.redirectTo.href);
        // Relative: the browser is on this server already, whatever host name it used.
        return redirect(reply, completion.returnTo, [sessionCookie(completion.sessionSecret)]);
      },
    }),

    defineRoute({
      method: 'POST',
      url: '/api/auth/logout',
      operationId: 'signOut',
      permission: 'public',
      summary: 'Ends the session of the cookie (CSRF header required) or of the CLI token',
      tags: TAGS,
      bodyOptional: true,
      bodyLimitBytes: SMALL_BODY_BYTES,
      responses: {
        204: { description: 'Signed out (also when there was no session)' },
        403: errorResponse('A cookie-authenticated write without the CSRF header'),
      },
      async handle({ request, reply }) {
        const principal = await signIn.resolvePrincipal(request);
        if (principal !== undefined) await signIn.endSession(principal.sessionIdHash);
        if (principal === undefined || principal.via === 'cookie')
          void reply.header('set-cookie', [clearSessionCookie]);
        return { kind: 'empty', status: 204 };
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/auth/session',
      operationId: 'getSession',
      permission: 'public',
      summary: 'Who is signed in: the user, the session and its CSRF token',
      tags: TAGS,
      responses: {
        200: { description: 'The session', schema: SessionSchema },
        401: errorResponse('No session, or it expired'),
      },
      async handle({ request, reply }) {
        const lookup = await signIn.lookupSession(request);
        if (lookup.status !== 'active') {
          if (lookup.status === 'expired' && lookup.via === 'cookie') {
            void reply.header('set-cookie', [clearSessionCookie]);
          }
          throw new TracecheckError(
            'AUTH_REQUIRED',
            lookup.status === 'expired'
              ? 'your session has expired: sign in again'
              : 'not signed in: sign in through GET /api/auth/login/<provider>, or use a login link',
            { reason: lookup.status === 'expired' ? 'session_expired' : 'no_session' },
          );
        }
        const { principal } = lookup;
        return {
          kind: 'json',
          status: 200,
          headers: { 'cache-control': 'no-store' },
          body: {
            user: await userView(principal.userId),
            session: {
              kind: principal.sessionKind,
              provider: principal.provider,
              expiresAt: principal.expiresAt.toISOString(),
              idleExpiresAt: principal.idleExpiresAt.toISOString(),
            },
            csrfToken: principal.csrfToken,
          },
        };
      },
    }),

    defineRoute({
      method: 'POST',
      url: '/api/auth/links',
      operationId: 'createLoginLink',
      // Any member of an organization (every user has a personal one), by session or by a token of a
      // user: the access check passes them, and the handler needs the user behind them.
      permission: 'org.read',
      summary: 'A one-time login link for the calling user (embedded mode: `tracecheck dashboard --print`)',
      description: 'Needs a signed-in user: a session (with the CSRF header) or a user API token.',
      tags: TAGS,
      bodyOptional: true,
      bodyLimitBytes: SMALL_BODY_BYTES,
      responses: {
        201: { description: 'The link, valid once for a few minutes', schema: LinkSchema },
        401: errorResponse('Not signed in'),
        403: errorResponse('A cookie-authenticated write without the CSRF header'),
        429: errorResponse('Too many sign-in requests from this address'),
      },
      async handle({ request, reply }) {
        limit(request, reply);
        const principal = await signIn.resolvePrincipal(request);
        const userId = principal?.userId ?? (await deps.currentUserId?.(request));
        if (userId === undefined) {
          throw new TracecheckError(
            'AUTH_REQUIRED',
            'creating a login link needs a signed-in user: send your API token (Authorization: Bearer …)',
          );
        }
        const link = await signIn.createLoginLink(userId);
        return {
          kind: 'json',
          status: 201,
          headers: { 'cache-control': 'no-store' },
          body: { url: link.url, path: link.path, expiresAt: link.expiresAt.toISOString() },
        };
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/auth/link/:code',
      operationId: 'useLoginLink',
      permission: 'public',
      summary: 'Consumes a one-time login link: sets the session cookie and redirects to the dashboard',
      tags: TAGS,
      params: LinkParams,
      responses: {
        302: { description: 'Signed in: to the dashboard' },
        401: errorResponse('The link was used already or expired'),
        429: errorResponse('Too many sign-in requests from this address'),
      },
      async handle({ params, request, reply }) {
        limit(request, reply);
        const { sessionSecret } = await signIn.consumeLoginLink(params.code, clientInfoOf(request));
        return redirect(reply, '/', [sessionCookie(sessionSecret)]);
      },
    }),

    defineRoute({
      method: 'POST',
      url: '/api/auth/cli/token',
      operationId: 'exchangeCliLoginCode',
      permission: 'public',
      summary:
        'The CLI exchanges the one-time code of its loopback redirect and its PKCE verifier for an API token',
      tags: TAGS,
      body: CliTokenBody,
      bodyLimitBytes: SMALL_BODY_BYTES,
      responses: {
        200: { description: 'The API token', schema: CliTokenSchema },
        401: errorResponse('Unknown, used or expired code, or a verifier that does not match'),
        429: errorResponse('Too many sign-in requests from this address'),
      },
      async handle({ body, request, reply }) {
        limit(request, reply);
        const { token, session } = await signIn.exchangeCliCode({
          code: body.code,
          codeVerifier: body.codeVerifier,
          redirectUri: body.redirectUri,
          client: clientInfoOf(request),
        });
        return {
          kind: 'json',
          status: 200,
          headers: { 'cache-control': 'no-store' },
          body: {
            token,
            tokenType: 'Bearer',
            expiresAt: session.expiresAt.toISOString(),
            user: await userView(session.userId),
          },
        };
      },
    }),
  ];
}
