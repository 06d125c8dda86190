import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createAgent, createAgentLinkSession } from '@tracecheck/agent';
import { TracecheckError } from '@tracecheck/core';
import {
  type ControlPlane,
  createControlPlane,
  createMemoryEventBus,
  createMemoryQueue,
  createPgliteStore,
  createSecretBox,
  createServerLogger,
  createSignInService,
  ensureLocalOwnerToken,
  resolveSignInConfig,
  type Scope,
} from '@tracecheck/server';
import { WEB_ASSETS_DIR } from '@tracecheck/web';
import type { Command } from 'commander';
import { dashboardBuilt } from '../dashboard';
import type { CliIo } from '../io';
import { CLI_VERSION } from '../version';
import { loadServerConfigFile, resolveConfiguredSignIn } from './server-config';

interface StartOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: string;
  readonly otlpGrpcPort: string;
  readonly otlpHttpPort: string;
  readonly logLevel: string;
  readonly config?: string;
  readonly publicUrl?: string;
}

/** The organization and environment of the embedded mode. */
export const LOCAL_SCOPE: Scope = { organizationId: 'local', environmentId: 'default' };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${flag} "${text}" is not a port: give a number from 0 to 65535`,
    );
  }
  return port;
}

/** `tracecheck start`: API, dashboard, worker, in-process queue, embedded agent and PGlite in one process. */
export function registerStartCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('start')
    .description('start Tracecheck in one process: API, worker, agent and an embedded database')
    .option('--data-dir <dir>', 'where the embedded database lives', '.tracecheck')
    .option('--host <address>', 'address of the API (loopback by default)', '127.0.0.1')
    .option('--port <port>', 'port of the API', '11633')
    .option('--otlp-grpc-port <port>', 'OTLP/gRPC port of the embedded agent', '4317')
    .option('--otlp-http-port <port>', 'OTLP/HTTP port of the embedded agent', '4318')
    .option(
      '--config <file>',
      'YAML with a signIn block (single sign-on; needed for a non-loopback --host) and a webhooks block',
    )
    .option('--public-url <url>', "the URL users reach the server at (overrides the file's signIn.publicUrl)")
    .option('-l, --log-level <level>', 'trace, debug, info, warn, error', 'info')
    .action(async (options: StartOptions) => {
      setExit(await startEmbedded(io, options));
    });
}

async function startEmbedded(io: CliIo, options: StartOptions): Promise<number> {
  const port = parsePort(options.port, '--port');
  const grpcPort = parsePort(options.otlpGrpcPort, '--otlp-grpc-port');
  const httpPort = parsePort(options.otlpHttpPort, '--otlp-http-port');
  const config = options.config ? await loadServerConfigFile(options.config, io) : undefined;
  const loopback = LOOPBACK.has(options.host);
  const explicitPublicUrl = options.publicUrl ?? config?.signIn?.['publicUrl'];
  // Listening beyond this machine needs people to sign in: the admin token alone stays on this machine.
  const refuseHost = () =>
    new TracecheckError(
      'CONFIG_INVALID',
      `--host ${options.host} is not a loopback address, and tracecheck start listens beyond this machine only with single sign-on: ` +
        'give --config FILE with a signIn block (publicUrl, or --public-url, and at least one provider; see the CLI README), ' +
        'or keep the default --host 127.0.0.1',
    );
  if (!loopback && explicitPublicUrl === undefined) throw refuseHost();
  const localUrl = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const signInConfig =
    resolveConfiguredSignIn(
      config,
      options.publicUrl ?? (explicitPublicUrl === undefined ? localUrl : undefined),
    ) ?? resolveSignInConfig({ publicUrl: localUrl, providers: [] });
  if (!loopback && signInConfig.providers.length === 0) throw refuseHost();
  const dataDir = path.resolve(io.cwd, options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logger = createServerLogger({ level: options.logLevel, base: { service: 'tracecheck' } });
  const secretBox = createSecretBox(await loadOrCreateSecretKey(path.join(dataDir, 'secret-key')));
  const store = await createPgliteStore({ dataDir: path.join(dataDir, 'db') });
  await store.upsertOrganization({ id: LOCAL_SCOPE.organizationId, name: 'Local' });
  await store.upsertEnvironment(LOCAL_SCOPE, 'default');
  // The local owner's admin token: `tracecheck run` in this folder reads it from here.
  const adminTokenFile = path.join(dataDir, 'admin-token');
  const localOwner = await ensureLocalOwnerToken(store, { scope: LOCAL_SCOPE, tokenFile: adminTokenFile });
  // The local owner signs in to the dashboard with one-time login links; others with the SSO providers
  // of --config, if any.
  const signIn = createSignInService({
    config: signInConfig,
    sessions: store.sessions,
    users: store.identity,
  });
  const queue = createMemoryQueue({
    maxDeliveries: 5,
    backoffMs: [200, 1000, 5000],
    ackTimeoutMs: 30_000,
    logger: logger.child({ component: 'queue' }),
  });
  const bus = createMemoryEventBus({ logger: logger.child({ component: 'events' }) });
  const agent = createAgent(
    { otlpServer: { host: '0.0.0.0', grpcPort, httpPort }, logLevel: options.logLevel as 'info' },
    { logger: logger.child({ component: 'agent' }) },
  );
  const session = createAgentLinkSession(agent, { agentVersion: CLI_VERSION, name: 'embedded' });
  const plane: ControlPlane = createControlPlane({
    mode: 'embedded',
    store,
    queue,
    bus,
    logger,
    version: CLI_VERSION,
    http: { host: options.host, port },
    defaultScope: LOCAL_SCOPE,
    identity: { signIn },
    // Webhooks may call this machine's networks when only this machine can reach the server; once it
    // listens beyond it, the same rule as the distributed mode (public addresses unless the file allows).
    monitors: { webhooks: { allowPrivateNetworks: loopback, ...config?.webhooks } },
    embeddedAgent: (send) => session.open(send),
    secretBox,
    ...(dashboardBuilt() ? { webAssetsDir: WEB_ASSETS_DIR } : {}),
  });
  const addresses = await agent.start();
  let url: string | undefined;
  try {
    ({ url } = await plane.start());
  } catch (error) {
    await agent.stop();
    throw error;
  }
  const loginLink = await signIn.createLoginLink(localOwner.userId);
  // `tracecheck run` in this folder finds the server here, with no flag.
  const urlFile = path.join(dataDir, 'server-url');
  await writeFile(urlFile, `${url}\n`);
  io.stdout.write(
    [
      `Tracecheck ${CLI_VERSION} is running`,
      `  dashboard  ${dashboardBuilt() ? url : 'not built (npm run build)'}`,
      `  API        ${url}/api`,
      `  OTLP/gRPC  ${addresses.otlpGrpc?.endpoint ?? 'off'}`,
      `  OTLP/HTTP  ${addresses.otlpHttp ? `${addresses.otlpHttp.endpoint}/v1/traces` : 'off'}`,
      `  data       ${dataDir}`,
      `  token      ${adminTokenFile} (admin; send it as Authorization: Bearer)`,
      `  sign in    ${url}${loginLink.path} (one-time link for the dashboard, valid 15 min)`,
      '',
      "Point your application's OTLP exporter at the agent, then run a test:",
      '  npx tracecheck run test -f test.yaml',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout.write('stopping…\n');
  await rm(urlFile, { force: true });
  await plane.stop();
  session.close();
  await agent.stop();
  return 0;
}

/**
 * The key that encrypts secret variable values at rest: generated once into the data folder (mode
 * 0600) and read back on every later start.
 */
async function loadOrCreateSecretKey(file: string): Promise<Uint8Array> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    const key = Buffer.from(existing.trim(), 'base64');
    if (key.length !== 32) {
      throw new TracecheckError(
        'CONFIG_INVALID',
        `${file} does not hold a 32-byte key in base64: restore it from a backup (secrets stored with it cannot be read without it)`,
      );
    }
    return new Uint8Array(key);
  }
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return new Uint8Array(key);
}
