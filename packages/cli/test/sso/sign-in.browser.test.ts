/**
 * Sign-in through the login redirect in a real browser: Debian's Chromium (`/usr/bin/chromium`)
 * driven by playwright-core, against the control plane (embedded mode, identity enabled) and a real
 * OIDC provider running in-process (oauth2-mock-server), all on loopback. Never downloads a browser.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ControlPlane,
  CSRF_HEADER,
  createControlPlane,
  createMemoryEventBus,
  createMemoryQueue,
  createPgliteStore,
  createSignInService,
  resolveSignInConfig,
  type Store,
} from '@tracecheck/server';
import { OAuth2Server } from 'oauth2-mock-server';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n⚠⚠⚠ SKIPPING the sign-in browser test: ${CHROMIUM} is missing. Install Debian's Chromium ` +
      '(apt-get install chromium); these tests never download a browser. ⚠⚠⚠\n',
  );
}

const logger = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!hasChromium)('sign-in in Chromium', { timeout: 90_000 }, () => {
  let oidc: OAuth2Server;
  let store: Store;
  let plane: ControlPlane;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    oidc = new OAuth2Server();
    await oidc.issuer.keys.generate('RS256');
    await oidc.start(0, '127.0.0.1');
    oidc.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      Object.assign(token.payload, {
        sub: 'browser-user',
        email: 'grace@example.com',
        email_verified: true,
        name: 'Grace',
      });
    });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    store = await createPgliteStore();
    const signIn = createSignInService({
      config: resolveSignInConfig({
        publicUrl: baseUrl,
        providers: [
          {
            id: 'mock',
            kind: 'oidc',
            issuer: oidc.issuer.url as string,
            clientId: 'tracecheck',
            clientSecret: 'secret',
          },
        ],
        signUp: { policy: 'domains', domains: ['example.com'] },
      }),
      sessions: store.sessions,
      users: store.identity,
    });
    plane = createControlPlane({
      mode: 'embedded',
      store,
      queue: createMemoryQueue({ maxDeliveries: 5, backoffMs: [10], ackTimeoutMs: 10_000, logger }),
      bus: createMemoryEventBus({ logger }),
      logger,
      version: '0.1.0',
      http: { host: '127.0.0.1', port },
      defaultScope: { organizationId: 'local', environmentId: 'default' },
      identity: { signIn },
    });
    await plane.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await plane?.stop(); // closes the store too
    await oidc?.stop();
  });

  it('follows the login redirect through the provider and lands signed in, with an HttpOnly Lax session cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/api/auth/login/mock`);
    expect(page.url()).toBe(`${baseUrl}/`);

    const cookies = await context.cookies(baseUrl);
    const session = cookies.find((cookie) => cookie.name === 'tracecheck_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies.find((cookie) => cookie.name === 'tracecheck_signin')).toBeUndefined();

    const who = await page.evaluate(async () => {
      const response = await fetch('/api/auth/session');
      return { status: response.status, body: await response.json() };
    });
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({
      user: { email: 'grace@example.com', name: 'Grace' },
      session: { kind: 'browser' },
    });
    // The script of the page cannot read the session cookie.
    expect(await page.evaluate(() => document.cookie)).not.toContain('tracecheck_session');

    // A cookie-authenticated write needs the CSRF header; with it the session ends.
    const writes = await page.evaluate(
      async ({ header, token }) => {
        const without = await fetch('/api/auth/logout', { method: 'POST' });
        const withToken = await fetch('/api/auth/logout', { method: 'POST', headers: { [header]: token } });
        const after = await fetch('/api/auth/session');
        return [without.status, withToken.status, after.status];
      },
      { header: CSRF_HEADER, token: who.body.csrfToken as string },
    );
    expect(writes).toEqual([403, 204, 401]);
    await context.close();
  });
});
