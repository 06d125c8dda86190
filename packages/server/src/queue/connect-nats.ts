import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TracecheckError } from '@tracecheck/core';
import { describeError } from './dead-letter-reason';

/**
 * Connects to NATS and keeps reconnecting after a later outage; a server that cannot be reached at
 * start becomes a `SERVER_UNREACHABLE` error that says what to start.
 * @example const nc = await connectNats('nats://127.0.0.1:4222', 'api-1')
 */
export async function connectNats(
  servers: string | readonly string[],
  name: string,
): Promise<NatsConnection> {
  try {
    return await connect({ servers: [servers].flat(), name, maxReconnectAttempts: -1 });
  } catch (error) {
    throw new TracecheckError(
      'SERVER_UNREACHABLE',
      `cannot connect to NATS at ${describeServers(servers)}: ${describeError(error)}; ` +
        'start nats-server (with -js for the queue) or fix the server URL',
      undefined,
      { cause: error },
    );
  }
}

const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Rejects a subject prefix with wildcards, spaces or empty tokens: it would match other subjects. */
export function assertSubjectPrefix(prefix: string): void {
  if (!SUBJECT_PREFIX.test(prefix)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `subject prefix "${prefix}" is not valid: use dot-separated tokens of letters, digits, _ and - (no wildcards)`,
    );
  }
}

/** The server list as one readable string. */
export function describeServers(servers: string | readonly string[]): string {
  return [servers].flat().join(', ');
}
