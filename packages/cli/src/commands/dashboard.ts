import { TracecheckError } from '@tracecheck/core';
import type { Command } from 'commander';
import { connectServer } from '../config/connect-server';
import type { CliIo } from '../io';
import { openBrowser } from '../open-browser';
import type { ServerClient } from '../server-client';
import { addConnectionOptions, type ConnectionOptions, connectionFlags } from './connection-options';

interface DashboardOptions extends ConnectionOptions {
  readonly print?: boolean;
}

/**
 * A one-time login link for the token's user (`POST /api/auth/links`), so the browser arrives signed
 * in; undefined when the server has no such route or the token belongs to no user.
 */
async function createLoginLink(io: CliIo, client: ServerClient): Promise<string | undefined> {
  try {
    const link = await client.json<{ url: string }>('POST', '/auth/links', {});
    return link.url;
  } catch (error) {
    if (!(error instanceof TracecheckError)) throw error;
    if (error.code === 'SERVER_UNREACHABLE') throw error;
    if (error.code !== 'NOT_FOUND') {
      io.stderr.write(
        `note: no login link (${error.message.split(':')[0]}): the dashboard will ask you to sign in\n`,
      );
    }
    return undefined;
  }
}

/** `tracecheck dashboard`: opens the dashboard in the browser, signed in when possible; `--print` prints the URL. */
export function registerDashboardCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addConnectionOptions(
    program
      .command('dashboard')
      .description(
        'open the dashboard in the browser (signed in with a one-time link when the server offers one)',
      )
      .option('--print', 'print the URL instead of opening it', false),
  ).action(async (options: DashboardOptions) => {
    const client = connectServer(io, connectionFlags(options));
    // Checks the server is there before sending anyone to it.
    await client.json('GET', '/version');
    const url = (await createLoginLink(io, client)) ?? `${client.serverUrl}/`;
    if (options.print) {
      io.stdout.write(`${url}\n`);
    } else if (await openBrowser(io, url)) {
      io.stdout.write(`Opened the dashboard in your browser: ${client.serverUrl}/\n`);
    } else {
      io.stdout.write(`Could not open a browser; open this URL:\n  ${url}\n`);
    }
    setExit(0);
  });
}
