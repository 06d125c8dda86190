import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TracecheckError } from '@tracecheck/core';
import {
  bootstrapAdminToken,
  type ControlPlane,
  type ControlPlaneRole,
  connectNats,
  createControlPlane,
  createJetStreamQueue,
  createNatsEventBus,
  createNatsLinkRelay,
  createPostgresStore,
  createSecretBox,
  createServerLogger,
  createSignInService,
  type Scope,
} from '@tracecheck/server';
import { WEB_ASSETS_DIR } from '@tracecheck/web';
import type { Command } from 'commander';
import { dashboardBuilt } from '../dashboard';
import { type CliIo, readEnv } from '../io';
import { CLI_VERSION } from '../version';
import { loadServerConfigFile, resolveConfiguredSignIn } from './server-config';

interface ServerOptions {
  readonly databaseUrl?: string;
  readonly databaseSchema?: string;
  readonly natsUrl?: string;
  readonly role: string;
  readonly host: string;
  readonly port: string;
  readonly agentKey?: string;
  readonly logLevel: string;
  readonly bootstrapTokenFile?: string;
  readonly config?: string;
  readonly publicUrl?: string;
}

/** The first organization and environment of a distributed install. */
export const DEFAULT_SCOPE: Scope = { organizationId: 'default', environmentId: 'default' };

/**
 * `tracecheck server`: one process of the distributed control plane (api, worker or both) on
 * PostgreSQL and NATS JetStream. Run any number of each.
 */
export function registerServerCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('server')
    .description('run a distributed control-plane process (api, worker or all) on PostgreSQL and NATS')
    .option('--database-url <url>', 'PostgreSQL connection string (env TRACECHECK_DATABASE_URL)')
    .option('--database-schema <name>', 'PostgreSQL schema of the tables', 'public')
    .option('--nats-url <url>', 'NATS server with JetStream (env TRACECHECK_NATS_URL)')
    .option('--role <role>', 'api, worker or all', 'all')
    .option('--host <address>', 'address the API listens on', '0.0.0.0')
    .option('--port <port>', 'port of the API', '11633')
    .option('--agent-key <key>', 'the key agents present on the agent link (env TRACECHECK_AGENT_KEY)')
    .option(
      '--bootstrap-token-file <file>',
      'on the first start against an empty database, write the first admin token here (mode 0600) instead of printing it',
    )
    .option(
      '--config <file>',
      'YAML with a signIn block (single sign-on) and a webhooks block (env TRACECHECK_CONFIG)',
    )
    .option(
      '--public-url <url>',
      "the URL users reach the API at (env TRACECHECK_PUBLIC_URL; overrides the file's signIn.publicUrl)",
    )
    .option('-l, --log-level <level>', 'trace, debug, info, warn, error', 'info')
    .action(async (options: ServerOptions) => {
      setExit(await runServer(io, options));
    });
}

async function runServer(io: CliIo, options: ServerOptions): Promise<number> {
  const databaseUrl = options.databaseUrl ?? readEnv(io, 'DATABASE_URL');
  const natsUrl = options.natsUrl ?? readEnv(io, 'NATS_URL');
  if (!databaseUrl || !natsUrl) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      'the distributed mode needs --database-url (PostgreSQL) and --nats-url (NATS with JetStream); for one process on this machine use `tracecheck start`',
    );
  }
  const roles: ControlPlaneRole[] =
    options.role === 'all'
      ? ['api', 'worker']
      : options.role === 'api' || options.role === 'worker'
        ? [options.role]
        : [];
  if (roles.length === 0) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `--role "${options.role}" is not a role: use api, worker or all`,
    );
  }
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `--port "${options.port}" is not a port: give a number from 0 to 65535`,
    );
  }
  const agentKey = options.agentKey ?? readEnv(io, 'AGENT_KEY');
  const secretKeyText = readEnv(io, 'SECRET_KEY');
  const secretKey = secretKeyText === undefined ? undefined : Buffer.from(secretKeyText, 'base64');
  if (secretKey !== undefined && secretKey.length !== 32) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      'TRACECHECK_SECRET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`); every process needs the same key',
    );
  }
  const configFile = options.config ?? readEnv(io, 'CONFIG');
  const config = configFile ? await loadServerConfigFile(configFile, io) : undefined;
  const signInConfig = resolveConfiguredSignIn(config, options.publicUrl ?? readEnv(io, 'PUBLIC_URL'));
  const logger = createServerLogger({
    level: options.logLevel,
    base: { service: 'tracecheck-server', role: options.role },
  });
  const store = await createPostgresStore({
    connectionString: databaseUrl,
    ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
  });
  // Before anything else is written: of several processes starting on an empty database, exactly one
  // creates the first organization, environment and admin token.
  const bootstrap = await bootstrapAdminToken(store, {
    scope: DEFAULT_SCOPE,
    organizationName: 'Default',
    environmentName: 'default',
  });
  if (bootstrap !== undefined) {
    if (options.bootstrapTokenFile) {
      await writeFile(path.resolve(io.cwd, options.bootstrapTokenFile), `${bootstrap.token}\n`, {
        mode: 0o600,
      });
      io.stdout.write(`first start: the admin token was written to ${options.bootstrapTokenFile}\n`);
    } else {
      io.stdout.write(
        `first start: the admin token (shown only this once; keep it in a secret store):\n  ${bootstrap.token}\n`,
      );
    }
  }
  await store.upsertOrganization({ id: DEFAULT_SCOPE.organizationId, name: 'Default' });
  await store.upsertEnvironment(DEFAULT_SCOPE, 'default');
  const queue = await createJetStreamQueue({
    servers: natsUrl,
    maxDeliveries: 5,
    backoffMs: [500, 2000, 10_000],
    ackTimeoutMs: 30_000,
    logger: logger.child({ component: 'queue' }),
  });
  const bus = await createNatsEventBus({ servers: natsUrl, logger: logger.child({ component: 'events' }) });
  const relay = createNatsLinkRelay({
    connection: await connectNats(natsUrl, 'tracecheck-link'),
    logger: logger.child({ component: 'link' }),
  });
  const plane: ControlPlane = createControlPlane({
    mode: 'distributed',
    roles,
    store,
    queue,
    bus,
    relay,
    logger,
    version: CLI_VERSION,
    http: { host: options.host, port },
    defaultScope: DEFAULT_SCOPE,
    identity: signInConfig
      ? {
          signIn: createSignInService({
            config: signInConfig,
            sessions: store.sessions,
            users: store.identity,
          }),
        }
      : {},
    ...(config?.webhooks ? { monitors: { webhooks: config.webhooks } } : {}),
    ...(secretKey ? { secretBox: createSecretBox(new Uint8Array(secretKey)) } : {}),
    ...(dashboardBuilt() ? { webAssetsDir: WEB_ASSETS_DIR } : {}),
    ...(agentKey
      ? {
          // The shared --agent-key, besides agent keys and organization tokens.
          authenticateAgent: async (token: string) =>
            token === agentKey ? DEFAULT_SCOPE : plane.access?.authenticateAgent(token),
        }
      : {}),
  });
  const { url } = await plane.start();
  io.stdout.write(
    `tracecheck server (${roles.join(' + ')}) is running${url ? `: API ${url}/api` : ''}${
      roles.includes('api')
        ? '\n  agents authenticate with agent keys (tc_agent_…) or organization tokens' +
          (
            signInConfig
              ? `\n  sign-in    ${signInConfig.publicUrl} (${signInConfig.providers.map((provider) => provider.id).join(', ') || 'one-time links only'})`
              : ''
          )
        : ''
    }\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await plane.stop();
  return 0;
}
