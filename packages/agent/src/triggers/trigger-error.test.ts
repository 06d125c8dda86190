import { describe, expect, test } from 'vitest';
import { createTestContext } from './testing/local-server';
import { describeNetworkFailure, isLocalhost, type NetworkFailure } from './trigger-error';

const errorWithCode = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeNetworkFailure', () => {
  test.each<{
    name: string;
    failure: NetworkFailure;
    host: string;
    connectionError: boolean;
    message: string;
    hint?: string;
  }>([
    {
      name: 'an unknown host',
      failure: { kind: 'error', cause: errorWithCode('ENOTFOUND', 'getaddrinfo ENOTFOUND shop.local') },
      host: 'shop.local',
      connectionError: true,
      message: 'GET http://shop.local/ failed: host name not found (getaddrinfo ENOTFOUND shop.local)',
      hint: 'check the host name "shop.local"',
    },
    {
      name: 'an unreachable network',
      failure: { kind: 'error', cause: errorWithCode('ENETUNREACH', 'connect ENETUNREACH 10.1.2.3:80') },
      host: '10.1.2.3',
      connectionError: true,
      message: 'failed: network unreachable (connect ENETUNREACH 10.1.2.3:80)',
      hint: "reachable from the agent's network",
    },
    {
      name: 'a connect timeout',
      failure: { kind: 'connect-timeout', timeoutMs: 1000 },
      host: 'shop.local',
      connectionError: true,
      message: 'failed: no connection to shop.local within 1000 ms',
    },
    {
      name: 'an expired certificate',
      failure: { kind: 'error', cause: errorWithCode('CERT_HAS_EXPIRED', 'certificate has expired') },
      host: 'shop.local',
      connectionError: false,
      message: 'failed: TLS certificate verification failed: certificate has expired (CERT_HAS_EXPIRED)',
      hint: 'set sslVerification: false',
    },
    {
      name: 'a TLS handshake with a plaintext server',
      failure: {
        kind: 'error',
        cause: errorWithCode('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
      },
      host: 'shop.local',
      connectionError: false,
      message: 'failed: TLS handshake failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)',
      hint: 'is the target serving TLS on that port?',
    },
    {
      name: 'anything else',
      failure: { kind: 'error', cause: new Error('Parse Error: Invalid header value char') },
      host: 'shop.local',
      connectionError: false,
      message: 'GET http://shop.local/ failed: Parse Error: Invalid header value char',
    },
  ])('$name', ({ failure, host, connectionError, message, hint }) => {
    const target = { action: `GET http://${host}/`, host, verificationSwitch: 'sslVerification: false' };
    const error = describeNetworkFailure(failure, target, createTestContext());
    expect(error.connectionError).toBe(connectionError);
    expect(error.targetsLocalhost).toBe(false);
    expect(error.message).toContain(message);
    if (hint) expect(error.hint).toContain(hint);
  });
});

test.each([
  ['localhost', true],
  ['LOCALHOST', true],
  ['127.0.0.1', true],
  ['::1', true],
  ['[::1]', true],
  ['127.0.0.2', false],
  ['localhost.example.com', false],
  ['shop.local', false],
])('isLocalhost(%s) = %s', (host, expected) => {
  expect(isLocalhost(host)).toBe(expected);
});
