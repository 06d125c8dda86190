import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { displayPath } from '../files';
import type { CliIo } from '../io';

/** What `run test` or `run testsuite` runs. */
export type RunKind = 'test' | 'testsuite';

/** A definition file picked to run. */
export interface RunFile {
  /** Absolute path. */
  readonly path: string;
  /** As the user should see it. */
  readonly shown: string;
}

export interface SkippedFile {
  readonly shown: string;
  readonly reason: string;
}

export type RunFileSelection =
  | {
      readonly ok: true;
      readonly files: readonly RunFile[];
      readonly skipped: readonly SkippedFile[];
      /** True when a directory or several files were given: the runs form a group (SPEC §0). */
      readonly group: boolean;
    }
  | { readonly ok: false; readonly missing: string };

/** The `type:` values each `run` argument picks from a directory (legacy `Transaction` is a suite). */
const TYPES_OF: Readonly<Record<RunKind, readonly string[]>> = {
  test: ['Test'],
  testsuite: ['TestSuite', 'Transaction'],
};

/**
 * Expands `-f` arguments in order. A file named explicitly always runs (its `type:` decides what it
 * is, as Tracetest's CLI does); from a directory (recursively) only the `.yaml`/`.yml` definitions of
 * the asked kind run, and every other file is listed as skipped with the reason.
 * @example await selectRunFiles(io, 'test', ['tests/']) // { ok: true, files: [...], skipped: [...] }
 */
export async function selectRunFiles(
  io: CliIo,
  kind: RunKind,
  args: readonly string[],
): Promise<RunFileSelection> {
  const files: RunFile[] = [];
  const skipped: SkippedFile[] = [];
  let directories = 0;
  for (const arg of args) {
    const full = path.resolve(io.cwd, arg);
    const info = await stat(full).catch(() => undefined);
    if (!info) return { ok: false, missing: arg };
    if (!info.isDirectory()) {
      files.push({ path: full, shown: displayPath(io.cwd, full) });
      continue;
    }
    directories++;
    const found = await listFiles(full);
    if (found.length === 0) {
      skipped.push({ shown: displayPath(io.cwd, full), reason: 'the directory holds no file' });
    }
    for (const file of found) {
      const shown = displayPath(io.cwd, file);
      if (!/\.ya?ml$/i.test(file)) {
        skipped.push({ shown, reason: 'not a .yaml or .yml file' });
        continue;
      }
      const type = await readDefinitionType(file);
      if (type === null) {
        // Broken YAML may be a broken test: run it, so its error is reported rather than hidden.
        files.push({ path: file, shown });
      } else if (type === undefined) {
        skipped.push({ shown, reason: 'not a Tracecheck definition (no top-level "type:")' });
      } else if (TYPES_OF[kind].includes(type)) {
        files.push({ path: file, shown });
      } else {
        const other = kind === 'test' ? 'run testsuite' : 'run test';
        const runnable = [...TYPES_OF.test, ...TYPES_OF.testsuite].includes(type);
        skipped.push({
          shown,
          reason: runnable
            ? `a ${type}, not a ${kind === 'test' ? 'Test' : 'TestSuite'} (use \`tracecheck ${other}\` for it)`
            : `a ${type}: only ${kind === 'test' ? 'Test' : 'TestSuite'} files run`,
        });
      }
    }
  }
  const unique = files.filter((file, index) => files.findIndex((f) => f.path === file.path) === index);
  return { ok: true, files: unique, skipped, group: directories > 0 || args.length > 1 };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The top-level `type:` of the file's first document; `undefined` when it has none, `null` when not YAML. */
async function readDefinitionType(file: string): Promise<string | undefined | null> {
  try {
    const text = await readFile(file, 'utf8');
    const value = parseYaml(text.split(/^---\s*$/m).find((doc) => doc.trim() !== '') ?? '') as unknown;
    if (value && typeof value === 'object' && 'type' in value) {
      const type = (value as { type: unknown }).type;
      return typeof type === 'string' ? type : undefined;
    }
    return undefined;
  } catch {
    return null;
  }
}
