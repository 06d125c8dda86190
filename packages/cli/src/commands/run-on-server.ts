import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  collectFileReferences,
  defaultLanguageChecks,
  insertIdIntoDefinitionText,
  type OutputResult,
  parseDefinition,
  type RequiredGate,
  type Resource,
  replaceFileReferences,
  type SpecResult,
  substituteEnvironmentPlaceholders,
  TracecheckError,
} from '@tracecheck/core';
import { stringify } from 'yaml';
import { displayPath, expandDefinitionPaths } from '../files';
import { type CliIo, createPaint, readEnv, useColor } from '../io';
import { renderTestRunPretty } from '../report/pretty';
import type { TestRunReport } from '../report/run-report';
import { testRunToObject } from '../report/structured';
import { ServerClient, type TestRunJson } from '../server-client';

export interface ServerRunOptions {
  readonly files: readonly string[];
  readonly serverUrl?: string;
  readonly token?: string;
  readonly vars?: string;
  readonly requiredGates?: readonly RequiredGate[];
  readonly junit?: string;
  readonly skipResultWait?: boolean;
  readonly output: string;
}

/** Where `tracecheck start` writes its URL, so `run` in the same folder needs no flag. */
export const SERVER_URL_FILE = path.join('.tracecheck', 'server-url');

function resolveServer(io: CliIo, options: ServerRunOptions): ServerClient {
  const fromFile = path.join(io.cwd, SERVER_URL_FILE);
  const url =
    options.serverUrl ??
    readEnv(io, 'SERVER_URL') ??
    (existsSync(fromFile) ? readFileSync(fromFile, 'utf8').trim() : undefined);
  if (!url) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      'no server to run against: start one here with `tracecheck start`, give --server-url URL (or TRACECHECK_SERVER_URL), or evaluate a recorded trace offline with --trace FILE',
    );
  }
  if (!/^https?:\/\//.test(url)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the server URL "${url}" must start with http:// or https://`,
    );
  }
  return new ServerClient(url, options.token ?? readEnv(io, 'TOKEN'));
}

class FileError extends Error {}

