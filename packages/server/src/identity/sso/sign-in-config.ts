import { TracecheckError } from '@tracecheck/core';
import { z } from 'zod/v4';

const PROVIDER_ID = /^[a-z][a-z0-9-]{0,31}$/;
/** Provider ids the sign-in layer uses itself. */
const RESERVED_PROVIDER_IDS = new Set(['link', 'local', 'cli']);
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const ProviderSchema = z
  .strictObject({
    id: z
      .string()
      .regex(PROVIDER_ID)
      .describe('Name in URLs (`/api/auth/login/<id>`): lower-case letters, digits and -'),
    kind: z.enum(['github', 'google', 'oidc']).describe('github (OAuth 2), google (OIDC) or any OIDC issuer'),
    displayName: z.string().min(1).max(64).optional().describe('Label of the sign-in button'),
    issuer: z
      .url()
      .optional()
      .describe(
        'OIDC issuer URL, compared exactly (kind oidc; google defaults to https://accounts.google.com)',
      ),
    clientId: z.string().min(1).describe('OAuth client id registered at the provider'),
    clientSecret: z.string().min(1).describe('OAuth client secret'),
    scopes: z.array(z.string().min(1)).optional().describe('Scopes requested beyond the defaults'),
    allowedOrganizations: z
      .array(z.string().regex(GITHUB_LOGIN))
      .optional()
      .describe('GitHub only: sign-in is refused unless the user belongs to one of these organizations'),
    githubUrl: z
      .url()
      .optional()
      .describe('GitHub only: web URL (GitHub Enterprise), default https://github.com'),
    githubApiUrl: z
      .url()
      .optional()
      .describe('GitHub only: REST API URL (GitHub Enterprise), default https://api.github.com'),
  })
  .superRefine((provider, context) => {
    if (provider.kind === 'oidc' && provider.issuer === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'an oidc provider needs its issuer URL',
      });
    }
    if (provider.kind === 'github' && provider.issuer !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'GitHub is not an OIDC issuer: leave issuer out (githubUrl/githubApiUrl for Enterprise)',
      });
    }
    if (provider.kind !== 'github') {
      for (const key of ['allowedOrganizations', 'githubUrl', 'githubApiUrl'] as const) {
        if (provider[key] !== undefined) {
          context.addIssue({ code: 'custom', path: [key], message: `${key} only applies to kind github` });
        }
      }
    }
  });

const DurationMs = z.number().int().positive();

/** The sign-in options of the control plane (`signIn` of the server configuration). */
export const SignInOptionsSchema = z
  .strictObject({
    publicUrl: z
      .url()
      .describe('URL users reach the server at (redirect URIs, cookies): https, or http on loopback only'),
    providers: z.array(ProviderSchema).describe('SSO providers; empty leaves one-time login links only'),
    signUp: z
      .strictObject({
        policy: z
          .enum(['invite-only', 'domains', 'github-orgs'])
          .describe('Who may create an account on first sign-in; invited addresses always may'),
        domains: z.array(z.string().toLowerCase().regex(DOMAIN)).optional().describe('policy domains'),
        organizations: z.array(z.string().regex(GITHUB_LOGIN)).optional().describe('policy github-orgs'),
      })
      .default({ policy: 'invite-only' }),
    session: z
      .strictObject({
        idleTimeoutMs: DurationMs.default(12 * HOUR_MS),
        absoluteTimeoutMs: DurationMs.default(7 * DAY_MS),
      })
      .default({ idleTimeoutMs: 12 * HOUR_MS, absoluteTimeoutMs: 7 * DAY_MS })
      .describe('Browser sessions end after this much inactivity, or this long after sign-in'),
    cliToken: z
      .strictObject({
        idleTimeoutMs: DurationMs.default(30 * DAY_MS),
        absoluteTimeoutMs: DurationMs.default(90 * DAY_MS),
      })
      .default({ idleTimeoutMs: 30 * DAY_MS, absoluteTimeoutMs: 90 * DAY_MS })
      .describe('Tokens of the CLI browser login'),
    loginRateLimit: z
      .strictObject({ maxRequests: z.number().int().positive(), windowMs: DurationMs })
      .default({ maxRequests: 30, windowMs: 60_000 })
      .describe('Per client IP and API replica, over the login, callback, link and CLI token routes'),
    loginLinkTtlMs: DurationMs.default(15 * 60_000).describe('How long a one-time login link stays valid'),
  })
  .superRefine((options, context) => {
    const seen = new Set<string>();
    options.providers.forEach((provider, index) => {
      if (seen.has(provider.id)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'id'],
          message: `duplicate id "${provider.id}"`,
        });
      }
      if (RESERVED_PROVIDER_IDS.has(provider.id)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'id'],
          message: `"${provider.id}" is reserved: choose another id`,
        });
      }
      seen.add(provider.id);
    });
    if (options.signUp.policy === 'domains' && (options.signUp.domains ?? []).length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['signUp', 'domains'],
        message: 'policy domains needs domains',
      });
    }
    if (options.signUp.policy === 'github-orgs') {
      if ((options.signUp.organizations ?? []).length === 0) {
        context.addIssue({
          code: 'custom',
          path: ['signUp', 'organizations'],
          message: 'policy github-orgs needs organizations',
        });
      }
      if (!options.providers.some((provider) => provider.kind === 'github')) {
        context.addIssue({
          code: 'custom',
          path: ['signUp', 'policy'],
          message: 'policy github-orgs needs a provider of kind github',
        });
      }
    }
  });

