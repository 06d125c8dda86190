import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { TracecheckError } from '@tracecheck/core';
import { parse } from 'yaml';
import { z } from 'zod/v4';
import { type CliIo, readEnv } from '../io';

/** The local config file, read from the working directory (`--config` names another one). */
export const LOCAL_CONFIG_FILE = 'tracecheck.yml';
/** Where `tracecheck start` writes its URL and its admin token (the embedded mode's data folder). */
export const EMBEDDED_SERVER_URL_FILE = path.join('.tracecheck', 'server-url');
export const EMBEDDED_ADMIN_TOKEN_FILE = path.join('.tracecheck', 'admin-token');

/**
 * A CLI config file (`tracecheck.yml`, `~/.tracecheck/config.yml`). `serverUrl` is Tracecheck's key;
 * Tracetest's `scheme` + `endpoint` + `serverPath` (SPEC §9.1) are read too, so an existing Tracetest
 * config works. Unknown keys (`jwt`, `skipVerify`, ...) are kept and ignored.
 */
export const ConfigFileSchema = z
  .object({
    serverUrl: z
      .string()
      .describe('base URL of the Tracecheck server, e.g. http://localhost:11633')
      .optional(),
    scheme: z.string().describe('Tracetest: http or https').optional(),
    endpoint: z.string().describe('Tracetest: host[:port] of the server').optional(),
    serverPath: z.string().describe('Tracetest: API prefix (default /api)').optional(),
    organizationID: z.string().describe('organization of the requests (x-organization-id)').optional(),
    environmentID: z.string().describe('environment of the requests (x-environment-id)').optional(),
    token: z.string().describe('API token sent as Authorization: Bearer').optional(),
  })
  .loose();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** Where a resolved value came from, for messages ("… (from TRACECHECK_SERVER_URL)"). */
export type ConnectionSource =
  | { readonly kind: 'flag'; readonly name: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'local' | 'global' | 'embedded'; readonly file: string };

export interface ConnectionFlags {
  readonly serverUrl?: string;
  readonly token?: string;
  readonly organization?: string;
  readonly environment?: string;
  /** `-c/--config`: a local config file other than `tracecheck.yml`. */
  readonly config?: string;
}

interface Sourced<T> {
  readonly value: T;
  readonly source: ConnectionSource;
}

/** Server URL, organization, environment and token, each with where it came from. */
export interface ResolvedConnection {
  readonly serverUrl?: Sourced<string>;
  readonly token?: Sourced<string>;
  readonly organizationId?: Sourced<string>;
  readonly environmentId?: Sourced<string>;
}

/** The home folder, from the CLI's environment first so tests can point it elsewhere. */
export function homeDirectory(io: CliIo): string {
  return io.env.HOME ?? io.env.USERPROFILE ?? homedir();
}

export function globalConfigPath(io: CliIo): string {
  return path.join(homeDirectory(io), '.tracecheck', 'config.yml');
}

export function localConfigPath(io: CliIo, config?: string): string {
  return path.resolve(io.cwd, config ?? LOCAL_CONFIG_FILE);
}

/** Reads and validates a config file; undefined when it does not exist. */
export function readConfigFile(file: string): ConfigFile | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `cannot read the config file ${file}: ${(error as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the config file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (data === null || data === undefined) return {};
  const parsed = ConfigFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the config file ${file} is invalid (${problems.join('; ')}): fix it or write it again with \`tracecheck configure\``,
    );
  }
  return parsed.data;
}

/** The server URL a config file names: `serverUrl`, else Tracetest's `scheme://endpoint`. */
export function configServerUrl(config: ConfigFile): string | undefined {
  if (config.serverUrl) return config.serverUrl;
  if (!config.endpoint) return undefined;
  const base = /^https?:\/\//.test(config.endpoint)
    ? config.endpoint
    : `${config.scheme ?? 'http'}://${config.endpoint}`;
  // The CLI adds /api itself; a Tracetest serverPath of /api (the default) or / means the same server.
  const prefix = (config.serverPath ?? '/api').replace(/\/+$/, '');
  return prefix === '' || prefix === '/api'
    ? base
    : `${base.replace(/\/+$/, '')}${prefix.replace(/\/api$/, '')}`;
}

