import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  collectFileReferences,
  defaultLanguageChecks,
  insertIdIntoDefinitionText,
  type Problem,
  parseDefinition,
  type Resource,
  replaceFileReferences,
  substituteEnvironmentPlaceholders,
  TracecheckError,
} from '@tracecheck/core';
import { parse, stringify } from 'yaml';
import { displayPath } from '../files';
import type { CliIo } from '../io';
import type { ServerClient } from '../server-client';
import type { CliResource } from './cli-resources';
import { ALL_RESOURCES, createIdentity, isIdentityResource, type Secret } from './identity-resources';

/** A definition read from disk, validated, with its file references resolved (SPEC §9.6). */
export interface PreparedDefinition {
  readonly resource: Resource;
  /** The file's bytes as read, for the id write-back (never the text after `${NAME}` substitution). */
  readonly raw: string;
  readonly hasId: boolean;
  /** Warnings of the definition reader (legacy kinds, unknown keys) as `file:line:column: warning: …`. */
  readonly warnings: readonly string[];
}

export interface AppliedDefinition {
  readonly id: string;
  readonly resource: Resource;
  /** The server's answer in the format asked for: JSON `{type, spec}` or YAML text. */
  readonly answer: { readonly type: string; readonly spec: Record<string, unknown> } | string;
  readonly warnings: readonly string[];
  /** A created token's plaintext or invite's code, shown this once (it is also in `answer`). */
  readonly secret?: Secret;
}

function formatProblem(shown: string, p: Problem): string {
  return `${shown}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

/** Reads a definition file; missing → FILE_NOT_FOUND (exit 3), invalid → every problem at file:line:column. */
export async function prepareDefinition(
  io: CliIo,
  client: ServerClient,
  file: string,
): Promise<PreparedDefinition> {
  const shown = displayPath(io.cwd, file);
  const raw = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new TracecheckError('FILE_NOT_FOUND', `cannot read "${shown}": no such file`);
    }
    throw new TracecheckError(
      'FILE_UNREADABLE',
      error.code === 'EISDIR'
        ? `cannot read "${shown}": it is a directory, give the files in it`
        : `cannot read "${shown}": ${error.message}`,
    );
  });
  const text = substituteEnvironmentPlaceholders(raw, (name) => io.env[name]);
  const parsed = parseDefinition(text, { fileName: shown, languageChecks: defaultLanguageChecks });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  const warnings = parsed.problems.filter((p) => p.severity !== 'error').map((p) => formatProblem(shown, p));
  if (errors.length > 0 || !parsed.resource) {
    throw new TracecheckError('DEFINITION_INVALID', errors.map((p) => formatProblem(shown, p)).join('\n'));
  }
  const dir = path.dirname(file);
  const applied = new Map<string, string>();
  for (const ref of collectFileReferences(parsed.resource)) {
    if (ref.action !== 'apply') continue;
    const target = path.resolve(dir, ref.filePath);
    const result = await applyDefinitionFile(io, client, target);
    applied.set(ref.filePath, result.id);
  }
  const resource = replaceFileReferences(parsed.resource, (ref) => {
    if (ref.action === 'apply') return applied.get(ref.filePath);
    const target = path.resolve(dir, ref.filePath);
    return existsSync(target) && statSync(target).isFile() ? readFileSync(target, 'utf8') : undefined;
  });
  const spec = resource.spec as { id?: string };
  return { resource, raw, hasId: spec.id !== undefined && spec.id !== '', warnings };
}

/** The resource a document's `type` is applied as. */
export function resourceOfType(type: string): CliResource | undefined {
  return ALL_RESOURCES.find((r) => r.type === type);
}

/**
 * Applies a definition file (upsert, SPEC Appendix A) and writes a generated id back into it as the
 * first key of `spec` (SPEC §1.3, recommended variant). Files it references (polling profile, suite
 * steps, monitor tests) are applied first and replaced by their ids. With `expected`, the file's type
 * must be that resource's (SPEC §1.2: "cannot apply X to Y resource").
 * @example const { id } = await applyDefinitionFile(io, client, '/abs/test.yaml');
 */
export async function applyDefinitionFile(
  io: CliIo,
  client: ServerClient,
  file: string,
  options: { readonly expected?: CliResource; readonly format?: 'json' | 'yaml' } = {},
): Promise<AppliedDefinition> {
  const prepared = await prepareDefinition(io, client, file);
  const { resource } = prepared;
  const target = resourceOfType(resource.type);
  const shown = displayPath(io.cwd, file);
  if (options.expected && target !== options.expected) {
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `cannot apply ${resource.type} to ${options.expected.type} resource: "${shown}" is a ${resource.type}; use \`tracecheck apply ${target?.name ?? '<resource>'} -f ${shown}\` or just \`tracecheck apply -f ${shown}\``,
    );
  }
  if (!target || target.readOnly) {
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `"${shown}" is a ${resource.type}, which this server cannot apply from a file`,
    );
  }
  if (isIdentityResource(target)) {
    // Created, not upserted: no id is written back (applying the file again creates another one).
    const created = await createIdentity(client, target, resource);
    const view = {
      type: resource.type,
      spec: created.spec,
      ...(created.secret ? { [created.secret.field]: created.secret.value } : {}),
    };
    return {
      id: String(created.spec.id ?? ''),
      resource,
      answer: options.format === 'yaml' ? stringify(view) : view,
      warnings: prepared.warnings,
      ...(created.secret ? { secret: created.secret } : {}),
    };
  }
  const body = { type: resource.type, spec: resource.spec };
  let id: string;
  let answer: AppliedDefinition['answer'];
  if (options.format === 'yaml') {
    const yamlText = await client.text('PUT', `/${target.plural}`, 'text/yaml', body);
    const data = parse(yamlText) as { spec?: { id?: unknown } } | null;
    id = String(data?.spec?.id ?? '');
    answer = yamlText;
  } else {
    const stored = await client.json<{ type: string; spec: Record<string, unknown> }>(
      'PUT',
      `/${target.plural}`,
      body,
    );
    id = String(stored.spec.id ?? '');
    answer = stored;
  }
  if (!prepared.hasId && id !== '') {
    const updated = insertIdIntoDefinitionText(prepared.raw, id);
    if (updated !== prepared.raw) await writeFile(file, updated);
  }
  return { id, resource, answer, warnings: prepared.warnings };
}
