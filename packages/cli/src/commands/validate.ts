import { defaultLanguageChecks, type Problem, parseDefinitionFile } from '@tracecheck/core';
import type { Command } from 'commander';
import { displayPath, expandDefinitionPaths, readTextFile } from '../files';
import { type CliIo, createPaint, useColor } from '../io';

interface ValidateOptions {
  readonly quiet?: boolean;
}

/** `tracecheck validate FILE...`: every problem of every file, with file:line:column. */
export function registerValidateCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check definition files (any kind) and report every problem with file:line:column')
    .argument('<files...>', 'definition files or directories (every .yaml/.yml file inside)')
    .option('-q, --quiet', 'print errors only, not warnings', false)
    .action(async (args: string[], options: ValidateOptions) => {
      setExit(await validateFiles(io, args, options));
    });
}

export async function validateFiles(
  io: CliIo,
  args: readonly string[],
  options: ValidateOptions,
): Promise<number> {
  const paint = createPaint(useColor(io));
  let files: string[];
  try {
    files = await expandDefinitionPaths(io.cwd, args);
  } catch (error) {
    // validate exits 1 for every problem, a missing file included.
    io.stderr.write(`${paint.red('✘')} ${(error as Error).message}\n`);
    return 1;
  }
  let invalid = 0;
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const shown = displayPath(io.cwd, file);
    let problems: readonly Problem[];
    try {
      const text = await readTextFile(file, io.cwd);
      problems = parseDefinitionFile(text, {
        fileName: shown,
        languageChecks: defaultLanguageChecks,
      }).problems;
    } catch (error) {
      problems = [
        {
          severity: 'error',
          code: 'YAML_SYNTAX',
          message: (error as Error).message,
          path: '',
          line: 1,
          column: 1,
        },
      ];
    }
    const fileErrors = problems.filter((p) => p.severity === 'error').length;
    errors += fileErrors;
    warnings += problems.length - fileErrors;
    if (fileErrors > 0) invalid++;
    for (const p of problems) {
      if (p.severity === 'warning' && options.quiet) continue;
      const where = `${shown}:${p.line}:${p.column}`;
      const label = p.severity === 'error' ? paint.red('error') : paint.yellow('warning');
      const at = p.path ? paint.dim(` (${p.path})`) : '';
      io.stdout.write(`${where}: ${label}: ${p.message}${at}\n`);
    }
  }
  const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
  const tail = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (invalid === 0) {
    io.stdout.write(`${paint.green('✔')} ${count} valid (${tail})\n`);
    return 0;
  }
  io.stdout.write(`${paint.red('✘')} ${invalid} of ${count} invalid (${tail})\n`);
  return 1;
}
