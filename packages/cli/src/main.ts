import { TracecheckError } from '@tracecheck/core';
import { Command, CommanderError, Option } from 'commander';
import { registerAgentCommand } from './commands/agent';
import { registerConfigureCommand } from './commands/configure';
import { registerDashboardCommand } from './commands/dashboard';
import { rewriteLegacyArgs } from './commands/legacy-args';
import { registerResourceCommands } from './commands/resources';
import { registerRunCommand } from './commands/run';
import { registerServerCommand } from './commands/server';
import { registerStartCommand } from './commands/start';
import { registerValidateCommand } from './commands/validate';
import { registerVersionCommand } from './commands/version';
import { type CliIo, processIo } from './io';
import { CLI_VERSION } from './version';

/** Exit codes of SPEC §9.4. */
export const EXIT = { ok: 0, error: 1, notPassed: 2, missingFile: 3 } as const;

/** Builds the command tree. Each command's action resolves to its exit code through `setExit`. */
export function createProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('tracecheck')
    .description('Trace-based testing: trigger, collect the trace, assert on its spans.')
    .version(CLI_VERSION, '--version', 'print the CLI version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['pretty', 'json', 'yaml']))
    .option('-v, --verbose', 'debug logs', false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerValidateCommand(program, io, setExit);
  registerRunCommand(program, io, setExit);
  registerAgentCommand(program, io, setExit);
  registerStartCommand(program, io, setExit);
  registerServerCommand(program, io, setExit);
  registerResourceCommands(program, io, setExit);
  registerConfigureCommand(program, io, setExit);
  registerDashboardCommand(program, io, setExit);
  registerVersionCommand(program, io, setExit);
  return program;
}

/**
 * Runs the CLI and returns its exit code. The only place where unknown errors become a sentence.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...rewriteLegacyArgs(argv, io)], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage errors (unknown flag, missing argument) with 1.
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof TracecheckError) {
      io.stderr.write(`✘ ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`✘ unexpected error, please report it with the command you ran:\n${message}\n`);
    return EXIT.error;
  }
}
