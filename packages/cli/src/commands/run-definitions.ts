import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  collectFileReferences,
  defaultLanguageChecks,
  insertIdIntoDefinitionText,
  parseDefinition,
  type Resource,
  replaceFileReferences,
  substituteEnvironmentPlaceholders,
  TracecheckError,
} from '@tracecheck/core';
import { displayPath } from '../files';
import type { CliIo } from '../io';
import type { ServerClient } from '../server-client';

/** A definition file that could not be read (SPEC §9.3: "Invalid definition file found", exit 3). */
export class FileError extends Error {}

/** Reads a definition, substitutes `${NAME}` from the environment, validates and resolves file references. */
export async function prepareResource(
  io: CliIo,
  client: ServerClient,
  file: string,
): Promise<{ resource: Resource; raw: string; hasId: boolean }> {
  const raw = await readFile(file, 'utf8').catch(() => {
    throw new FileError(`cannot read "${displayPath(io.cwd, file)}"`);
  });
  const text = substituteEnvironmentPlaceholders(raw, (name) => io.env[name]);
  const parsed = parseDefinition(text, {
    fileName: displayPath(io.cwd, file),
    languageChecks: defaultLanguageChecks,
  });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !parsed.resource) {
    const lines = errors.map(
      (p) => `${displayPath(io.cwd, file)}:${p.line}:${p.column}: error: ${p.message}`,
    );
    throw new TracecheckError('DEFINITION_INVALID', lines.join('\n'));
  }
  const dir = path.dirname(file);
  const applied = new Map<string, string>();
  for (const ref of collectFileReferences(parsed.resource)) {
    if (ref.action !== 'apply') continue;
    const target = path.resolve(dir, ref.filePath);
    const id = await applyFile(io, client, target);
    applied.set(ref.filePath, id);
  }
  const resource = replaceFileReferences(parsed.resource, (ref) => {
    if (ref.action === 'apply') return applied.get(ref.filePath);
    const target = path.resolve(dir, ref.filePath);
    return existsSync(target) && statSync(target).isFile() ? readFileSync(target, 'utf8') : undefined;
  });
  const spec = resource.spec as { id?: string };
  return { resource, raw, hasId: spec.id !== undefined && spec.id !== '' };
}

const PLURALS: Readonly<Record<string, string>> = {
  Test: 'tests',
  TestSuite: 'testsuites',
  VariableSet: 'variablesets',
  PollingProfile: 'pollingprofiles',
};

/** Applies a definition file (upsert) and writes a generated id back into it (SPEC §1.3). */
export async function applyFile(io: CliIo, client: ServerClient, file: string): Promise<string> {
  return (await applyDefinition(io, client, file)).id;
}

/** Like `applyFile`, also answering the resource as read (to name it and count its steps). */
export async function applyDefinition(
  io: CliIo,
  client: ServerClient,
  file: string,
): Promise<{ id: string; resource: Resource }> {
  const { resource, raw, hasId } = await prepareResource(io, client, file);
  const plural = PLURALS[resource.type];
  if (!plural)
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `cannot apply a ${resource.type} from "${displayPath(io.cwd, file)}" here`,
    );
  const stored = await client.apply(resource.type, plural, resource.spec);
  if (!hasId) {
    const updated = insertIdIntoDefinitionText(raw, stored.id);
    if (updated !== raw) await writeFile(file, updated);
  }
  return { id: stored.id, resource };
}
