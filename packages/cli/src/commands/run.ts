import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  defaultLanguageChecks,
  evaluateRecordedRun,
  loadRecordedTrace,
  parseDefinitionFile,
  parseRequiredGates,
  parseTraceId,
  renderTestJUnit,
  substituteEnvironmentPlaceholders,
  type TestResource,
  TracecheckError,
  type VariableSetResource,
} from '@tracecheck/core';
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { displayPath, readTextFile } from '../files';
import { type CliIo, createPaint, useColor } from '../io';
import { renderTestRunPretty } from '../report/pretty';
import type { TestRunReport } from '../report/run-report';
import { testRunToObject } from '../report/structured';
import { runOnServer } from './run-on-server';

interface RunOptions {
  readonly file?: string[];
  readonly id?: string;
  readonly trace?: string;
  readonly traceId?: string;
  readonly vars?: string;
  readonly environment?: string;
  readonly requiredGates?: string[];
  readonly junit?: string;
  readonly markdown?: string;
  readonly resourceVersion?: string;
  readonly group?: string;
  readonly skipResultWait?: boolean;
  readonly serverUrl?: string;
  readonly token?: string;
}

/** `tracecheck run test|testsuite` (SPEC §9.3). */
export function registerRunCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run tests or test suites and wait for their verdict')
    .argument('[resource]', 'test | testsuite | transaction', 'test')
    .option('-f, --file <files...>', 'definition file(s) or a directory')
    .option('--id <id>', 'run an existing resource by id')
    .option(
      '--trace <file>',
      'evaluate against a recorded trace (OTLP/JSON or OTLP/protobuf) instead of a server',
    )
    .option('--trace-id <id>', 'with --trace: which trace of the file to evaluate when it holds several')
    .option('--vars <file-or-id>', 'variable set: an id, or a VariableSet file')
    .addOption(new Option('-e, --environment <file-or-id>', 'deprecated alias of --vars').hideHelp())
    .option('--required-gates <gates...>', 'gates that must pass: analyzer-score, analyzer-rules, test-specs')
    .option('-j, --junit <file>', 'write a JUnit XML report (tests, suites and groups) to this file')
    .option(
      '--markdown <file>',
      'write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY): runs with verdict, duration and link, failed assertions',
    )
    .option(
      '--resource-version <n>',
      'with --id: the stored version of the test to run (a suite must be at it: suites run their latest version)',
    )
    .option('-g, --group <id>', 'run group id to give the runs (default: a new group)')
    .option(
      '-s, --server-url <url>',
      'the Tracecheck server (env TRACECHECK_SERVER_URL; default: the one `tracecheck start` runs here)',
    )
    .option('-t, --token <token>', 'API token (env TRACECHECK_TOKEN)')
    .option('-W, --skip-result-wait', 'start the run and exit without waiting', false)
    .action(async (resource: string, options: RunOptions, command: Command) => {
      const output = (command.parent?.opts().output as string | undefined) ?? 'pretty';
      setExit(await runCommand(io, resource, options, output));
    });
}

