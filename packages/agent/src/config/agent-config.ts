import { TracecheckError } from '@tracecheck/core';
import { type ZodTypeAny, z } from 'zod';

const MIB = 1024 * 1024;

const port = z.number().int().min(0).max(65535);

/**
 * The agent's configuration: one schema, a default and a description for every key. Environment
 * variable names are derived from the key path (`otlpServer.httpPort` → `TRACECHECK_OTLP_SERVER_HTTP_PORT`,
 * the same name Tracetest's agent reads under `TRACETEST_`).
 */
export const agentConfigSchema = z
  .object({
    otlpServer: z
      .object({
        host: z
          .string()
          .min(1)
          .default('0.0.0.0')
          .describe(
            'Address both OTLP receivers bind to: 0.0.0.0 for every IPv4 interface, :: for every interface, 127.0.0.1 for this machine only.',
          ),
        httpPort: port
          .default(4318)
          .describe(
            'Port of the OTLP/HTTP receiver (POST /v1/traces; also serves /metrics and /healthz). 0 picks a free port.',
          ),
        grpcPort: port.default(4317).describe('Port of the OTLP/gRPC receiver. 0 picks a free port.'),
        httpEnabled: z.boolean().default(true).describe('Run the OTLP/HTTP receiver.'),
        grpcEnabled: z.boolean().default(true).describe('Run the OTLP/gRPC receiver.'),
        maxMessageBytes: z
          .number()
          .int()
          .positive()
          .default(64 * MIB)
          .describe(
            'Largest OTLP message accepted, both as sent and once decompressed; larger ones get HTTP 413 / gRPC RESOURCE_EXHAUSTED.',
          ),
        maxConcurrentExports: z
          .number()
          .int()
          .positive()
          .default(64)
          .describe(
            'Export requests received and decoded at the same time; more get HTTP 429 / gRPC UNAVAILABLE with a retry delay.',
          ),
        retryAfterSeconds: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('Delay the agent asks clients to wait before retrying when it sheds load (Retry-After).'),
        requestTimeoutMs: z
          .number()
          .int()
          .positive()
          .default(30_000)
          .describe(
            'An OTLP/HTTP request must be fully received within this time, or its connection is closed.',
          ),
        corsAllowedOrigins: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Browser origins allowed to send spans to /v1/traces (comma-separated in the environment; "*" for any). Empty: no CORS.',
          ),
      })
      .strict()
      .default({}),
    spanCache: z
      .object({
        ttlMs: z
          .number()
          .int()
          .positive()
          .default(30 * 60_000)
          .describe(
            'A trace is dropped from the span cache when none of its spans arrived for this long, unless a run watches it.',
          ),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(512 * MIB)
          .describe(
            'Approximate memory the span cache may use; the least recently updated unwatched traces are evicted first.',
          ),
        sweepIntervalMs: z
          .number()
          .int()
          .positive()
          .default(1_000)
          .describe('How often expired traces are swept from the span cache.'),
      })
      .strict()
      .default({}),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Lowest level of the JSON log lines written to standard output.'),
    shutdownTimeoutMs: z
      .number()
      .int()
      .nonnegative()
      .default(10_000)
      .describe('On stop, how long in-flight requests and jobs may take to finish before they are cut off.'),
  })
  .strict();

/** The agent's configuration after defaults: every key present. */
export type ResolvedAgentConfig = z.output<typeof agentConfigSchema>;

type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly U[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** What a caller may set: any subset of the configuration; the rest takes its default. */
export type AgentOptions = DeepPartial<ResolvedAgentConfig>;

/** The kind of value a key holds, which decides how its environment variable is read. */
export type ConfigValueKind = 'number' | 'boolean' | 'string' | 'string-list' | 'enum';

/** One key of the configuration, for CLI help and the docs table. */
export interface ConfigKeyInfo {
  /** Dotted path, e.g. `otlpServer.httpPort`. */
  readonly path: string;
  readonly env: string;
  readonly kind: ConfigValueKind;
  readonly defaultValue: unknown;
  readonly description: string;
  /** The allowed values of an `enum` key. */
  readonly values?: readonly string[];
}

const ENV_PREFIX = 'TRACECHECK_';
const LEGACY_ENV_PREFIX = 'TRACETEST_';

/**
 * Every key of the agent configuration with its environment variable, default and description.
 * @example listAgentConfigKeys().find((k) => k.path === 'otlpServer.httpPort')?.env // 'TRACECHECK_OTLP_SERVER_HTTP_PORT'
 */
export function listAgentConfigKeys(): ConfigKeyInfo[] {
  const keys: ConfigKeyInfo[] = [];
  collectKeys(agentConfigSchema, [], keys);
  return keys;
}

function collectKeys(schema: ZodTypeAny, path: readonly string[], out: ConfigKeyInfo[]): void {
  let node = schema;
  let description = schema.description;
  let defaultValue: unknown;
  while (node instanceof z.ZodDefault || node instanceof z.ZodOptional) {
    if (node instanceof z.ZodDefault) defaultValue = node._def.defaultValue();
    node = node instanceof z.ZodDefault ? node._def.innerType : node.unwrap();
    description ??= node.description;
  }
  if (node instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(node.shape as Record<string, ZodTypeAny>)) {
      collectKeys(child, [...path, key], out);
    }
    return;
  }
  const info = {
    path: path.join('.'),
    env: ENV_PREFIX + path.map(toUpperSnake).join('_'),
    defaultValue,
    description: description ?? '',
  };
  if (node instanceof z.ZodNumber) out.push({ ...info, kind: 'number' });
  else if (node instanceof z.ZodBoolean) out.push({ ...info, kind: 'boolean' });
  else if (node instanceof z.ZodString) out.push({ ...info, kind: 'string' });
  else if (node instanceof z.ZodArray) out.push({ ...info, kind: 'string-list' });
  else if (node instanceof z.ZodEnum) out.push({ ...info, kind: 'enum', values: node.options as string[] });
  else throw new TypeError(`config key "${info.path}" has a type the environment reader does not handle`);
}

