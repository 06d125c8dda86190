import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createServerLogger, redactUrl } from './server-logger';

describe('redactUrl', () => {
  it.each([
    ['/api/auth/link/Zx81kq', '/api/auth/link/[redacted]'],
    ['/API/Auth/Link/Zx81kq?next=%2Ftests', '/API/Auth/Link/[redacted]?next=%2Ftests'],
    [
      '/api/auth/callback/github?code=abc&state=xyz&next=/tests',
      '/api/auth/callback/github?code=[redacted]&state=[redacted]&next=/tests',
    ],
    ['/settings/members?invite=tc_inv_1', '/settings/members?invite=[redacted]'],
    ['/api/tests?take=5&query=code', '/api/tests?take=5&query=code'],
    ['/api/auth/link/', '/api/auth/link/'],
    ['/api/tests', '/api/tests'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('createServerLogger', () => {
  it('keeps one-time codes and credentials out of Fastify request logs', async () => {
    const lines: string[] = [];
    const logger = createServerLogger({
      level: 'info',
      base: { service: 'test' },
      destination: { write: (line: string) => lines.push(line) },
    });
    const app = Fastify({ loggerInstance: logger });
    app.get('/api/auth/link/:code', async () => ({ ok: true }));
    app.get('/api/auth/callback/:provider', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/api/auth/link/Secret-Code-123' });
    await app.inject({
      method: 'GET',
      url: '/api/auth/callback/github?code=Provider-Code-456&state=State-789',
      headers: { authorization: 'Bearer tc_org_plaintext', cookie: 'tracecheck_session=s3cr3t' },
    });
    await app.close();
    const text = lines.join('');
    for (const secret of [
      'Secret-Code-123',
      'Provider-Code-456',
      'State-789',
      'tc_org_plaintext',
      's3cr3t',
    ]) {
      expect(text).not.toContain(secret);
    }
    const requests = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'incoming request');
    expect(requests.map((entry) => entry.req.url)).toEqual([
      '/api/auth/link/[redacted]',
      '/api/auth/callback/github?code=[redacted]&state=[redacted]',
    ]);
  });
});
