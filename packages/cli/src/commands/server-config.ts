import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TracecheckError } from '@tracecheck/core';
import { type ResolvedSignInConfig, resolveSignInConfig, type WebhookOptions } from '@tracecheck/server';
import { parseDocument } from 'yaml';
import { z } from 'zod/v4';

/**
 * The `--config FILE` of `tracecheck server` and `tracecheck start` (YAML):
 *
 * ```yaml
 * signIn:                       # resolveSignInConfig's options
 *   publicUrl: https://tracecheck.example.com
 *   providers:
 *     - { id: github, kind: github, clientId: Iv1.abc, clientSecret: ${GITHUB_CLIENT_SECRET} }
 *   signUp: { policy: domains, domains: [example.com] }
 * webhooks:                     # where monitor webhooks may go
 *   allowPrivateNetworks: false
 *   allowedNetworks: [10.20.0.0/16]
 * ```
 *
 * `${NAME}` in any string is replaced by the environment variable NAME (after parsing, so a value
 * cannot inject YAML); `$${` writes a literal `${`.
 */
export interface ServerConfigFile {
  /** The file, as given (for messages). */
  readonly file: string;
  /** The `signIn` block with variables replaced, not yet validated (see `resolveConfiguredSignIn`). */
  readonly signIn?: Record<string, unknown>;
  readonly webhooks?: WebhookOptions;
}

const FileSchema = z.strictObject({
  signIn: z.record(z.string(), z.unknown()).optional(),
  webhooks: z
    .strictObject({
      allowPrivateNetworks: z.boolean().optional(),
      allowedNetworks: z.array(z.string()).optional(),
      maxAttempts: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
});

function invalid(file: string, problem: string): TracecheckError {
  return new TracecheckError('CONFIG_INVALID', `${file}: ${problem}`);
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{[^}]*\}?/g;

function substitute(
  value: unknown,
  where: string,
  env: Readonly<Record<string, string | undefined>>,
  file: string,
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (match, name: string | undefined) => {
      if (match === '$${') return '${';
      if (name === undefined) {
        throw invalid(
          file,
          `${where}: "${match}" is not a variable reference: write \${NAME} (letters, digits, _)`,
        );
      }
      const found = env[name];
      if (found === undefined) {
        throw invalid(
          file,
          `${where} refers to \${${name}}, which is not set: export ${name} in the server's environment`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => substitute(item, `${where}.${index}`, env, file));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substitute(item, where ? `${where}.${key}` : key, env, file),
      ]),
    );
  }
  return value;
}

/**
 * Reads and checks a server configuration file; every error names the file and what is wrong.
 * @example await loadServerConfigFile('tracecheck-server.yaml', { cwd, env: process.env })
 */
export async function loadServerConfigFile(
  file: string,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Promise<ServerConfigFile> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw invalid(file, `cannot read the configuration file (${code}): check the --config path`);
  }
  const document = parseDocument(text, { prettyErrors: true });
  const [yamlError] = document.errors;
  if (yamlError) {
    throw invalid(file, `not valid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}`,
    );
    throw invalid(
      file,
      `${problems.join('; ')} (the file holds a signIn block and a webhooks block; see the CLI README)`,
    );
  }
  const signIn =
    parsed.data.signIn === undefined
      ? undefined
      : (substitute(parsed.data.signIn, 'signIn', io.env, file) as Record<string, unknown>);
  const webhooks = parsed.data.webhooks as WebhookOptions | undefined;
  return { file, ...(signIn ? { signIn } : {}), ...(webhooks ? { webhooks } : {}) };
}

/**
 * The sign-in configuration of a server: the file's `signIn` block, its `publicUrl` replaced by
 * `publicUrl` when given. Undefined when neither is there. A bad block throws `CONFIG_INVALID`
 * naming the file and every problem.
 */
export function resolveConfiguredSignIn(
  config: ServerConfigFile | undefined,
  publicUrl: string | undefined,
): ResolvedSignInConfig | undefined {
  if (config?.signIn === undefined && publicUrl === undefined) return undefined;
  const options = { providers: [], ...config?.signIn, ...(publicUrl === undefined ? {} : { publicUrl }) };
  try {
    return resolveSignInConfig(options);
  } catch (error) {
    if (error instanceof TracecheckError && config !== undefined) {
      throw new TracecheckError('CONFIG_INVALID', `${config.file}: ${error.message}`, error.details, {
        cause: error,
      });
    }
    throw error;
  }
}
