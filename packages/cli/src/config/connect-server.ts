import { TracecheckError } from '@tracecheck/core';
import type { CliIo } from '../io';
import { ServerClient } from '../server-client';
import {
  type ConnectionFlags,
  describeSource,
  type ResolvedConnection,
  resolveConnection,
  validateServerUrl,
} from './connection-config';

/** The organization of the embedded server (`LOCAL_SCOPE` of `tracecheck start`). */
export const EMBEDDED_ORGANIZATION_ID = 'local';

/** A client for the server the connection names; throws a sentence saying how to name one when none is. */
export function createServerClient(io: CliIo, connection: ResolvedConnection): ServerClient {
  const url = connection.serverUrl;
  if (!url) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      'no Tracecheck server configured: start one here with `tracecheck start`, give --server-url URL (or TRACECHECK_SERVER_URL), or save one with `tracecheck configure --server-url URL`',
    );
  }
  const urlSource = describeSource(url.source, io.cwd);
  return new ServerClient(validateServerUrl(url.value, urlSource), connection.token?.value, {
    urlSource,
    ...(connection.token ? { tokenSource: describeSource(connection.token.source, io.cwd) } : {}),
    ...(connection.organizationId ? { organizationId: connection.organizationId.value } : {}),
    ...(connection.environmentId ? { environmentId: connection.environmentId.value } : {}),
    // The admin token `tracecheck start` writes is the owner's token of its one organization.
    ...(connection.token?.source.kind === 'embedded'
      ? { tokenOrganizationId: EMBEDDED_ORGANIZATION_ID }
      : {}),
  });
}

/**
 * Resolves the connection (flags > TRACECHECK_* > tracecheck.yml > ~/.tracecheck/config.yml > the
 * embedded server's files) and returns a client for it: what every server command starts with.
 * @example const client = connectServer(io, { serverUrl: options.serverUrl, token: options.token });
 */
export function connectServer(io: CliIo, flags: ConnectionFlags = {}): ServerClient {
  return createServerClient(io, resolveConnection(io, flags));
}
