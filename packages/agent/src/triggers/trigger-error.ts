import { isTracecheckError, TracecheckError } from '@tracecheck/core';
import type { TriggerContext, TriggerError } from './trigger';

/*
 * Trigger failures travel as `TracecheckError('TRIGGER_FAILED', message, details: TriggerError)` inside a
 * trigger and become `result.error` in `measureTrigger`.
 */

/** Where a trigger was sending, for messages and hints. */
export interface TriggerTarget {
  /** What was attempted, e.g. `POST http://shop.local/items` or `gRPC call shop.Orders/Create`. */
  readonly action: string;
  /** The host name dialled (no port), for the localhost check. */
  readonly host: string;
  /** How to switch certificate verification off for this trigger type. */
  readonly verificationSwitch: string;
}

/** Thrown inside a trigger to fail it with a described error. */
export function failTrigger(error: TriggerError): TracecheckError {
  return new TracecheckError('TRIGGER_FAILED', error.message, error);
}

/** Fails a trigger whose request is unusable (bad URL, bad proto file, …): not a connection error. */
export function failTriggerRequest(message: string, hint: string, context: TriggerContext): TracecheckError {
  return failTrigger({
    connectionError: false,
    runningOnContainer: context.runningOnContainer ?? false,
    targetsLocalhost: false,
    message,
    hint,
  });
}

/** Reads the `TriggerError` carried by an error thrown inside a trigger, describing unexpected ones. */
export function readTriggerError(error: unknown, context: TriggerContext): TriggerError {
  if (isTracecheckError(error) && error.code === 'TRIGGER_FAILED' && isTriggerErrorShape(error.details)) {
    return error.details;
  }
  return {
    connectionError: false,
    runningOnContainer: context.runningOnContainer ?? false,
    targetsLocalhost: false,
    message: `the trigger failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'this is a Tracecheck bug if the request looks right: please report it with the trigger definition',
  };
}

function isTriggerErrorShape(value: unknown): value is TriggerError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'connectionError' in value &&
    'message' in value &&
    typeof value.message === 'string'
  );
}

/** True for host names that mean "this machine" (SPEC §2.11 `targetsLocalhost`). */
export function isLocalhost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '127.0.0.1' || bare === '::1';
}

/** How a request failed below HTTP, gRPC or Kafka semantics. */
export type NetworkFailure =
  | { readonly kind: 'connect-timeout'; readonly timeoutMs: number }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'error'; readonly cause: unknown };

const CONNECTION_ERROR_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed temporarily',
  EAI_FAIL: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'address not available',
};

/** OpenSSL certificate verification failures, as node reports them in `error.code`. */
const CERTIFICATE_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The `code` of a node system error, if any. */
export function readErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function readMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Describes a failure to reach a target: connection errors and timeouts get `connectionError: true` and a
 * hint about the agent's network (localhost inside a container in particular); certificate errors say
 * how to switch verification off or fix the certificate.
 */
export function describeNetworkFailure(
  failure: NetworkFailure,
  target: TriggerTarget,
  context: TriggerContext,
): TriggerError {
  const runningOnContainer = context.runningOnContainer ?? false;
  const targetsLocalhost = isLocalhost(target.host);
  const connection = (reason: string, hint: string): TriggerError => ({
    connectionError: true,
    runningOnContainer,
    targetsLocalhost,
    message: `${target.action} failed: ${reason}`,
    hint: targetsLocalhost ? localhostHint(target.host, runningOnContainer) : hint,
  });
  switch (failure.kind) {
    case 'connect-timeout':
      return connection(
        `no connection to ${target.host} within ${failure.timeoutMs} ms`,
        'is the host reachable from the agent (network, firewall, port)?',
      );
    case 'timeout':
      return connection(
        `no complete response within ${failure.timeoutMs} ms`,
        'is the service up and reachable from the agent? If it is only slow, raise the trigger timeout',
      );
    case 'aborted':
      return {
        connectionError: false,
        runningOnContainer,
        targetsLocalhost,
        message: `${target.action} was aborted: the run was stopped`,
      };
    case 'error':
      return describeErrorCause(failure.cause, target, context, connection);
  }
}

function describeErrorCause(
  cause: unknown,
  target: TriggerTarget,
  context: TriggerContext,
  connection: (reason: string, hint: string) => TriggerError,
): TriggerError {
  const code = readErrorCode(cause);
  const runningOnContainer = context.runningOnContainer ?? false;
  const targetsLocalhost = isLocalhost(target.host);
  if (code !== undefined && code in CONNECTION_ERROR_CODES) {
    const hint =
      code === 'ENOTFOUND' || code.startsWith('EAI_')
        ? `check the host name "${target.host}", and that the agent's DNS can resolve it (a service name only resolves on its own container network)`
        : "is the service running and reachable from the agent's network (firewall, proxy, port)?";
    return connection(`${CONNECTION_ERROR_CODES[code]} (${readMessage(cause)})`, hint);
  }
  if (code !== undefined && CERTIFICATE_ERROR_CODES.has(code)) {
    return {
      connectionError: false,
      runningOnContainer,
      targetsLocalhost,
      message: `${target.action} failed: TLS certificate verification failed: ${readMessage(cause)} (${code})`,
      hint: `set ${target.verificationSwitch} to skip certificate verification, or serve a certificate that is valid for "${target.host}" and signed by a CA the agent trusts (NODE_EXTRA_CA_CERTS adds one)`,
    };
  }
  if (
    code !== undefined &&
    (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')
  ) {
    return {
      connectionError: false,
      runningOnContainer,
      targetsLocalhost,
      message: `${target.action} failed: TLS handshake failed: ${readMessage(cause)} (${code})`,
      hint: 'is the target serving TLS on that port? Use a plaintext address (http://) for a service without TLS',
    };
  }
  return {
    connectionError: false,
    runningOnContainer,
    targetsLocalhost,
    message: `${target.action} failed: ${readMessage(cause)}${code ? ` (${code})` : ''}`,
  };
}

function localhostHint(host: string, runningOnContainer: boolean): string {
  if (runningOnContainer) {
    return `the target is ${host}, but the agent runs in a container, where ${host} is the container itself: use host.docker.internal or the service name on the container network instead`;
  }
  return `is the service running and listening on that port? If the agent runs in a container, ${host} is the container itself: use host.docker.internal or the service name instead`;
}