async function runCommand(io: CliIo, resource: string, options: RunOptions, output: string): Promise<number> {
  const kind = resource === 'transaction' ? 'testsuite' : resource;
  if (kind !== 'test' && kind !== 'testsuite') {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `cannot run "${resource}": use "run test" or "run testsuite"`,
    );
  }
  if (options.environment && !options.vars) {
    io.stderr.write('warning: -e/--environment is deprecated, use --vars\n');
  }
  const files = options.file ?? [];
  if (files.length === 0 && !options.id) {
    throw new TracecheckError('REQUEST_INVALID', 'say what to run: -f FILE (or a directory) or --id ID');
  }
  if (files.length > 0 && options.id) {
    throw new TracecheckError('REQUEST_INVALID', 'give either -f FILE or --id ID, not both');
  }
  if ((options.junit || options.markdown) && options.skipResultWait) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `${options.junit ? '--junit' : '--markdown'} needs the result: it cannot be combined with -W/--skip-result-wait`,
    );
  }
  if (options.resourceVersion !== undefined && (!options.id || !/^[1-9]\d*$/.test(options.resourceVersion))) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      options.id
        ? `--resource-version "${options.resourceVersion}" is not a version number: give a whole number from 1`
        : '--resource-version goes with --id ID (a file is run as it is written)',
    );
  }
  const gates = options.requiredGates
    ? parseRequiredGates(options.requiredGates.flatMap((g) => g.split(',')))
    : undefined;
  if (!options.trace) {
    return runOnServer(io, {
      kind,
      files,
      output,
      ...(options.id ? { id: options.id } : {}),
      ...(options.resourceVersion ? { version: Number(options.resourceVersion) } : {}),
      ...(options.group ? { group: options.group } : {}),
      ...(options.markdown ? { markdown: options.markdown } : {}),
      ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...((options.vars ?? options.environment) ? { vars: (options.vars ?? options.environment)! } : {}),
      ...(gates ? { requiredGates: gates } : {}),
      ...(options.junit ? { junit: options.junit } : {}),
      ...(options.skipResultWait ? { skipResultWait: true } : {}),
    });
  }
  if (kind !== 'test' || files.length !== 1) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      'an offline run (--trace) evaluates exactly one test file: run test -f FILE --trace TRACE',
    );
  }
  const testFile = path.resolve(io.cwd, files[0]!);
  const rawText = await readFile(testFile, 'utf8').catch(() => undefined);
  if (rawText === undefined) {
    io.stderr.write(
      `Invalid definition file found, stopping execution: cannot read "${displayPath(io.cwd, testFile)}"\n`,
    );
    return 3;
  }
  const text = substituteEnvironmentPlaceholders(rawText, (name) => io.env[name]);
  const parsed = parseDefinitionFile(text, {
    fileName: displayPath(io.cwd, testFile),
    languageChecks: defaultLanguageChecks,
  });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !parsed.resource) {
    for (const p of errors)
      io.stderr.write(`${displayPath(io.cwd, testFile)}:${p.line}:${p.column}: error: ${p.message}\n`);
    return 1;
  }
  if (parsed.resource.type !== 'Test') {
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `"${displayPath(io.cwd, testFile)}" is a ${parsed.resource.type}, not a Test`,
    );
  }
  const test = parsed.resource as TestResource;
  const variables = new Map<string, string>();
  const varsRef = options.vars ?? options.environment;
  if (varsRef) {
    const varsFile = path.resolve(io.cwd, varsRef);
    const varsText = await readTextFile(varsFile, io.cwd);
    const vs = parseDefinitionFile(varsText, { fileName: displayPath(io.cwd, varsFile) });
    if (vs.resource?.type !== 'VariableSet') {
      throw new TracecheckError(
        'DEFINITION_INVALID',
        `--vars "${varsRef}" is not a VariableSet (or legacy Environment) file`,
      );
    }
    for (const v of (vs.resource as VariableSetResource).spec.values ?? [])
      variables.set(v.key, v.value ?? '');
  }
  const traceFile = path.resolve(io.cwd, options.trace);
  const traceBytes = await readFile(traceFile).catch(() => undefined);
  if (!traceBytes) {
    throw new TracecheckError(
      'FILE_NOT_FOUND',
      `cannot read the trace "${displayPath(io.cwd, traceFile)}": no such file`,
    );
  }
  const trace = loadRecordedTrace(new Uint8Array(traceBytes));
  const outcome = evaluateRecordedRun({
    test: test.spec,
    records: trace,
    variables,
    ...(options.traceId ? { traceId: parseTraceId(options.traceId) } : {}),
    ...(gates ? { requiredGates: gates } : {}),
  });
  const report: TestRunReport = {
    testName: test.spec.name ?? '',
    traceId: outcome.traceId,
    state: outcome.state,
    allPassed: outcome.evaluation.allPassed,
    passed: outcome.passed,
    results: outcome.evaluation.results,
    outputs: outcome.evaluation.outputs,
    gates: outcome.gates,
    executionTimeSeconds: 0,
  };
  if (output === 'json') io.stdout.write(`${JSON.stringify(testRunToObject(report), null, 2)}\n`);
  else if (output === 'yaml') io.stdout.write(stringify(testRunToObject(report)));
  else io.stdout.write(renderTestRunPretty(report, createPaint(useColor(io))));
  if (options.junit) {
    const junitFile = path.resolve(io.cwd, options.junit);
    const xml = renderTestJUnit({ name: report.testName, results: report.results, executionTimeSeconds: 0 });
    await writeFile(junitFile, `${xml}\n`).catch((error: Error) => {
      throw new TracecheckError(
        'FILE_UNREADABLE',
        `cannot write the JUnit report "${options.junit}": ${error.message}`,
      );
    });
  }
  return outcome.passed ? 0 : 2;
}
