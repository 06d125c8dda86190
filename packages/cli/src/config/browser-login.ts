import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TracecheckError } from '@tracecheck/core';
import type { CliIo } from '../io';
import { openBrowser } from '../open-browser';
import type { ServerClient } from '../server-client';

interface Provider {
  readonly id: string;
  readonly displayName: string;
}

export interface BrowserLogin {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly email: string | null; readonly name: string | null };
}

const LOGIN_TIMEOUT_MS = 5 * 60_000;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/**
 * Signs a person in through the browser (RFC 8252 loopback redirect with PKCE): the server's
 * `/api/auth/login/<provider>` sends the browser to the identity provider and back to a one-shot
 * listener on 127.0.0.1, whose one-time code is exchanged at `/api/auth/cli/token` for an API token.
 * @example const { token } = await loginWithBrowser(io, client, { provider: 'github' });
 */
export async function loginWithBrowser(
  io: CliIo,
  client: ServerClient,
  options: { readonly provider?: string } = {},
): Promise<BrowserLogin> {
  const { providers } = await client
    .json<{ providers: Provider[] }>('GET', '/auth/providers')
    .catch((error: unknown) => {
      if (error instanceof TracecheckError && error.code === 'NOT_FOUND')
        return { providers: [] as Provider[] };
      throw error;
    });
  if (providers.length === 0) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the server at ${client.serverUrl} offers no browser sign-in (no SSO provider configured): create a token in the dashboard and run \`tracecheck configure --token TOKEN\``,
    );
  }
  const provider = options.provider
    ? providers.find((p) => p.id === options.provider)
    : providers.length === 1
      ? providers[0]
      : undefined;
  if (!provider) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `${options.provider ? `no sign-in provider "${options.provider}"` : 'several sign-in providers'}: choose one with --provider ${providers.map((p) => p.id).join('|')}`,
    );
  }
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  const state = base64url(randomBytes(16));

  let settle: (result: { code: string } | { error: string }) => void = () => undefined;
  const received = new Promise<{ code: string } | { error: string }>((resolve) => {
    settle = resolve;
  });
  const listener = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get('code');
    const ok = code !== null && url.searchParams.get('state') === state;
    response
      .writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        ok
          ? '<!doctype html><title>Tracecheck</title><p>Signed in. You can close this tab and go back to the terminal.</p>'
          : '<!doctype html><title>Tracecheck</title><p>Sign-in failed: go back to the terminal.</p>',
      );
    settle(ok ? { code } : { error: url.searchParams.get('error') ?? 'the answer did not match this login' });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
  const loginUrl = new URL(`${client.apiUrl}/auth/login/${encodeURIComponent(provider.id)}`);
  loginUrl.search = new URLSearchParams({
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  let timer: NodeJS.Timeout | undefined;
  try {
    io.stderr.write(`Signing in with ${provider.displayName} in your browser…\n`);
    if (!(await openBrowser(io, loginUrl.href))) {
      io.stderr.write(`Could not open a browser: open this URL to sign in:\n  ${loginUrl.href}\n`);
    }
    const timeout = new Promise<{ error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ error: 'no answer within 5 minutes' }), LOGIN_TIMEOUT_MS);
    });
    const result = await Promise.race([received, timeout]);
    if ('error' in result) {
      throw new TracecheckError(
        'AUTH_REQUIRED',
        `browser sign-in failed (${result.error}): try again, or create a token in the dashboard and run \`tracecheck configure --token TOKEN\``,
      );
    }
    return await client.json<BrowserLogin>('POST', '/auth/cli/token', {
      code: result.code,
      codeVerifier: verifier,
      redirectUri,
    });
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}
