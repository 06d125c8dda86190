import { TracecheckError } from '@tracecheck/core';
import * as oidc from 'openid-client';
import type { SignInProviderOptions } from './sign-in-config';

/** Who the provider says signed in, after every check passed. */
export interface VerifiedIdentity {
  /**
   * The provider half of the user's key, stable across renames of the configured id: `github`
   * (`github:<host>` for GitHub Enterprise), `google`, or the OIDC issuer URL.
   */
  readonly provider: string;
  /** The provider's stable user id (`sub`; GitHub's numeric user id). */
  readonly subject: string;
  /** A verified address, lower-cased; unverified ones never get here. */
  readonly email: string;
  readonly name: string | null;
  /** GitHub: the organizations (logins, lower-cased) the user belongs to, when they were asked. */
  readonly githubOrganizations?: readonly string[];
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

export interface CallbackChecks {
  /** The URL the provider redirected to (public URL + callback path + its query). */
  readonly callbackUrl: URL;
  readonly expectedState: string;
  readonly expectedNonce: string;
  readonly codeVerifier: string;
}

/** One configured SSO provider. */
export interface SignInProvider {
  readonly id: string;
  readonly kind: SignInProviderOptions['kind'];
  readonly displayName: string;
  /** Where to send the browser to sign in (state, nonce, PKCE S256 challenge included). */
  buildAuthorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /**
   * Redeems the code of the callback and checks everything: state, PKCE, ID token signature, exact
   * issuer and audience, nonce, expiry, verified email (and organizations where configured). Rejects
   * with `AUTH_FORBIDDEN` saying what failed.
   */
  completeSignIn(checks: CallbackChecks): Promise<VerifiedIdentity>;
}

export interface SignInProviderDeps {
  /** Seconds per call to the provider; default 15. */
  readonly timeoutSeconds?: number;
}

const GOOGLE_ISSUER = 'https://accounts.google.com';
const DEFAULT_GITHUB_URL = 'https://github.com';
const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

function refused(providerId: string, reason: string, message: string, cause?: unknown): TracecheckError {
  return new TracecheckError(
    'AUTH_FORBIDDEN',
    `sign-in with "${providerId}" was refused: ${message}`,
    { reason },
    cause === undefined ? undefined : { cause },
  );
}

/** Describes an openid-client error in a sentence, with what it compared. */
function describeClientError(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    return `the provider answered ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof oidc.ResponseBodyError) {
    return `the provider answered ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof oidc.ClientError &&
      (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT' || error.cause instanceof TypeError))
  );
}

function unreachable(providerId: string, target: string, error: unknown): TracecheckError {
  return new TracecheckError(
    'SERVER_UNREACHABLE',
    `the sign-in provider "${providerId}" could not be reached at ${target} (${describeClientError(error)}): ` +
      'try again; if it persists, check the provider URL in the sign-in configuration',
    undefined,
    { cause: error },
  );
}

function clientOptions(url: string, deps: SignInProviderDeps): oidc.DiscoveryRequestOptions {
  const insecure = new URL(url).protocol === 'http:';
  return {
    // Plain http passed the configuration only for loopback URLs (local providers, tests).
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    timeout: deps.timeoutSeconds ?? 15,
  };
}

function isVerified(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * A Google or generic OIDC provider on openid-client: discovery (issuer compared exactly), authorization
 * code flow with PKCE S256, state and nonce; the ID token's signature, `iss`, `aud`, `azp`, `exp`,
 * `nonce` are checked by openid-client. The email must be verified (`email_verified`), from the ID
 * token or else the userinfo endpoint.
 */
export function createOidcProvider(
  options: SignInProviderOptions,
  deps: SignInProviderDeps = {},
): SignInProvider {
  const issuer = options.issuer ?? (options.kind === 'google' ? GOOGLE_ISSUER : undefined);
  if (issuer === undefined) {
    throw new TracecheckError('CONFIG_INVALID', `sign-in provider "${options.id}" needs its issuer URL`);
  }
  const identityProvider = options.kind === 'google' ? 'google' : issuer;
  let configuration: Promise<oidc.Configuration> | undefined;

  function discover(): Promise<oidc.Configuration> {
    configuration ??= oidc
      .discovery(
        new URL(issuer as string),
        options.clientId,
        options.clientSecret,
        undefined,
        clientOptions(issuer as string, deps),
      )
      .catch((error: unknown) => {
        configuration = undefined; // the next sign-in tries again
        if (isNetworkError(error)) throw unreachable(options.id, issuer as string, error);
        throw new TracecheckError(
          'SERVER_UNREACHABLE',
          `the OIDC discovery of "${options.id}" at ${issuer} failed (${describeClientError(error)}): the issuer ` +
            'in the configuration must be exactly the "issuer" of its /.well-known/openid-configuration',
          undefined,
          { cause: error },
        );
      });
    return configuration;
  }

  return {
    id: options.id,
    kind: options.kind,
    displayName: options.displayName ?? (options.kind === 'google' ? 'Google' : options.id),

    async buildAuthorizationUrl(request) {
      const config = await discover();
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        scope: ['openid', 'email', 'profile', ...(options.scopes ?? [])].join(' '),
        response_type: 'code',
        state: request.state,
        nonce: request.nonce,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async completeSignIn(checks) {
      const config = await discover();
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, checks.callbackUrl, {
          expectedState: checks.expectedState,
          expectedNonce: checks.expectedNonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
      } catch (error) {
        if (isNetworkError(error)) throw unreachable(options.id, issuer, error);
        throw refused(options.id, 'token_rejected', describeClientError(error), error);
      }
      const claims = tokens.claims();
      if (claims === undefined) throw refused(options.id, 'token_rejected', 'the provider sent no ID token');
      let email = typeof claims.email === 'string' ? claims.email : undefined;
      let verified = isVerified(claims.email_verified);
      let name = typeof claims.name === 'string' ? claims.name : null;
      if (email === undefined && config.serverMetadata().userinfo_endpoint !== undefined) {
        try {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
          email = typeof info.email === 'string' ? info.email : undefined;
          verified = isVerified(info.email_verified);
          name ??= typeof info.name === 'string' ? info.name : null;
        } catch (error) {
          if (isNetworkError(error)) throw unreachable(options.id, issuer, error);
          throw refused(options.id, 'userinfo_rejected', describeClientError(error), error);
        }
      }
      if (email === undefined) {
        throw refused(
          options.id,
          'email_missing',
          'the provider shared no email address: allow the "email" scope for this application',
        );
      }
      if (!verified) {
        throw refused(
          options.id,
          'email_unverified',
          `the email address ${email} is not verified at the provider: verify it there, then sign in again`,
        );
      }
      return { provider: identityProvider, subject: claims.sub, email: email.toLowerCase(), name };
    },
  };
}

interface GitHubEmail {
  readonly email: string;
  readonly primary: boolean;
  readonly verified: boolean;
}

/**
 * GitHub's OAuth 2 web flow (GitHub is not an OIDC provider): authorization code with state and PKCE
 * S256 (openid-client over GitHub's endpoints), then the REST API: `GET /user` (the numeric id is the
 * subject), `GET /user/emails` (the primary address must be verified), and `GET /user/orgs` when
 * organizations decide (`allowedOrganizations`, or the sign-up policy `github-orgs`).
 */
export function createGitHubProvider(
  options: SignInProviderOptions,
  deps: SignInProviderDeps & { readonly needsOrganizations?: boolean } = {},
): SignInProvider {
  const webUrl = (options.githubUrl ?? DEFAULT_GITHUB_URL).replace(/\/+$/, '');
  const apiUrl = (options.githubApiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const identityProvider = webUrl === DEFAULT_GITHUB_URL ? 'github' : `github:${new URL(webUrl).host}`;
  const allowed = (options.allowedOrganizations ?? []).map((login) => login.toLowerCase());
  const needsOrganizations = allowed.length > 0 || deps.needsOrganizations === true;
  const timeoutMs = (deps.timeoutSeconds ?? 15) * 1000;

  const config = new oidc.Configuration(
    {
      issuer: webUrl,
      authorization_endpoint: `${webUrl}/login/oauth/authorize`,
      token_endpoint: `${webUrl}/login/oauth/access_token`,
    },
    options.clientId,
    options.clientSecret,
  );
  const { execute, timeout } = clientOptions(webUrl, deps);
  for (const step of execute ?? []) step(config);
  config.timeout = timeout;

  async function api<T>(path: string, accessToken: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${accessToken}`,
          'user-agent': 'tracecheck',
          'x-github-api-version': '2022-11-28',
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unreachable(options.id, apiUrl, error);
    }
    if (!response.ok) {
      throw refused(
        options.id,
        'api_refused',
        `GitHub answered ${response.status} to GET ${path}: grant the requested scopes to the application`,
      );
    }
    return (await response.json()) as T;
  }

  return {
    id: options.id,
    kind: 'github',
    displayName: options.displayName ?? 'GitHub',

    async buildAuthorizationUrl(request) {
      const scopes = [
        'read:user',
        'user:email',
        ...(needsOrganizations ? ['read:org'] : []),
        ...(options.scopes ?? []),
      ];
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        scope: scopes.join(' '),
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
        allow_signup: 'false',
      });
    },

    async completeSignIn(checks) {
      let accessToken: string;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, checks.callbackUrl, {
          expectedState: checks.expectedState,
          pkceCodeVerifier: checks.codeVerifier,
        });
        accessToken = tokens.access_token;
      } catch (error) {
        if (isNetworkError(error)) throw unreachable(options.id, webUrl, error);
        throw refused(options.id, 'token_rejected', describeClientError(error), error);
      }
      const user = await api<{ id?: unknown; login?: unknown; name?: unknown }>('/user', accessToken);
      if (typeof user.id !== 'number' && typeof user.id !== 'string') {
        throw refused(options.id, 'api_refused', 'GitHub answered GET /user without a user id');
      }
      const emails = await api<readonly GitHubEmail[]>('/user/emails', accessToken);
      const primary = Array.isArray(emails) ? emails.find((entry) => entry.primary) : undefined;
      if (primary === undefined) {
        throw refused(
          options.id,
          'email_missing',
          'GitHub shared no primary email: allow the user:email scope',
        );
      }
      if (primary.verified !== true) {
        throw refused(
          options.id,
          'email_unverified',
          `the primary email ${primary.email} is not verified on GitHub: verify it there, then sign in again`,
        );
      }
      let organizations: string[] | undefined;
      if (needsOrganizations) {
        const orgs = await api<readonly { login?: unknown }[]>('/user/orgs?per_page=100', accessToken);
        organizations = (Array.isArray(orgs) ? orgs : [])
          .map((org) => (typeof org.login === 'string' ? org.login.toLowerCase() : ''))
          .filter((login) => login !== '');
        if (allowed.length > 0 && !organizations.some((login) => allowed.includes(login))) {
          throw refused(
            options.id,
            'organization_not_allowed',
            `the GitHub account ${String(user.login)} is in none of the allowed organizations (${allowed.join(', ')}): ` +
              'ask to join one, or grant this application access to it in your GitHub settings',
          );
        }
      }
      return {
        provider: identityProvider,
        subject: String(user.id),
        email: primary.email.toLowerCase(),
        name: typeof user.name === 'string' ? user.name : typeof user.login === 'string' ? user.login : null,
        ...(organizations === undefined ? {} : { githubOrganizations: organizations }),
      };
    },
  };
}

/** The providers of a configuration, by id. */
export function createSignInProviders(
  providers: readonly SignInProviderOptions[],
  deps: SignInProviderDeps & { readonly needsGitHubOrganizations?: boolean } = {},
): ReadonlyMap<string, SignInProvider> {
  const out = new Map<string, SignInProvider>();
  for (const options of providers) {
    out.set(
      options.id,
      options.kind === 'github'
        ? createGitHubProvider(options, {
            ...deps,
            needsOrganizations: deps.needsGitHubOrganizations === true,
          })
        : createOidcProvider(options, deps),
    );
  }
  return out;
}
