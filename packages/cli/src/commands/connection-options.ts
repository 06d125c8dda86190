import { type Command, Option } from 'commander';
import type { ConnectionFlags } from '../config/connection-config';

/** The flags every server command takes; values left out come from env, config files or `tracecheck start`. */
export interface ConnectionOptions {
  readonly serverUrl?: string;
  readonly token?: string;
  readonly config?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '-s, --server-url <url>',
      'the Tracecheck server (else TRACECHECK_SERVER_URL, tracecheck.yml, ~/.tracecheck/config.yml, or the one `tracecheck start` runs here)',
    )
    .option('-t, --token <token>', 'API token (else TRACECHECK_TOKEN or the config files)')
    .addOption(new Option('-c, --config <file>', 'a local config file instead of ./tracecheck.yml'));
}

export function connectionFlags(options: ConnectionOptions): ConnectionFlags {
  return {
    ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.config ? { config: options.config } : {}),
  };
}

export type OutputFormat = 'pretty' | 'json' | 'yaml';

/** The global `-o/--output`, or the command's default (SPEC §9.2: yaml for apply/get, pretty for list). */
export function outputOf(command: Command, fallback: OutputFormat): OutputFormat {
  return ((command.optsWithGlobals() as { output?: OutputFormat }).output ?? fallback) as OutputFormat;
}
