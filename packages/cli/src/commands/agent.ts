import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AgentOptions,
  connectAgentLink,
  createAgent,
  resolveAgentConfig,
  runAgentProcess,
} from '@tracecheck/agent';
import { TracecheckError } from '@tracecheck/core';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { type CliIo, readEnv } from '../io';
import { CLI_VERSION } from '../version';

interface AgentCommandOptions {
  readonly serverUrl?: string;
  readonly apiKey?: string;
  readonly token?: string;
  readonly otlpGrpcPort?: string;
  readonly otlpHttpPort?: string;
  readonly host?: string;
  readonly config?: string;
  readonly logLevel?: string;
}

function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${flag} "${text}" is not a port: give a number from 0 to 65535`,
    );
  }
  return port;
}

/**
 * `tracecheck agent`: the agent as a long-running process. With `--server-url` it dials the control
 * plane (agent link) and runs its jobs; without, it receives and caches OTLP spans on its own.
 */
export function registerAgentCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('agent')
    .description('run the agent: OTLP receivers (gRPC 4317, HTTP 4318), triggers and trace sources')
    .option('--server-url <url>', 'control plane to connect to (env TRACECHECK_SERVER_URL)')
    .option('--api-key <key>', "the environment's agent key (env TRACECHECK_API_KEY)")
    .option('--token <token>', 'an organization token with the admin or agent role (env TRACECHECK_TOKEN)')
    .option('--otlp-grpc-port <port>', 'OTLP/gRPC port (default 4317)')
    .option('--otlp-http-port <port>', 'OTLP/HTTP port (default 4318)')
    .option('--host <address>', 'address the OTLP receivers bind to (default 0.0.0.0)')
    .option('--config <file>', 'agent configuration file (YAML or JSON)')
    .option('-l, --log-level <level>', 'trace, debug, info, warn, error')
    .action(async (options: AgentCommandOptions) => {
      setExit(await runAgentCommand(io, options));
    });
}

async function runAgentCommand(io: CliIo, options: AgentCommandOptions): Promise<number> {
  const grpcPort = parsePort(options.otlpGrpcPort, '--otlp-grpc-port');
  const httpPort = parsePort(options.otlpHttpPort, '--otlp-http-port');
  const flags: AgentOptions = {
    ...(grpcPort !== undefined || httpPort !== undefined || options.host
      ? {
          otlpServer: {
            ...(grpcPort !== undefined ? { grpcPort } : {}),
            ...(httpPort !== undefined ? { httpPort } : {}),
            ...(options.host ? { host: options.host } : {}),
          },
        }
      : {}),
    ...(options.logLevel ? { logLevel: options.logLevel as AgentOptions['logLevel'] } : {}),
  };
  let file: unknown;
  let fileName: string | undefined;
  if (options.config) {
    fileName = path.resolve(io.cwd, options.config);
    const text = await readFile(fileName, 'utf8').catch(() => {
      throw new TracecheckError('FILE_NOT_FOUND', `cannot read the agent configuration "${options.config}"`);
    });
    file = parseYaml(text);
  }
  const config = resolveAgentConfig({ flags, env: io.env, file, ...(fileName ? { fileName } : {}) });
  const agent = createAgent(config);
  const serverUrl = options.serverUrl ?? readEnv(io, 'SERVER_URL');
  const token = options.apiKey ?? options.token ?? readEnv(io, 'API_KEY') ?? readEnv(io, 'TOKEN');
  if (serverUrl && !token) {
    throw new TracecheckError(
      'AUTH_REQUIRED',
      `connecting to ${serverUrl} needs an agent key (--api-key) or an organization token (--token)`,
    );
  }
  let link: ReturnType<typeof connectAgentLink> | undefined;
  await runAgentProcess(agent, {
    onStarted(addresses) {
      const lines = ['tracecheck agent is running'];
      if (addresses.otlpGrpc) lines.push(`  OTLP/gRPC  ${addresses.otlpGrpc.endpoint}`);
      if (addresses.otlpHttp)
        lines.push(`  OTLP/HTTP  ${addresses.otlpHttp.endpoint}/v1/traces (metrics: /metrics)`);
      if (serverUrl && token) {
        link = connectAgentLink({ serverUrl, token, agent, agentVersion: CLI_VERSION });
        lines.push(`  control plane ${serverUrl}`);
      } else {
        lines.push('  no control plane: give --server-url and --api-key to run its tests');
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    },
  });
  await link?.close();
  return 0;
}
