import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TracecheckError } from '@tracecheck/core';

/** Expands files and directories (recursively, `.yaml`/`.yml` files) in argument order. */
export async function expandDefinitionPaths(cwd: string, args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const full = path.resolve(cwd, arg);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      throw new TracecheckError(
        'FILE_NOT_FOUND',
        `cannot read "${arg}": no such file or directory (looked in ${path.dirname(full)})`,
      );
    }
    if (info.isDirectory()) out.push(...(await listYamlFiles(full)));
    else out.push(full);
  }
  return out;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listYamlFiles(full)));
    else if (/\.ya?ml$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/** Reads a text file, turning a missing or unreadable file into a clear TracecheckError. */
export async function readTextFile(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = path.relative(cwd, file) || file;
    if (code === 'ENOENT')
      throw new TracecheckError('FILE_NOT_FOUND', `cannot read "${shown}": no such file`);
    if (code === 'EISDIR')
      throw new TracecheckError('FILE_UNREADABLE', `cannot read "${shown}": it is a directory`);
    throw new TracecheckError('FILE_UNREADABLE', `cannot read "${shown}": ${(error as Error).message}`);
  }
}

/** A path as the user should see it: relative to the working directory when inside it. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
