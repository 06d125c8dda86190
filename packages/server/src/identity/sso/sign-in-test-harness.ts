/**
 * What the sign-in tests run against, all on loopback: the sign-in routes in a Fastify server over a
 * PGlite store, a real OIDC provider in-process (oauth2-mock-server), a local server answering
 * GitHub's documented OAuth and REST shapes, a fake clock for the sessions, and a small browser (a
 * cookie jar that follows redirects by hand). Test code only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { OAuth2Server } from 'oauth2-mock-server';
import type { ApiRoute } from '../../api/api-route';
import { handleApiError, handleUnknownRoute } from '../../api/handle-api-error';
import { createPgliteStore } from '../../store/pglite-store';
import type { Store } from '../../store/store';
import { resolveSignInConfig, type SignInOptions } from './sign-in-config';
import { createSignInRoutes } from './sign-in-routes';
import { createSignInService, type SignInService } from './sign-in-service';

export const OIDC_CLIENT_ID = 'tracecheck-test';
export const GITHUB_CLIENT_ID = 'gh-client';
const GITHUB_CLIENT_SECRET = 'gh-secret';

/** A user as the fake GitHub knows it. */
export interface GitHubAccount {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
  orgs: string[];
}

/**
 * GitHub's OAuth web flow and REST API as documented: `/login/oauth/authorize` (redirects back with a
 * code), `/login/oauth/access_token` (PKCE S256 checked; errors answered 200 with an `error` field,
 * as GitHub does), `/user`, `/user/emails`, `/user/orgs` (bearer token).
 */
export interface FakeGitHub {
  readonly url: string;
  /** The account the next authorization signs in. */
  account: GitHubAccount;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

export async function startFakeGitHub(account: GitHubAccount): Promise<FakeGitHub> {
  const codes = new Map<string, { challenge: string; redirectUri: string; account: GitHubAccount }>();
  const tokens = new Map<string, GitHubAccount>();
  const fake = { account } as { account: GitHubAccount };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const redirectUri = url.searchParams.get('redirect_uri') ?? '';
        const code = randomBytes(10).toString('hex');
        if (url.searchParams.get('code_challenge_method') !== 'S256') {
          sendJson(response, 400, { error: 'PKCE S256 expected' });
          return;
        }
        codes.set(code, {
          challenge: url.searchParams.get('code_challenge') ?? '',
          redirectUri,
          account: fake.account,
        });
        const target = new URL(redirectUri);
        target.searchParams.set('code', code);
        target.searchParams.set('state', url.searchParams.get('state') ?? '');
        response.writeHead(302, { location: target.href });
        response.end();
        return;
      }
      if (request.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await readBody(request));
        const basic = request.headers.authorization?.startsWith('Basic ')
          ? Buffer.from(request.headers.authorization.slice(6), 'base64').toString('utf8').split(':')
          : [];
        const clientId = form.get('client_id') ?? decodeURIComponent(basic[0] ?? '');
        const clientSecret = form.get('client_secret') ?? decodeURIComponent(basic[1] ?? '');
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (clientId !== GITHUB_CLIENT_ID || clientSecret !== GITHUB_CLIENT_SECRET) {
          sendJson(response, 200, { error: 'incorrect_client_credentials' });
        } else if (grant === undefined || grant.redirectUri !== form.get('redirect_uri')) {
          sendJson(response, 200, { error: 'bad_verification_code' });
        } else if (grant.challenge !== challenge) {
          sendJson(response, 200, { error: 'invalid_grant', error_description: 'code_verifier mismatch' });
        } else {
          const token = `gho_${randomBytes(12).toString('hex')}`;
          tokens.set(token, grant.account);
          sendJson(response, 200, {
            access_token: token,
            token_type: 'bearer',
            scope: 'read:user,user:email',
          });
        }
        return;
      }
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const user = token === undefined ? undefined : tokens.get(token);
      if (user === undefined) {
        sendJson(response, 401, { message: 'Requires authentication' });
        return;
      }
      if (url.pathname === '/user') {
        const primary = user.emails.find((email) => email.primary && email.visibility === 'public');
        sendJson(response, 200, {
          login: user.login,
          id: user.id,
          name: user.name,
          email: primary?.email ?? null,
        });
      } else if (url.pathname === '/user/emails') {
        sendJson(response, 200, user.emails);
      } else if (url.pathname === '/user/orgs') {
        sendJson(
          response,
          200,
          user.orgs.map((login, index) => ({ login, id: 1000 + index })),
        );
      } else {
        sendJson(response, 404, { message: 'Not Found' });
      }
    })().catch((error: unknown) => sendJson(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get account() {
      return fake.account;
    },
    set account(value) {
      fake.account = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser enough for sign-in: one cookie jar for the API server's host, redirects followed by hand. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  /** The `Set-Cookie` lines the API server sent, newest last. */
  readonly setCookieLines: string[] = [];

  constructor(private readonly appOrigin: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    if (target.origin === this.appOrigin && this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    if (target.origin === this.appOrigin) {
      for (const line of response.headers.getSetCookie()) {
        this.setCookieLines.push(line);
        const [pair = '', ...attributes] = line.split(';');
        const index = pair.indexOf('=');
        const name = pair.slice(0, index).trim();
        const value = pair.slice(index + 1).trim();
        const maxAge = attributes.find((attribute) => attribute.trim().toLowerCase().startsWith('max-age='));
        if (value === '' || maxAge?.trim().toLowerCase() === 'max-age=0') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    return response;
  }

  /**
   * GETs `url` and follows redirects while they stay on loopback servers other than `stopAt`; returns
   * the last response and the URL it answered.
   */
  async follow(
    url: string,
    stopAt?: (url: URL) => boolean,
  ): Promise<{ response: Response; url: string; hops: string[] }> {
    let current = url;
    const hops: string[] = [url];
    for (let i = 0; i < 10; i++) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null)
        return { response, url: current, hops };
      const next = new URL(location, current);
      if (stopAt?.(next)) return { response, url: next.href, hops: [...hops, next.href] };
      current = next.href;
      hops.push(current);
    }
    throw new Error(`too many redirects: ${hops.join(' → ')}`);
  }
}

export interface SignInHarness {
  readonly baseUrl: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly signIn: SignInService;
  readonly oidc: OAuth2Server;
  readonly oidcIssuer: string;
  readonly github: FakeGitHub;
  /** Claims written into every token the OIDC provider signs (set per test; `{}` between tests). */
  claims: Record<string, unknown>;
  /** Moves the sessions' clock forward. */
  advance(ms: number): void;
  browser(): TestBrowser;
  close(): Promise<void>;
}

export interface SignInHarnessOptions {
  readonly signUp?: SignInOptions['signUp'];
  readonly loginRateLimit?: SignInOptions['loginRateLimit'];
  readonly session?: SignInOptions['session'];
  readonly githubAllowedOrganizations?: readonly string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function registerRoutes(app: FastifyInstance, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const result = await route.run(request, reply);
        switch (result.kind) {
          case 'json':
            return reply
              .status(result.status)
              .headers(result.headers ?? {})
              .send(result.body);
          case 'text':
            return reply.status(result.status).type(result.contentType).send(result.body);
          case 'bytes':
            return reply
              .status(result.status)
              .type(result.contentType)
              .send(Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength));
          case 'empty':
            return reply.status(result.status).send();
          case 'hijacked':
            return reply;
        }
      },
    });
  }
}

