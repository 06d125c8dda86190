import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { TracecheckError } from '@tracecheck/core';
import { type Command, Option } from 'commander';
import { loginWithBrowser } from '../config/browser-login';
import { createServerClient } from '../config/connect-server';
import {
  globalConfigPath,
  localConfigPath,
  resolveConnection,
  validateServerUrl,
} from '../config/connection-config';
import { type ConfigValues, saveConfigFile } from '../config/write-config';
import { type CliIo, createPaint, useColor } from '../io';

interface ConfigureOptions {
  readonly serverUrl?: string;
  readonly endpoint?: string;
  readonly organization?: string;
  readonly environment?: string;
  readonly token?: string;
  readonly global?: boolean;
  readonly ci?: boolean;
  readonly login?: boolean;
  readonly provider?: string;
  readonly config?: string;
}

/** Shows a token's first characters only. */
function maskToken(token: string): string {
  return token.length <= 8 ? '••••' : `${token.slice(0, 8)}… (hidden)`;
}

async function ask(questions: readonly { key: keyof ConfigValues; label: string; current?: string }[]) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answers: Partial<Record<keyof ConfigValues, string>> = {};
  try {
    for (const q of questions) {
      const answer = (await rl.question(`${q.label}${q.current ? ` [${q.current}]` : ''}: `)).trim();
      const value = answer || q.current;
      if (value) answers[q.key] = value;
    }
  } finally {
    rl.close();
  }
  return answers;
}

async function configure(io: CliIo, options: ConfigureOptions): Promise<number> {
  if (options.endpoint) {
    io.stderr.write('warning: -e/--endpoint is deprecated, use --server-url\n');
  }
  const file = options.global ? globalConfigPath(io) : localConfigPath(io, options.config);
  const given: ConfigValues = {
    ...((options.serverUrl ?? options.endpoint)
      ? { serverUrl: (options.serverUrl ?? options.endpoint)! }
      : {}),
    ...(options.organization ? { organizationID: options.organization } : {}),
    ...(options.environment ? { environmentID: options.environment } : {}),
    ...(options.token ? { token: options.token } : {}),
  };
  const interactive = !options.ci && process.stdin.isTTY === true && io.stderr.isTTY === true;
  let values: ConfigValues = given;
  if (Object.keys(given).length === 0 && !options.login) {
    if (!interactive) {
      throw new TracecheckError(
        'REQUEST_INVALID',
        'nothing to configure: give --server-url URL, --organization ID, --environment ID and/or --token TOKEN (there is no terminal to ask on)',
      );
    }
    const current = resolveConnection(io, options.config ? { config: options.config } : {});
    values = await ask([
      {
        key: 'serverUrl',
        label: 'Server URL',
        ...(current.serverUrl ? { current: current.serverUrl.value } : {}),
      },
      {
        key: 'organizationID',
        label: 'Organization ID (empty: the default)',
        ...(current.organizationId ? { current: current.organizationId.value } : {}),
      },
      {
        key: 'environmentID',
        label: 'Environment ID (empty: the default)',
        ...(current.environmentId ? { current: current.environmentId.value } : {}),
      },
      { key: 'token', label: 'API token (empty: sign in with the browser)' },
    ]);
  }
  if (values.serverUrl)
    values = { ...values, serverUrl: validateServerUrl(values.serverUrl, 'given to configure') };

  // People sign in with the browser; CI gives a token.
  const wantsLogin = options.login === true || (interactive && !values.token);
  const connection = resolveConnection(io, {
    ...(values.serverUrl ? { serverUrl: values.serverUrl } : {}),
    ...(values.token ? { token: values.token } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  if (wantsLogin) {
    if (options.ci) {
      throw new TracecheckError(
        'REQUEST_INVALID',
        '--login opens a browser and --ci forbids it: give --token TOKEN',
      );
    }
    const client = createServerClient(io, connection);
    try {
      const login = await loginWithBrowser(
        io,
        client,
        options.provider ? { provider: options.provider } : {},
      );
      io.stderr.write(`Signed in as ${login.user.email ?? login.user.name ?? login.user.id}\n`);
      values = { ...values, token: login.token };
    } catch (error) {
      // Asked for explicitly, a failed sign-in fails; otherwise the rest is still saved.
      if (options.login || !(error instanceof TracecheckError)) throw error;
      io.stderr.write(`note: not signed in: ${error.message}\n`);
    }
  }

  const saved = await saveConfigFile(file, values);
  const paint = createPaint(useColor(io));
  const shown = path.relative(io.cwd, file).startsWith('..') ? file : path.relative(io.cwd, file) || file;
  const rows: [string, string | undefined][] = [
    ['serverUrl', values.serverUrl],
    ['organizationID', values.organizationID],
    ['environmentID', values.environmentID],
    ['token', values.token ? maskToken(values.token) : undefined],
  ];
  io.stdout.write(
    `${paint.green('✔')} saved to ${shown}${saved.token ? ' (mode 0600: it holds a token)' : ''}\n`,
  );
  for (const [key, value] of rows) if (value !== undefined) io.stdout.write(`  ${key.padEnd(15)} ${value}\n`);
  if (values.token && !options.global) {
    io.stderr.write(
      `warning: ${shown} holds a token: keep it out of version control (add it to .gitignore), or save the token with --global\n`,
    );
  }
  return 0;
}

/** `tracecheck configure` (SPEC §9.2): saves server URL, organization, environment and token. */
export function registerConfigureCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('configure')
    .description(
      'save the server URL, organization, environment and token (./tracecheck.yml, or ~/.tracecheck/config.yml with --global)',
    )
    .option('-s, --server-url <url>', 'the Tracecheck server, http:// or https://')
    .addOption(new Option('-e, --endpoint <url>', 'deprecated: use --server-url').hideHelp())
    .option('--organization <id>', 'organization of the requests')
    .option('--environment <id>', 'environment of the requests')
    .option('-t, --token <token>', 'API token (CI); without one on a terminal, sign in with the browser')
    .option('-g, --global', 'write ~/.tracecheck/config.yml instead of ./tracecheck.yml', false)
    .option('--login', 'sign in with the browser and save the token it gives', false)
    .option('--provider <id>', 'with --login: the sign-in provider when the server has several')
    .option('--ci', 'never ask, never open a browser', false)
    .addOption(new Option('-c, --config <file>', 'a local config file instead of ./tracecheck.yml'))
    .action(async (options: ConfigureOptions) => {
      setExit(await configure(io, options));
    });
}
