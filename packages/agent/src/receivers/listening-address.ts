import { isIPv6 } from 'node:net';

/** Where a receiver listens once started. */
export interface ListeningAddress {
  /** The bound address as configured (`0.0.0.0`, `::`, `127.0.0.1`, ...). */
  readonly host: string;
  /** The bound port (the one the system picked when 0 was configured). */
  readonly port: number;
  /**
   * An address a client on this machine can use: `http://127.0.0.1:4318` for OTLP/HTTP,
   * `127.0.0.1:4317` for OTLP/gRPC (a wildcard bind is reached through the loopback address).
   */
  readonly endpoint: string;
}

/** Builds the `ListeningAddress` of a bound receiver; `scheme` is `http` or omitted for gRPC. */
export function describeListeningAddress(host: string, port: number, scheme?: 'http'): ListeningAddress {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const hostPort = isIPv6(reachable) ? `[${reachable}]:${port}` : `${reachable}:${port}`;
  return { host, port, endpoint: scheme ? `${scheme}://${hostPort}` : hostPort };
}

/** `host:port` as gRPC's bind call wants it (IPv6 addresses in brackets). */
export function formatBindAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