export const DEFAULT_GITHUB_ACCOUNT: GitHubAccount = {
  id: 4242,
  login: 'octo-dev',
  name: 'Octo Dev',
  emails: [
    { email: 'octo@example.com', primary: true, verified: true, visibility: 'public' },
    { email: 'octo@personal.test', primary: false, verified: false, visibility: null },
  ],
  orgs: ['tracecheck-org'],
};

/** Providers `mock` (OIDC, the in-process provider) and `github` (the fake GitHub). */
export async function createSignInHarness(options: SignInHarnessOptions = {}): Promise<SignInHarness> {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const oidc = new OAuth2Server();
  await oidc.issuer.keys.generate('RS256');
  await oidc.start(0, '127.0.0.1');
  const oidcIssuer = oidc.issuer.url as string;
  const github = await startFakeGitHub(structuredClone(DEFAULT_GITHUB_ACCOUNT));
  const harness = { claims: {} as Record<string, unknown> };
  oidc.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, harness.claims);
  });
  oidc.service.on('beforeUserinfo', (userinfo: { body: Record<string, unknown> }) => {
    Object.assign(userinfo.body, harness.claims);
  });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const store = await createPgliteStore({ now });
  const config = resolveSignInConfig({
    publicUrl: baseUrl,
    providers: [
      {
        id: 'mock',
        kind: 'oidc',
        displayName: 'Mock OIDC',
        issuer: oidcIssuer,
        clientId: OIDC_CLIENT_ID,
        clientSecret: 'oidc-secret',
      },
      {
        id: 'github',
        kind: 'github',
        clientId: GITHUB_CLIENT_ID,
        clientSecret: GITHUB_CLIENT_SECRET,
        githubUrl: github.url,
        githubApiUrl: github.url,
        ...(options.githubAllowedOrganizations
          ? { allowedOrganizations: [...options.githubAllowedOrganizations] }
          : {}),
      },
    ],
    signUp: options.signUp ?? { policy: 'domains', domains: ['example.com'] },
    ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
    ...(options.session ? { session: options.session } : {}),
  });
  const signIn = createSignInService({ config, sessions: store.sessions, users: store.identity, now });
  const app = Fastify({ logger: false });
  app.setErrorHandler(handleApiError);
  app.setNotFoundHandler(handleUnknownRoute);
  registerRoutes(app, createSignInRoutes({ signIn, users: store.identity }));
  await app.listen({ host: '127.0.0.1', port });

  return {
    baseUrl,
    app,
    store,
    signIn,
    oidc,
    oidcIssuer,
    github,
    get claims() {
      return harness.claims;
    },
    set claims(value) {
      harness.claims = value;
    },
    advance(ms) {
      offsetMs += ms;
    },
    browser: () => new TestBrowser(new URL(baseUrl).origin),
    async close() {
      await app.close();
      await oidc.stop();
      await github.close();
      await store.close();
    },
  };
}

/** The session cookie's value in a browser. */
export function sessionCookieOf(browser: TestBrowser): string | undefined {
  return browser.cookies.get('tracecheck_session');
}