function readTrimmed(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? undefined : text;
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Resolves the connection with one precedence, value by value: flags (`--server-url`, `--token`) >
 * `TRACECHECK_*` environment variables > the local `tracecheck.yml` > `~/.tracecheck/config.yml` > the
 * files `tracecheck start` writes in `.tracecheck/`. The embedded admin token is only used for the
 * embedded server's own URL, so it never leaves for another server.
 * @example resolveConnection(io, { serverUrl: 'http://localhost:11633' }).serverUrl?.value
 */
export function resolveConnection(io: CliIo, flags: ConnectionFlags = {}): ResolvedConnection {
  const localFile = localConfigPath(io, flags.config);
  if (flags.config && !existsSync(localFile)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the config file given with --config does not exist: ${localFile}`,
    );
  }
  const globalFile = globalConfigPath(io);
  const local = readConfigFile(localFile);
  const global = readConfigFile(globalFile);
  const embeddedUrl = readTrimmed(path.join(io.cwd, EMBEDDED_SERVER_URL_FILE));

  type Key = 'serverUrl' | 'token' | 'organization' | 'environment';
  const envNames: Record<Key, string> = {
    serverUrl: 'SERVER_URL',
    token: 'TOKEN',
    organization: 'ORGANIZATION',
    environment: 'ENVIRONMENT',
  };
  const flagNames: Record<Key, string> = {
    serverUrl: '--server-url',
    token: '--token',
    organization: '--organization',
    environment: '--environment',
  };
  const fromFile = (config: ConfigFile | undefined, key: Key): string | undefined => {
    if (!config) return undefined;
    if (key === 'serverUrl') return configServerUrl(config);
    if (key === 'token') return config.token;
    return key === 'organization' ? config.organizationID : config.environmentID;
  };
  const pick = (key: Key): Sourced<string> | undefined => {
    const flag = flags[key];
    if (flag) return { value: flag, source: { kind: 'flag', name: flagNames[key] } };
    const name = envNames[key];
    const env = readEnv(io, name);
    if (env) {
      const envName = io.env[`TRACECHECK_${name}`] !== undefined ? `TRACECHECK_${name}` : `TRACETEST_${name}`;
      return { value: env, source: { kind: 'env', name: envName } };
    }
    const fromLocal = fromFile(local, key);
    if (fromLocal) return { value: fromLocal, source: { kind: 'local', file: localFile } };
    const fromGlobal = fromFile(global, key);
    if (fromGlobal) return { value: fromGlobal, source: { kind: 'global', file: globalFile } };
    return undefined;
  };

  const serverUrl: Sourced<string> | undefined =
    pick('serverUrl') ??
    (embeddedUrl
      ? {
          value: embeddedUrl,
          source: { kind: 'embedded', file: path.join(io.cwd, EMBEDDED_SERVER_URL_FILE) },
        }
      : undefined);
  let token = pick('token');
  if (!token && embeddedUrl && serverUrl && sameServer(serverUrl.value, embeddedUrl)) {
    const tokenFile = path.join(io.cwd, EMBEDDED_ADMIN_TOKEN_FILE);
    const adminToken = readTrimmed(tokenFile);
    if (adminToken) token = { value: adminToken, source: { kind: 'embedded', file: tokenFile } };
  }
  const organizationId = pick('organization');
  const environmentId = pick('environment');
  return {
    ...(serverUrl ? { serverUrl } : {}),
    ...(token ? { token } : {}),
    ...(organizationId ? { organizationId } : {}),
    ...(environmentId ? { environmentId } : {}),
  };
}

/** "from --server-url", "from TRACECHECK_TOKEN", "from ~/.tracecheck/config.yml" … */
export function describeSource(source: ConnectionSource, cwd: string): string {
  switch (source.kind) {
    case 'flag':
    case 'env':
      return `from ${source.name}`;
    case 'local':
    case 'global':
    case 'embedded': {
      const rel = path.relative(cwd, source.file);
      return `from ${rel.startsWith('..') || path.isAbsolute(rel) ? source.file : rel}`;
    }
  }
}

/** Checks that a server URL is usable; the message says how to fix it. */
export function validateServerUrl(url: string, where: string): string {
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the server URL "${url}" (${where}) must start with http:// or https:// and name a host, e.g. http://localhost:11633`,
    );
  }
  return url.replace(/\/+$/, '');
}
