import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { TracecheckError } from '@tracecheck/core';

/**
 * Where webhooks may go. The control plane never calls an address on its own networks unless told
 * to: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata
 * endpoints, fe80::/10), unspecified, CGNAT (100.64/10), multicast, broadcast and reserved addresses
 * are refused.
 */
export interface WebhookNetworkPolicy {
  /** Allow every address (the embedded mode: it runs on the user's machine). Default false. */
  readonly allowPrivateNetworks?: boolean;
  /** Networks allowed although refused by default, as CIDRs (`10.20.0.0/16`, `fd00:1::/64`, `192.168.1.7`). */
  readonly allowedNetworks?: readonly string[];
}

interface Range {
  readonly network: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly label: string;
}

const REFUSED_RANGES: readonly Range[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', label: 'an unspecified ("this network") address' },
  { network: '127.0.0.0', prefix: 8, family: 'ipv4', label: 'a loopback address' },
  { network: '10.0.0.0', prefix: 8, family: 'ipv4', label: 'a private address (RFC 1918)' },
  { network: '172.16.0.0', prefix: 12, family: 'ipv4', label: 'a private address (RFC 1918)' },
  { network: '192.168.0.0', prefix: 16, family: 'ipv4', label: 'a private address (RFC 1918)' },
  {
    network: '169.254.0.0',
    prefix: 16,
    family: 'ipv4',
    label: 'a link-local address (cloud metadata endpoints live there)',
  },
  { network: '100.64.0.0', prefix: 10, family: 'ipv4', label: 'a carrier-grade NAT address (100.64.0.0/10)' },
  { network: '224.0.0.0', prefix: 4, family: 'ipv4', label: 'a multicast address' },
  { network: '240.0.0.0', prefix: 4, family: 'ipv4', label: 'a reserved or broadcast address' },
  { network: '::', prefix: 128, family: 'ipv6', label: 'the unspecified address' },
  { network: '::1', prefix: 128, family: 'ipv6', label: 'a loopback address' },
  { network: 'fc00::', prefix: 7, family: 'ipv6', label: 'a private (unique local) address' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', label: 'a link-local address' },
  { network: 'ff00::', prefix: 8, family: 'ipv6', label: 'a multicast address' },
];

// One list per range, to say which one an address fell in. IPv4-mapped IPv6 addresses
// (::ffff:127.0.0.1) match the IPv4 ranges (BlockList does that).
const REFUSED = REFUSED_RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { list, label: range.label };
});

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** Why `address` is refused by default, or undefined for a public one. */
export function refusedAddressReason(address: string): string | undefined {
  const family = familyOf(address);
  if (family === undefined) return 'not an IP address';
  return REFUSED.find((entry) => entry.list.check(address, family))?.label;
}

/**
 * The allowlist of a policy; throws `CONFIG_INVALID` naming a bad entry.
 * @example parseAllowedNetworks(['10.20.0.0/16', 'fd00::/8'])
 */
export function parseAllowedNetworks(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [network = '', prefixText, ...rest] = entry.trim().split('/');
    const family = familyOf(network);
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === undefined || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new TracecheckError(
        'CONFIG_INVALID',
        `webhooks.allowedNetworks entry "${entry}" is not a network: write an address with an optional prefix length, e.g. 10.20.0.0/16 or fd00:1::/64`,
      );
    }
    list.addSubnet(network, prefix, family);
  }
  return list;
}

export interface VettedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The vetted addresses to connect to, or why the webhook is refused (not retried) or failed (retried). */
export type WebhookTarget =
  | { readonly ok: true; readonly addresses: readonly VettedAddress[] }
  | { readonly ok: false; readonly error: string; readonly retryable: boolean };

/**
 * Resolves `hostname` (every address it has) and vets them all against the policy: one refused
 * address refuses the webhook, so a name cannot mix a public and a private address. The caller
 * connects to the returned addresses, never resolving the name again (no DNS rebinding between the
 * check and the connection).
 */
export async function resolveWebhookTarget(
  hostname: string,
  policy: WebhookNetworkPolicy,
  allowed: BlockList | undefined,
): Promise<WebhookTarget> {
  const literal = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(literal) !== 0) {
    addresses = [{ address: literal, family: isIP(literal) }];
  } else {
    try {
      addresses = await lookup(literal, { all: true, verbatim: true });
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
      return { ok: false, error: `the host ${literal} could not be resolved${code}`, retryable: true };
    }
  }
  if (addresses.length === 0) {
    return { ok: false, error: `the host ${literal} has no address`, retryable: true };
  }
  if (policy.allowPrivateNetworks !== true) {
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      const family = familyOf(address);
      if (reason === undefined || (family !== undefined && allowed?.check(address, family))) continue;
      return {
        ok: false,
        error:
          `refused: ${literal === address ? address : `${literal} resolves to ${address}`}, ${reason}; ` +
          'the control plane does not call its own networks: point the webhook at a public address, or ' +
          'allow the network in the control plane options (webhooks.allowedNetworks or webhooks.allowPrivateNetworks)',
        retryable: false,
      };
    }
  }
  return {
    ok: true,
    addresses: addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 })),
  };
}