function toUpperSnake(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The sources of one resolution, highest precedence first in the merge: flags > env > file > defaults. */
export interface AgentConfigSources {
  /** Command-line flags, already shaped like the config (the CLI builds this object). */
  readonly flags?: AgentOptions;
  /** Environment variables; `process.env` when omitted. `TRACECHECK_X` wins over `TRACETEST_X`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The agent section of a config file, as parsed from YAML/JSON; `fileName` names it in errors. */
  readonly file?: unknown;
  readonly fileName?: string;
}

/**
 * Merges flags > environment > file > defaults into one validated configuration. Throws a
 * `TracecheckError` with code `CONFIG_INVALID` that lists every bad value and where it came from.
 * @example resolveAgentConfig({ flags: { otlpServer: { httpPort: 0 } }, env: {} }).otlpServer.httpPort // 0
 */
export function resolveAgentConfig(sources: AgentConfigSources = {}): ResolvedAgentConfig {
  const env = sources.env ?? process.env;
  const fileName = sources.fileName ?? 'config file';
  const origins = new Map<string, string>();
  const problems: string[] = [];
  const merged: Record<string, unknown> = {};

  if (sources.file !== undefined && sources.file !== null) {
    if (!isPlainObject(sources.file)) {
      throw new TracecheckError(
        'CONFIG_INVALID',
        `invalid agent configuration in ${fileName}: expected a mapping of keys (such as otlpServer, spanCache, logLevel), got ${describeValue(sources.file)}`,
      );
    }
    mergeInto(merged, sources.file, [], `${fileName}`, origins);
  }

  for (const key of listAgentConfigKeys()) {
    let name = key.env;
    let text = env[name];
    if (text === undefined) {
      name = LEGACY_ENV_PREFIX + key.env.slice(ENV_PREFIX.length);
      text = env[name];
    }
    if (text === undefined) continue;
    const parsed = parseEnvValue(key, text.trim());
    if (parsed.ok) {
      setPath(merged, key.path.split('.'), parsed.value);
      origins.set(key.path, `environment variable ${name}`);
    } else {
      problems.push(`${name}="${text}": ${parsed.expected}`);
    }
  }

  if (sources.flags) mergeInto(merged, sources.flags, [], 'flag', origins);

  const result = agentConfigSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        const where = path === '' ? 'at the top level' : `in "${path}"`;
        const known = listAgentConfigKeys()
          .map((key) => key.path)
          .filter((key) => path === '' || key.startsWith(`${path}.`));
        problems.push(
          `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where} (from ${originOf([...issue.path, issue.keys[0]!].join('.'), origins)}): known keys are ${known.join(', ')}`,
        );
        continue;
      }
      const origin = originOf(path, origins);
      const at = path === '' ? 'configuration' : `"${path}"`;
      const value = path === '' ? undefined : getPath(merged, issue.path);
      const shown = value === undefined ? '' : ` = ${JSON.stringify(value)}`;
      problems.push(`${at}${shown} (from ${origin}): ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `invalid agent configuration:\n  - ${problems.join('\n  - ')}\nFix these values; \`tracecheck agent --help\` lists every key with its default.`,
      { problems },
    );
  }
  return result.data!;
}

/** Validates options given in code (embedded mode) and fills in the defaults; no environment is read. */
export function parseAgentOptions(options: AgentOptions = {}): ResolvedAgentConfig {
  return resolveAgentConfig({ flags: options, env: {} });
}

type ParsedEnv = { ok: true; value: unknown } | { ok: false; expected: string };

function parseEnvValue(key: ConfigKeyInfo, text: string): ParsedEnv {
  switch (key.kind) {
    case 'number': {
      const value = Number(text);
      return text !== '' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, expected: 'expected a number' };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return { ok: true, value: true };
      if (lower === 'false' || lower === '0') return { ok: true, value: false };
      return { ok: false, expected: 'expected true or false' };
    }
    case 'string':
    case 'enum':
      return { ok: true, value: text };
    case 'string-list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
  }
}

function mergeInto(
  target: Record<string, unknown>,
  source: object,
  path: readonly string[],
  origin: string,
  origins: Map<string, string>,
): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const childPath = [...path, key];
    if (isPlainObject(value)) {
      const existing = target[key];
      const child = isPlainObject(existing) ? existing : {};
      target[key] = child;
      mergeInto(child, value, childPath, origin, origins);
    } else {
      target[key] = value;
      origins.set(childPath.join('.'), origin);
    }
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[path[path.length - 1]!] = value;
}

function getPath(target: unknown, path: readonly (string | number)[]): unknown {
  let node = target;
  for (const key of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Where the value at `path` (or, for an object, the values under it) came from. */
function originOf(path: string, origins: ReadonlyMap<string, string>): string {
  const exact = origins.get(path);
  if (exact) return exact;
  for (const [key, origin] of origins) {
    if (path === '' || key.startsWith(`${path}.`) || path.startsWith(`${key}.`)) return origin;
  }
  return 'configuration';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}