export type SignInOptions = z.input<typeof SignInOptionsSchema>;
export type SignInProviderOptions = z.output<typeof ProviderSchema>;
export type SignUpPolicy = z.output<typeof SignInOptionsSchema>['signUp'];

export interface ResolvedSignInConfig extends Omit<z.output<typeof SignInOptionsSchema>, 'publicUrl'> {
  /** Without a trailing slash. */
  readonly publicUrl: string;
  readonly publicOrigin: string;
  /** `__Host-tracecheck_session` over https; `tracecheck_session` on plain-http loopback. */
  readonly sessionCookieName: string;
  /** The short-lived cookie binding a sign-in attempt to the browser that started it. */
  readonly attemptCookieName: string;
  readonly secureCookies: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether a URL points at this machine (plain http is accepted there only). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
}

function checkSecureUrl(text: string, what: string, problems: string[]): void {
  const url = new URL(text);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return;
  problems.push(`${what} "${text}" must use https (plain http is accepted on loopback addresses only)`);
}

/**
 * Validates sign-in options and derives what depends on them (cookie names and flags). Every problem
 * is reported at once, with its path.
 * @example resolveSignInConfig({ publicUrl: 'https://tracecheck.example.com', providers: [
 *   { id: 'google', kind: 'google', clientId: '…', clientSecret: '…' }],
 *   signUp: { policy: 'domains', domains: ['example.com'] } })
 */
export function resolveSignInConfig(input: unknown): ResolvedSignInConfig {
  const parsed = SignInOptionsSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(
        `signIn.${issue.path.map(String).join('.')}: ${issue.message.replace(/^Invalid input: /, '')}`,
      );
    }
  } else {
    checkSecureUrl(parsed.data.publicUrl, 'signIn.publicUrl', problems);
    parsed.data.providers.forEach((provider, index) => {
      for (const key of ['issuer', 'githubUrl', 'githubApiUrl'] as const) {
        const value = provider[key];
        if (value !== undefined) checkSecureUrl(value, `signIn.providers.${index}.${key}`, problems);
      }
    });
  }
  if (!parsed.success || problems.length > 0) {
    throw new TracecheckError('CONFIG_INVALID', `invalid sign-in configuration: ${problems.join('; ')}`, {
      problems,
    });
  }
  const options = parsed.data;
  const publicUrl = new URL(options.publicUrl);
  // `__Host-` cookies must be Secure, and browsers drop Secure cookies set over plain http: a
  // plain-http loopback install (embedded mode) uses an unprefixed name instead.
  const secure = publicUrl.protocol === 'https:';
  const prefix = secure ? '__Host-' : '';
  return {
    ...options,
    publicUrl: publicUrl.href.replace(/\/+$/, ''),
    publicOrigin: publicUrl.origin,
    sessionCookieName: `${prefix}tracecheck_session`,
    attemptCookieName: `${prefix}tracecheck_signin`,
    secureCookies: secure,
  };
}
