import { TracecheckError } from '@tracecheck/core';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { createServerClient } from '../config/connect-server';
import { resolveConnection } from '../config/connection-config';
import type { CliIo } from '../io';
import { CLI_VERSION } from '../version';
import {
  addConnectionOptions,
  type ConnectionOptions,
  connectionFlags,
  outputOf,
} from './connection-options';

type ServerAnswer =
  | { readonly reached: true; readonly url: string; readonly version: string }
  | { readonly reached: false; readonly url?: string; readonly reason: string };

async function askServer(io: CliIo, options: ConnectionOptions): Promise<ServerAnswer> {
  const connection = resolveConnection(io, connectionFlags(options));
  if (!connection.serverUrl) {
    return {
      reached: false,
      reason: 'no server configured (tracecheck start, --server-url or tracecheck configure)',
    };
  }
  try {
    const client = createServerClient(io, connection);
    const answer = await client.json<{ version: string }>('GET', '/version');
    return { reached: true, url: client.serverUrl, version: answer.version };
  } catch (error) {
    if (!(error instanceof TracecheckError)) throw error;
    return { reached: false, url: connection.serverUrl.value, reason: error.message };
  }
}

/** `tracecheck version`: the CLI's version and the server's; a mismatch warns, never fails. */
export function registerVersionCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addConnectionOptions(
    program.command('version').description('print the CLI version and the version of the server it talks to'),
  ).action(async (options: ConnectionOptions, command: Command) => {
    const server = await askServer(io, options);
    const output = outputOf(command, 'pretty');
    if (output !== 'pretty') {
      const value = { cli: CLI_VERSION, server };
      io.stdout.write(output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
    } else {
      io.stdout.write(`tracecheck CLI ${CLI_VERSION}\n`);
      io.stdout.write(
        server.reached
          ? `server         ${server.version} (${server.url})\n`
          : `server         not reached${server.url ? ` at ${server.url}` : ''}: ${server.reason}\n`,
      );
    }
    if (server.reached && server.version !== CLI_VERSION) {
      io.stderr.write(
        `warning: the CLI (${CLI_VERSION}) and the server (${server.version}) are different versions; most commands still work, but update the older one when you can\n`,
      );
    }
    setExit(0);
  });
}
