import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook, type WebhookOptions, type WebhookRequest } from './deliver-webhook';
import { startWebhookReceiver, type WebhookReceiver } from './monitor-test-rig';
import { parseAllowedNetworks, refusedAddressReason } from './webhook-network-policy';

/** The SSRF guard of webhook deliveries, against a real receiver on loopback and the real resolver. */
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

function request(url: string): WebhookRequest {
  return { url, method: 'POST', headers: [], body: '{}', sslVerification: true, deliveryId: 'd-1' };
}

async function deliver(url: string, policy: WebhookOptions = {}) {
  return deliverWebhook(request(url), {
    maxAttempts: 3,
    backoffMs: [10],
    timeoutMs: 5000,
    nowMs: Date.now,
    userAgent: 'test',
    ...policy,
  });
}

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['10.1.2.3', /private.*RFC 1918/],
    ['172.16.0.1', /private.*RFC 1918/],
    ['172.31.255.255', /private.*RFC 1918/],
    ['192.168.1.1', /private.*RFC 1918/],
    ['fd12:3456::1', /private/],
    ['169.254.169.254', /link-local.*metadata/],
    ['fe80::1', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['224.0.0.251', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
  ])('refuses %s', (address, reason) => {
    expect(refusedAddressReason(address)).toMatch(reason);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(refusedAddressReason(address)).toBeUndefined();
    },
  );
});

describe('deliverWebhook on a guarded control plane', () => {
  it('refuses a loopback receiver by default: one attempt, not retried, the reason recorded', async () => {
    const before = receiver.received.length;
    const outcome = await deliver(receiver.url);
    expect(outcome).toMatchObject({ ok: false, status: null, attempts: 1 });
    expect(outcome.error).toMatch(
      /^refused: 127\.0\.0\.1, a loopback address; .*webhooks\.allowedNetworks or webhooks\.allowPrivateNetworks/,
    );
    expect(receiver.received).toHaveLength(before);
  });

  it('checks what a name resolves to: localhost is refused', async () => {
    const outcome = await deliver(receiver.url.replace('127.0.0.1', 'localhost'));
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(outcome.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  it('sees through other spellings of an address (decimal, IPv4-mapped IPv6)', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [`http://2130706433:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
      const outcome = await deliver(url);
      expect(outcome.error, url).toMatch(/^refused: .*loopback/);
    }
  });

  it('refuses cloud metadata without connecting', async () => {
    const outcome = await deliver('http://169.254.169.254/latest/meta-data/');
    expect(outcome).toMatchObject({ ok: false, status: null, attempts: 1 });
    expect(outcome.error).toMatch(/link-local/);
  });

  it('calls a receiver in an allowed network, and connects to the vetted address with the original Host', async () => {
    const before = receiver.received.length;
    const outcome = await deliver(receiver.url.replace('127.0.0.1', 'localhost'), {
      allowedNetworks: ['127.0.0.0/8', '::1'],
    });
    expect(outcome).toEqual({ ok: true, status: 200, attempts: 1, error: null });
    expect(receiver.received).toHaveLength(before + 1);
    expect(receiver.received.at(-1)?.headers.host).toBe(`localhost:${new URL(receiver.url).port}`);
    // Another network allowed is not this one.
    const refused = await deliver(receiver.url, { allowedNetworks: ['10.0.0.0/8'] });
    expect(refused.error).toMatch(/^refused: 127\.0\.0\.1/);
  });

  it('calls any address with allowPrivateNetworks (the embedded mode)', async () => {
    const outcome = await deliver(receiver.url, { allowPrivateNetworks: true });
    expect(outcome).toEqual({ ok: true, status: 200, attempts: 1, error: null });
  });

  it('records a failed delivery for a bad allowlist, and parseAllowedNetworks names the entry', async () => {
    const outcome = await deliver(receiver.url, { allowedNetworks: ['10.0.0.0/40'] });
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(outcome.error).toMatch(/"10\.0\.0\.0\/40" is not a network/);
    expect(() => parseAllowedNetworks(['example.com/8'])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/example\.com\/8/) }),
    );
    expect(() => parseAllowedNetworks(['10.0.0.0/8', 'fd00::/8', '192.168.1.7'])).not.toThrow();
  });

  it('retries a name that does not resolve, as a network error', async () => {
    const outcome = await deliver('http://no-such-host.invalid/hook');
    expect(outcome).toMatchObject({ ok: false, attempts: 3 });
    expect(outcome.error).toMatch(/no-such-host\.invalid could not be resolved/);
  });
});