/** Reads a definition, substitutes `${NAME}` from the environment, validates and resolves file references. */
async function prepareResource(
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
async function applyFile(io: CliIo, client: ServerClient, file: string): Promise<string> {
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
  return stored.id;
}

function toReport(run: TestRunJson, testName: string, link: string): TestRunReport {
  const error = run.state !== 'FINISHED';
  return {
    testName,
    link,
    traceId: run.traceId,
    state: run.state,
    ...(error ? { lastErrorState: run.lastErrorState ?? run.state } : {}),
    allPassed: run.result?.allPassed ?? false,
    passed: run.passed === true,
    results: (run.result?.results ?? []) as SpecResult[],
    outputs: run.outputs as OutputResult[],
    ...(run.requiredGatesResult ? { gates: run.requiredGatesResult } : {}),
    executionTimeSeconds: run.executionTime,
  };
}

interface Outcome {
  readonly code: 0 | 1 | 2 | 3;
  readonly text: string;
  readonly object?: unknown;
}

async function runOneTest(
  io: CliIo,
  client: ServerClient,
  file: string,
  options: ServerRunOptions,
  variableSetId?: string,
): Promise<Outcome> {
  const paint = createPaint(useColor(io));
  let testId: string;
  let name: string;
  try {
    const { resource } = await prepareResource(io, client, file);
    if (resource.type !== 'Test' && resource.type !== 'TestSuite') {
      return {
        code: 1,
        text: `✘ "${displayPath(io.cwd, file)}" is a ${resource.type}: only tests and test suites run\n`,
      };
    }
    if (resource.type === 'TestSuite') return runOneSuite(io, client, file, options, variableSetId);
    testId = await applyFile(io, client, file);
    name = (resource.spec as { name?: string }).name ?? testId;
  } catch (error) {
    if (error instanceof FileError)
      return { code: 3, text: `Invalid definition file found, stopping execution: ${error.message}\n` };
    if (error instanceof TracecheckError) return { code: 1, text: `✘ ${error.message}\n` };
    throw error;
  }
  const info = {
    source: 'cli',
    metadata: {},
    ...(variableSetId ? { variableSetId } : {}),
    ...(options.requiredGates ? { requiredGates: options.requiredGates } : {}),
  };
  const started = await client.startTestRun(testId, info);
  if (!started.ok) {
    const keys = started.missingVariables.flatMap((m) => m.variables.map((v) => v.key));
    return {
      code: 1,
      text: `✘ ${name}: missing variables ${keys.join(', ')}: give them in a variable set with --vars FILE\n`,
    };
  }
  const runId = started.run.id;
  const link = `${client.serverUrl.replace(/\/+$/, '')}/test/${testId}/run/${runId}/test`;
  if (options.skipResultWait) return { code: 0, text: `${paint.green('✔')} ${name} (${link}) started\n` };
  await client.waitForFinalState('runId', runId);
  const run = await client.getTestRun(testId, runId);
  const report = toReport(run, name, link);
  if (options.junit) {
    const xml = await client.junit(testId, runId);
    await writeFile(path.resolve(io.cwd, options.junit), xml);
  }
  const code = report.passed ? 0 : 2;
  return { code, text: renderTestRunPretty(report, paint), object: testRunToObject(report) };
}

async function runOneSuite(
  io: CliIo,
  client: ServerClient,
  file: string,
  options: ServerRunOptions,
  variableSetId?: string,
): Promise<Outcome> {
  const paint = createPaint(useColor(io));
  const { resource } = await prepareResource(io, client, file);
  const suiteId = await applyFile(io, client, file);
  const name = (resource.spec as { name?: string }).name ?? suiteId;
  const started = await client.startSuiteRun(suiteId, {
    source: 'cli',
    metadata: {},
    ...(variableSetId ? { variableSetId } : {}),
    ...(options.requiredGates ? { requiredGates: options.requiredGates } : {}),
  });
  if (!started.ok) {
    const keys = started.missingVariables.flatMap((m) => m.variables.map((v) => v.key));
    return { code: 1, text: `✘ ${name}: missing variables ${keys.join(', ')}: give them with --vars FILE\n` };
  }
  const base = client.serverUrl.replace(/\/+$/, '');
  const link = `${base}/testsuite/${suiteId}/run/${started.run.id}`;
  if (options.skipResultWait) return { code: 0, text: `${paint.green('✔')} ${name} (${link}) started\n` };
  await client.waitForFinalState('suiteRunId', started.run.id);
  const suite = await client.getSuiteRun(suiteId, started.run.id);
  const reports = suite.steps.map((step) =>
    toReport(step, step.testId, `${base}/test/${step.testId}/run/${step.id}/test`),
  );
  const passed = suite.state === 'FINISHED' && reports.every((r) => r.passed);
  const head = `${passed ? paint.green('✔') : paint.red('✘')} ${name} (${link})\n`;
  return {
    code: passed ? 0 : 2,
    text: head + reports.map((r) => renderTestRunPretty(r, paint, '\t')).join(''),
    object: { testRunWebUrl: link, state: suite.state, passed, steps: reports.map(testRunToObject) },
  };
}

/** `run test|testsuite -f …` against a server: every file in parallel as one group, one exit code. */
export async function runOnServer(io: CliIo, options: ServerRunOptions): Promise<number> {
  const client = resolveServer(io, options);
  let files: string[];
  try {
    files = await expandDefinitionPaths(io.cwd, options.files);
  } catch (error) {
    io.stderr.write(`Invalid definition file found, stopping execution: ${(error as Error).message}\n`);
    return 3;
  }
  let variableSetId: string | undefined;
  if (options.vars) {
    const varsFile = path.resolve(io.cwd, options.vars);
    variableSetId = existsSync(varsFile) ? await applyFile(io, client, varsFile) : options.vars;
  }
  const outcomes = await Promise.all(
    files.map((file) => runOneTest(io, client, file, options, variableSetId)),
  );
  if (options.output === 'json' || options.output === 'yaml') {
    const objects = outcomes.map((o) => o.object ?? { error: o.text.trim() });
    const value = objects.length === 1 ? objects[0] : objects;
    io.stdout.write(options.output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
  } else {
    for (const o of outcomes) (o.code === 0 || o.code === 2 ? io.stdout : io.stderr).write(o.text);
  }
  const codes = outcomes.map((o) => o.code);
  if (codes.every((c) => c === 0)) return 0;
  if (codes.includes(3)) return 3;
  if (codes.includes(1)) return 1;
  return 2;
}
